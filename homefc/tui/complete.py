"""Completion of entity and area names in the request line."""

from __future__ import annotations

from collections.abc import Iterable

from textual.suggester import Suggester


class NameSuggester(Suggester):
    """Completes the word being typed to the longest-known entity or area name that starts with it."""

    def __init__(self, names: Iterable[str]) -> None:
        super().__init__(use_cache=True, case_sensitive=False)
        self.names = sorted({n.casefold() for n in names if n.strip()}, key=len)

    async def get_suggestion(self, value: str) -> str | None:
        """The value with its last words completed to a name (the shortest match), else None."""
        words = value.split(" ")
        for start in range(max(0, len(words) - 4), len(words)):
            typed = " ".join(words[start:])
            if len(typed) < 2:
                continue
            for name in self.names:
                if name.startswith(typed) and name != typed:
                    return value[: len(value) - len(typed)] + name
        return None
