"""llama.cpp engine: load a GGUF, keep a prefilled prompt prefix, decode under a grammar with fast-forward."""

from __future__ import annotations

import ctypes
import hashlib
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from homefc.constraints import (
    BACKENDS,
    Constraint,
    LlamaCppConstraint,
    LLGuidanceConstraint,
    is_end_token,
    lltokenizer,
)
from homefc.errors import GrammarError, ModelError
from homefc.loading import check_gguf, cpu_has_amx, model_params

log = logging.getLogger(__name__)

CHATML_TEMPLATE = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + "
    "'<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
# Gemma's turn markers, for Gemma GGUFs without a template (the pretrained Gemma 3 270M); system is a user turn.
GEMMA_TEMPLATE = (
    "{{ bos_token }}{% for message in messages %}{{ '<start_of_turn>' + "
    "('model' if message['role'] == 'assistant' else 'user') + '\\n' + message['content'] + '<end_of_turn>\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<start_of_turn>model\\n' }}{% endif %}"
)


@dataclass
class Generation:
    """One constrained generation: the text and what it cost."""

    text: str
    """Decoded output."""
    tokens: list[int]
    """Output token ids."""
    prompt_tokens: int
    """Tokens evaluated for the prompt in this request (the cached prefix excluded)."""
    cached_tokens: int
    """Prompt tokens reused from the prefilled prefix."""
    forward_passes: int
    """Model evaluations during decoding."""
    sampled_tokens: int
    """Tokens chosen from logits."""
    forced_tokens: int
    """Tokens appended by grammar fast-forward without sampling."""
    prefill_ms: float
    """Time spent evaluating the prompt."""
    decode_ms: float
    """Time spent producing the output."""
    mask_ms: float
    """Time spent computing grammar masks and forced tokens."""
    stopped: bool
    """True when the grammar completed (not cut off by max_tokens)."""


