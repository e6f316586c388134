"""Build the heavy objects (catalog, embedder, index, model) once from settings."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from homefc.assistant import Assistant
from homefc.catalog import Catalog, build_catalog, load_tools
from homefc.config import Settings
from homefc.domains import DomainSpec, load_domains
from homefc.engine import Engine
from homefc.home import bundled_home, load_home
from homefc.loading import check_gguf
from homefc.merge import merge_type, merged_model
from homefc.prompt import TUNED_SYSTEM_PROMPT, PromptStyle, load_fewshot, system_prompt
from homefc.resources import cache_dir, default_embedder_path, resolve_model, set_offline
from homefc.retrieval import Retriever, SentenceEmbedder

log = logging.getLogger(__name__)


class AssistantFactory(Protocol):
    """Builds an assistant for a catalog on the loaded model and embedder."""

    def __call__(self, catalog: Catalog, previous: Assistant | None = None) -> Assistant: ...


def load_catalog(settings: Settings, domains: dict[str, DomainSpec]) -> Catalog:
    """The catalog of the configured tool list, home, or the bundled example flat."""
    if settings.tools is not None:
        return load_tools(settings.tools)
    return build_catalog(load_home(settings.home or bundled_home()), domains)


def model_files(
    base: Path, adapter: Path | None, cache: Path, *, merge: bool, qtype: str = "auto"
) -> tuple[Path, Path | None]:
    """(model, run-time adapter): the cached merge of base and adapter when merging, else the two files as given.

    A cache that cannot be written costs speed, not service: the adapter is then applied at run time.
    """
    if adapter is None or not merge:
        return base, adapter
    check_gguf(base)
    check_gguf(adapter)
    try:
        return merged_model(base, adapter, cache / "models" / "merged", merge_type(qtype)), None
    except OSError as exc:
        log.warning("cannot write the merged model under %s (%s); applying the adapter at run time", cache, exc)
        return base, adapter


def assistant_factory(settings: Settings, domains: dict[str, DomainSpec]) -> AssistantFactory:
    """Load the model and embedder once; return a function that builds an assistant for any catalog."""
    set_offline()
    choice = resolve_model(settings.model, settings.adapter, settings.prompt_profile)
    cache = settings.cache_dir or cache_dir()
    model, lora = model_files(
        choice.base, choice.adapter, cache, merge=settings.merge_adapter, qtype=settings.merge_type
    )
    engine = Engine(model, n_ctx=settings.n_ctx, n_threads=settings.threads, lora_path=lora, state_dir=cache / "kv")
    embedder = SentenceEmbedder(settings.embedder or default_embedder_path())
    marker = choice.marker if settings.call_marker is None else (settings.call_marker or None)
    fewshot = load_fewshot(domains, marker=marker) if choice.profile == "fewshot" else None
    system = system_prompt(marker) if choice.profile == "fewshot" else TUNED_SYSTEM_PROMPT

    style: PromptStyle = "compact" if choice.profile == "compact" else "full"
    if settings.prompt_strategy == "grammar-only":
        style = "bare"

    def make(catalog: Catalog, previous: Assistant | None = None) -> Assistant:
        """An assistant for the catalog; with `previous` (an older inventory's), known documents keep their vectors."""
        earlier = previous.retriever if previous is not None else None
        retriever = Retriever(catalog, embedder, domains, cache_dir=cache, k=settings.top_k, previous=earlier)
        return Assistant(
            catalog,
            retriever,
            engine,
            fewshot=fewshot,
            system=system,
            k=settings.top_k,
            max_calls=settings.max_calls,
            max_input_chars=settings.max_input_chars,
            max_tokens=settings.max_tokens,
            backend=settings.grammar_backend,
            fast_forward=settings.fast_forward,
            style=style,
            split=settings.split_clauses,
            rules=settings.rules,
            rounds=choice.rounds if settings.follow_up is None else settings.follow_up,
            marker=marker,
        )

    return make


def build_assistant(settings: Settings) -> Assistant:
    """Load files and models named by the settings (cheap checks first) and wire the assistant."""
    domains = load_domains(settings.domains)
    catalog = load_catalog(settings, domains)
    return assistant_factory(settings, domains)(catalog)
