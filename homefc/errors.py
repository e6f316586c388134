"""Errors a user can cause, each rendered by the CLI as one line."""

from __future__ import annotations


class HomefcError(Exception):
    """Base of every error that is the user's input, not a bug: printed as one line, exit 1."""


class HomeError(HomefcError):
    """A home inventory file is missing, unreadable or invalid."""


class DomainSpecError(HomefcError):
    """A domain service spec in devices/domains is invalid."""


class CatalogError(HomefcError):
    """A tool list (OpenAI format) could not be imported."""


class ModelError(HomefcError):
    """A model file is missing, not a GGUF, or not loadable as a model."""


class EmbedderError(HomefcError):
    """The sentence-transformers embedder could not be loaded."""


class GrammarError(HomefcError):
    """A generated grammar was rejected by the grammar engine."""


class ConfigError(HomefcError):
    """The configuration file or a setting is invalid."""


class MqttError(HomefcError):
    """The MQTT broker cannot be reached, refuses the credentials, or a payload is unusable."""


def describe_validation_error(exc: object, *, source: str, root: object | None = None) -> str:
    """Turn a pydantic ValidationError into one line naming the source, the entry and the field."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError):
        return f"{source}: {exc}"
    err = exc.errors()[0]
    loc = list(err.get("loc", ()))
    parts: list[str] = []
    node = root
    for i, key in enumerate(loc):
        if isinstance(key, int):
            label = f"[{key}]"
            entry = None
            if isinstance(node, list) and 0 <= key < len(node):
                entry = node[key]
                node = entry
            else:
                node = None
            if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                label += f" ({entry['id']})"
            parts.append(label)
        else:
            node = node.get(key) if isinstance(node, dict) else None
            parts.append(("." if i else "") + str(key))
    where = "".join(parts) or "top level"
    extra = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{source}: {where}: {err['msg']}{extra}"