class Engine:
    """A llama.cpp model with a reusable prompt prefix and grammar-constrained greedy decoding."""

    def __init__(
        self,
        path: str | Path,
        *,
        n_ctx: int = 2048,
        n_threads: int | None = None,
        n_batch: int = 512,
        lora_path: str | Path | None = None,
        state_dir: str | Path | None = None,
    ) -> None:
        path = Path(path)
        check_gguf(path)
        if lora_path is not None:
            check_gguf(Path(lora_path))
        import llama_cpp

        self.path = path
        self.lora_path = Path(lora_path) if lora_path is not None else None
        threads = n_threads or os.cpu_count() or 1
        try:
            with model_params(extra_buffers=not cpu_has_amx()):
                self.llm = llama_cpp.Llama(
                    model_path=str(path),
                    n_ctx=n_ctx,
                    n_batch=n_batch,
                    n_threads=threads,
                    n_threads_batch=threads,
                    logits_all=False,
                    verbose=False,
                    lora_path=str(lora_path) if lora_path is not None else None,
                )
        except (ValueError, RuntimeError) as exc:
            what = f"{path} with adapter {lora_path}" if lora_path else str(path)
            raise ModelError(f"{what}: llama.cpp cannot load it as a language model ({exc})") from None
        if self.llm.metadata.get("general.type", "model") != "model":
            raise ModelError(f"{path}: is a {self.llm.metadata['general.type']}, not a model")
        self._llama_cpp = llama_cpp
        self.vocab = llama_cpp.llama_model_get_vocab(self.llm.model)
        self.n_vocab = int(llama_cpp.llama_vocab_n_tokens(self.vocab))
        self.n_ctx = n_ctx
        self.eos = self.llm.token_eos()
        arch = self.llm.metadata.get("general.architecture", "")
        fallback = GEMMA_TEMPLATE if arch.startswith("gemma") else CHATML_TEMPLATE
        self.chat_template = self.llm.metadata.get("tokenizer.chat_template") or fallback
        adds_bos = self.llm.metadata.get("tokenizer.ggml.add_bos_token", "false") == "true"
        bos = self.llm.token_bos()
        self._bos_text = self.llm.detokenize([bos], special=True).decode("utf-8") if adds_bos and bos >= 0 else ""
        self._prefix: list[int] = []
        self._lltok: Any = None
        self.state_dir = Path(state_dir) if state_dir is not None else None
        self.prefix_source = "none"
        """Where the current prefix state came from: 'computed', 'disk' or 'none'."""

    # --- text ---------------------------------------------------------------------------------

    def tokenize(self, text: str, *, special: bool = True) -> list[int]:
        """Token ids of a text; special tokens written in it (chat markers) are parsed unless `special` is off."""
        return self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=special)

    def tokenize_plain(self, text: str) -> list[int]:
        """Token ids of untrusted text: special-token markers in it are treated as plain text."""
        return self.tokenize(text, special=False)

    def close(self) -> None:
        """Free the model and its context now rather than at garbage collection."""
        self.llm.close()

    def detokenize(self, tokens: Sequence[int], *, special: bool = False) -> str:
        """Text of token ids; with `special`, special tokens (a call marker) are written out too."""
        return self.llm.detokenize(list(tokens), special=special).decode("utf-8", errors="replace")

    def is_end(self, token: int) -> bool:
        """True for any end-of-generation token (SmolLM2 has two; llama.cpp's grammar sampler admits both)."""
        return token == self.eos or is_end_token(self.vocab, token)

    def special_token(self, text: str) -> int | None:
        """The id of the special token spelled by `text` (one token, not plain text), else None."""
        ids = self.tokenize(text)
        return ids[0] if len(ids) == 1 and self.tokenize_plain(text) != ids else None

    def render_chat(self, messages: Sequence[dict[str, str]], *, add_generation_prompt: bool = True) -> str:
        """Messages rendered with the model's own chat template (from the GGUF metadata)."""
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)

        def raise_exception(message: str) -> None:
            raise ModelError(f"{self.path}: chat template error: {message}")

        template = env.from_string(self.chat_template)
        return template.render(
            messages=list(messages),
            add_generation_prompt=add_generation_prompt,
            bos_token=self._bos_text,
            eos_token=self.detokenize([self.eos]),
            raise_exception=raise_exception,
        )

    # --- prefix cache -------------------------------------------------------------------------

    @property
    def prefix_tokens(self) -> int:
        """Length of the prefilled prefix."""
        return len(self._prefix)

    def set_prefix(self, tokens: Sequence[int]) -> float:
        """Make `tokens` the prefilled prefix: loaded from the on-disk state store, else evaluated (and stored).

        Returns ms spent.
        """
        start = time.perf_counter()
        self._prefix = list(tokens)
        self.llm.reset()
        self.prefix_source = "none"
        if self._prefix:
            path = self._state_path(self._prefix)
            if path is not None and self._load_state(path):
                self.prefix_source = "disk"
            else:
                self.llm.eval(self._prefix)
                self.prefix_source = "computed"
                if path is not None:
                    self._save_state(path)
        return (time.perf_counter() - start) * 1000

    def _state_path(self, tokens: Sequence[int]) -> Path | None:
        """Store path keyed by model and adapter files (path, size, mtime), context size and prefix tokens."""
        if self.state_dir is None:
            return None
        key = hashlib.sha256()
        for file in (self.path, self.lora_path):
            if file is not None:
                st = file.stat()
                key.update(f"{file.resolve()}|{st.st_size}|{st.st_mtime_ns}|".encode())
        key.update(f"{self.n_ctx}|{self._llama_cpp.__version__}|".encode())
        key.update(np.asarray(tokens, dtype=np.int32).tobytes())
        return self.state_dir / f"prefix-{key.hexdigest()[:32]}.state"

    def _load_state(self, path: Path) -> bool:
        """Restore the prefix's KV state from disk; False (state cleared) when absent or not matching."""
        if not path.is_file():
            return False
        n = len(self._prefix)
        tokens = (self._llama_cpp.llama_token * n)()
        count = ctypes.c_size_t(0)
        ok = self._llama_cpp.llama_state_load_file(self.llm.ctx, str(path).encode(), tokens, n, ctypes.byref(count))
        if not ok or count.value != n or list(tokens) != self._prefix:
            log.warning("%s: stored prefix state does not match; recomputing", path)
            self.llm.reset()
            return False
        self.llm.input_ids[:n] = self._prefix
        self.llm.n_tokens = n
        return True

    def _save_state(self, path: Path) -> None:
        """Write the prefix's KV state atomically; a failure only costs the next start a prefill."""
        n = len(self._prefix)
        tokens = (self._llama_cpp.llama_token * n)(*self._prefix)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{os.getpid()}")
            if not self._llama_cpp.llama_state_save_file(self.llm.ctx, str(tmp).encode(), tokens, n):
                raise OSError("llama.cpp could not write the state")
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("%s: cannot store the prefix state: %s", path, exc)

    def ensure_prefix(self, tokens: Sequence[int]) -> float:
        """Prefill the prefix unless it is already the cached one. Returns ms spent."""
        if list(tokens) == self._prefix and self.llm.n_tokens >= len(self._prefix):
            return 0.0
        return self.set_prefix(tokens)

    def _load_prompt(
        self, prefix: Sequence[int], suffix: Sequence[int], use_cache: bool, keep_suffix: bool = False
    ) -> tuple[int, int]:
        """Put prefix + suffix into the context; returns (evaluated, reused) token counts.

        The cache holds one prefix: a request with another prefix makes that one the cached prefix. With
        `keep_suffix`, the part of the suffix already in the context from the last generation is kept too (a
        follow-up round repeats its request, reply and all).
        """
        prefix, suffix = list(prefix), list(suffix)
        n = len(prefix)
        if not prefix and not suffix:
            raise GrammarError("empty prompt")
        if not use_cache:
            self.llm.reset()
            self.llm.eval(prefix + suffix)
            return n + len(suffix), 0
        hit = prefix == self._prefix and self.llm.n_tokens >= n and list(self.llm.input_ids[:n]) == prefix
        if not hit:
            self.set_prefix(prefix)
            if suffix:
                self.llm.eval(suffix)
            return n + len(suffix), 0
        kept = 0
        if keep_suffix:
            held = list(self.llm.input_ids[n : self.llm.n_tokens])
            while kept < min(len(held), len(suffix) - 1) and held[kept] == suffix[kept]:
                kept += 1
        self.llm.n_tokens = n + kept
        if suffix[kept:]:
            self.llm.eval(suffix[kept:])
        return len(suffix) - kept, n + kept

    # --- decoding -----------------------------------------------------------------------------

    def constraint(self, grammar: str, backend: str = "llguidance") -> Constraint:
        """A fresh grammar state for one generation, on the chosen backend."""
        if backend == "llamacpp":
            return LlamaCppConstraint(self.vocab, grammar, self.n_vocab, self.eos)
        if backend != "llguidance":
            raise GrammarError(f"unknown grammar backend {backend!r} (choose from {', '.join(BACKENDS)})")
        return self._llguidance(grammar)

    def _llguidance(self, grammar: str) -> LLGuidanceConstraint:
        if self._lltok is None:
            self._lltok = lltokenizer(self.vocab)
        return LLGuidanceConstraint(self._lltok, grammar, self.n_vocab)

    def tokenize_reply(self, text: str, marker: str | None = None) -> list[int]:
        """Token ids of a model reply: plain text, except its call marker (a special token where the model has one)."""
        return [t for piece, special in reply_pieces(text, marker) for t in self.tokenize(piece, special=special)]

    def grammar_accepts(self, grammar: str, text: str, marker: str | None = None) -> bool:
        """Whether the grammar engine, with this model's tokenizer, accepts exactly this text (reply tokens)."""
        matcher = self._llguidance(grammar).matcher
        tokens = self.tokenize_reply(text, marker)
        return matcher.try_consume_tokens(tokens) == len(tokens) and matcher.is_accepting()

    def _last_logits(self) -> np.ndarray:
        ptr = self._llama_cpp.llama_get_logits_ith(self.llm.ctx, -1)
        return np.ctypeslib.as_array(ptr, shape=(self.n_vocab,))

    def generate(
        self,
        prefix: Sequence[int],
        suffix: Sequence[int],
        grammar: str,
        *,
        max_tokens: int = 128,
        use_cache: bool = True,
        fast_forward: bool = True,
        backend: str = "llguidance",
        keep_suffix: bool = False,
        on_text: Callable[[str], None] | None = None,
    ) -> Generation:
        """Greedy decoding of prefix + suffix under a GBNF grammar, forced tokens evaluated in one batch.

        `keep_suffix` reuses whatever of the suffix the context still holds from the last generation; `on_text`
        is given the output so far after each step (for streaming).
        """
        total = len(prefix) + len(suffix) + max_tokens
        if total > self.n_ctx:
            raise GrammarError(f"prompt of {len(prefix) + len(suffix)} tokens does not fit the context of {self.n_ctx}")
        grammar_state = self.constraint(grammar, backend)
        t0 = time.perf_counter()
        evaluated, reused = self._load_prompt(prefix, suffix, use_cache, keep_suffix)
        t1 = time.perf_counter()
        out: list[int] = []
        forward = sampled = forced = 0
        while len(out) < max_tokens and not grammar_state.stopped():
            # One evaluation per choice: the sampled token and the tokens the grammar then forces go in one
            # batch, since a llama.cpp call costs several tokens' worth whatever its size (docs/speed.md).
            batch: list[int] = []
            ahead = grammar_state.forced()[: max_tokens - len(out)] if fast_forward else []
            if not ahead:
                token = grammar_state.best(self._last_logits())
                if token is None or self.is_end(token) or not grammar_state.accept([token]):
                    break
                batch, sampled = [token], sampled + 1
                if fast_forward and not grammar_state.stopped():
                    ahead = grammar_state.forced()[: max_tokens - len(out) - 1]
            if ahead:
                if not grammar_state.accept(ahead):
                    out += batch
                    break
                batch, forced = batch + ahead, forced + len(ahead)
            out += batch
            if on_text is not None:
                on_text(self.detokenize(out, special=True))
            if grammar_state.stopped() or len(out) >= max_tokens:
                break
            self.llm.eval(batch)
            forward += 1
        t2 = time.perf_counter()
        return Generation(
            text=self.detokenize(out, special=True),
            tokens=out,
            prompt_tokens=evaluated,
            cached_tokens=reused,
            forward_passes=forward,
            sampled_tokens=sampled,
            forced_tokens=forced,
            prefill_ms=(t1 - t0) * 1000,
            decode_ms=(t2 - t1) * 1000,
            mask_ms=grammar_state.mask_s * 1000,
            stopped=grammar_state.accepting() or grammar_state.stopped(),
        )


def reply_pieces(text: str, marker: str | None) -> list[tuple[str, bool]]:
    """A model reply as (text, is special) pieces: its call marker is parsed as the special token it may name,
    the rest is plain text (never parsed for special tokens)."""
    if not marker or marker not in text:
        return [(text, False)]
    before, _, after = text.partition(marker)
    return [(before, False), (marker, True), (after, False)]


def validate_gbnf(engine: Engine, grammar: str) -> None:
    """Check a GBNF grammar with llama.cpp's own parser (an invalid one would crash generation)."""
    import llama_cpp

    sampler = llama_cpp.llama_sampler_init_grammar(engine.vocab, grammar.encode("utf-8"), b"root")
    if not sampler:
        raise GrammarError("llama.cpp rejected the grammar")
    llama_cpp.llama_sampler_free(sampler)
