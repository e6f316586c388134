"""Grammar backends for constrained decoding: llguidance (default) and llama.cpp's own GBNF sampler.

Both take the same GBNF text (homefc.grammar is the single grammar source) and offer one interface to the
engine's token loop, so `homefc bench` can compare their cost per token on identical requests.
"""

from __future__ import annotations

import ctypes
import re
import time
import warnings
from typing import Any, Protocol

import numpy as np

from homefc.errors import GrammarError

BACKENDS = ("llguidance", "llamacpp")
_TOKEN_REF = re.compile(r"<\[(\d+)\]>")
_TOKEN_HOLDER = re.compile(r'"\\x01homefc-token-(\d+)\\x01"')


class Constraint(Protocol):
    """A grammar state that follows the tokens generated so far."""

    mask_s: float
    """Seconds spent on masks and forced tokens so far."""

    def forced(self) -> list[int]:
        """Tokens the grammar admits as the only continuation ([] when the model has a choice)."""
        ...

    def best(self, logits: np.ndarray) -> int | None:
        """The highest-scoring token the grammar allows (None when it allows none)."""
        ...

    def accept(self, tokens: list[int]) -> bool:
        """Advance over tokens; False when the grammar rejects one."""
        ...

    def stopped(self) -> bool:
        """True when the grammar admits no further token."""
        ...

    def accepting(self) -> bool:
        """True when the text so far is a complete sentence of the grammar."""
        ...


class LLGuidanceConstraint:
    """llguidance's Earley matcher: microsecond masks, and it computes fast-forward tokens itself."""

    def __init__(self, tokenizer: Any, grammar: str, n_vocab: int) -> None:
        import llguidance
        import llguidance.gbnf_to_lark
        import llguidance.numpy as llnp

        # llguidance's GBNF converter does not parse token references (<[13]>, a call marker), its Lark does:
        # they cross the conversion as placeholder strings. Only the first line (root, where homefc.grammar puts
        # the marker) is searched, so an enum value that happens to spell one stays text.
        root, sep, rest = grammar.partition("\n")
        held = _TOKEN_REF.sub(lambda m: f'"\\x01homefc-token-{m.group(1)}\\x01"', root) + sep + rest
        try:
            lark = llguidance.gbnf_to_lark.any_to_lark(held)
        except Exception as exc:
            raise GrammarError(f"grammar does not convert: {exc}") from None
        lark = _TOKEN_HOLDER.sub(lambda m: f"<[{m.group(1)}]>", lark)
        self.matcher = llguidance.LLMatcher(tokenizer, lark, log_level=0)
        if self.matcher.is_error():
            raise GrammarError(f"grammar rejected: {self.matcher.get_error()}")
        self._llnp = llnp
        self._bitmask = llnp.allocate_token_bitmask(1, n_vocab)
        self.n_vocab = n_vocab
        self.mask_s = 0.0

    def forced(self) -> list[int]:
        """Tokens the grammar forces next."""
        t0 = time.perf_counter()
        tokens = list(self.matcher.compute_ff_tokens())
        self.mask_s += time.perf_counter() - t0
        return tokens

    def best(self, logits: np.ndarray) -> int | None:
        """Greedy choice among the allowed tokens."""
        t0 = time.perf_counter()
        self._llnp.fill_next_token_bitmask(self.matcher, self._bitmask)
        allowed = np.unpackbits(self._bitmask[0].view(np.uint8), bitorder="little")[: self.n_vocab].astype(bool)
        self.mask_s += time.perf_counter() - t0
        if not allowed.any():
            return None
        return int(np.argmax(np.where(allowed, logits, -np.inf)))

    def accept(self, tokens: list[int]) -> bool:
        """Consume tokens."""
        t0 = time.perf_counter()
        ok = all(self.matcher.consume_token(t) for t in tokens)
        self.mask_s += time.perf_counter() - t0
        return ok

    def stopped(self) -> bool:
        """No token may follow."""
        return bool(self.matcher.is_stopped())

    def accepting(self) -> bool:
        """A complete sentence so far."""
        return bool(self.matcher.is_accepting())


class LlamaCppConstraint:
    """llama.cpp's GBNF sampler: checks every vocabulary entry against the grammar stacks at each step."""

    def __init__(self, vocab: Any, grammar: str, n_vocab: int, eos: int) -> None:
        import llama_cpp

        self._ll = llama_cpp
        self.sampler = llama_cpp.llama_sampler_init_grammar(vocab, grammar.encode("utf-8"), b"root")
        if not self.sampler:
            raise GrammarError("llama.cpp rejected the grammar")
        self.eos = eos
        self._vocab = vocab
        dtype = np.dtype([("id", np.int32), ("logit", np.float32), ("p", np.float32)])
        self._ids = np.arange(n_vocab, dtype=np.int32)
        self._cells = np.zeros(n_vocab, dtype=dtype)
        self._array = llama_cpp.llama_token_data_array(
            data=self._cells.ctypes.data_as(ctypes.POINTER(llama_cpp.llama_token_data)),
            size=n_vocab,
            selected=-1,
            sorted=False,
        )
        self._complete = False
        self._dead = False
        self.mask_s = 0.0

    def __del__(self) -> None:
        sampler = getattr(self, "sampler", None)
        if sampler:
            self._ll.llama_sampler_free(sampler)

    def forced(self) -> list[int]:
        """llama.cpp's sampler has no fast-forward."""
        return []

    def best(self, logits: np.ndarray) -> int | None:
        """Greedy choice after the grammar sampler set disallowed logits to -inf."""
        t0 = time.perf_counter()
        self._cells["id"] = self._ids
        self._cells["logit"] = logits
        self._array.size = len(self._cells)
        self._array.selected = -1
        self._array.sorted = False
        self._ll.llama_sampler_apply(self.sampler, ctypes.byref(self._array))
        scores = self._cells["logit"][: self._array.size]
        i = int(np.argmax(scores))
        self.mask_s += time.perf_counter() - t0
        if not np.isfinite(scores[i]):
            self._dead = True
            return None
        token = int(self._cells["id"][i])
        if token == self.eos or is_end_token(self._vocab, token):
            self._complete = True
        return token

    def accept(self, tokens: list[int]) -> bool:
        """Advance the grammar stacks."""
        t0 = time.perf_counter()
        for token in tokens:
            self._ll.llama_sampler_accept(self.sampler, token)
        self.mask_s += time.perf_counter() - t0
        return True

    def stopped(self) -> bool:
        """Only end-of-sequence remains (seen when the greedy choice was it) or nothing is allowed."""
        return self._complete or self._dead

    def accepting(self) -> bool:
        """The grammar allowed end-of-sequence."""
        return self._complete


def is_end_token(vocab: Any, token: int) -> bool:
    """True for any end-of-generation token of the vocabulary (SmolLM2 has two; the grammar sampler admits both)."""
    import llama_cpp

    return bool(llama_cpp.llama_vocab_is_eog(vocab, token))


def lltokenizer(vocab: Any) -> Any:
    """llguidance's view of a llama.cpp vocabulary (built once per engine)."""
    import llguidance.llamacpp

    with warnings.catch_warnings():
        # llguidance's helper calls a llama.cpp function deprecated in name only, once per token.
        warnings.simplefilter("ignore", DeprecationWarning)
        return llguidance.llamacpp.lltokenizer_from_vocab(vocab)
