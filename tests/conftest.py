"""Shared fixtures: the real domain specs, the example flat, the real embedder and the real model."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from homefc.assistant import Assistant
from homefc.catalog import Catalog, build_catalog
from homefc.config import Settings
from homefc.domains import DomainSpec, load_domains
from homefc.engine import Engine
from homefc.factory import assistant_factory
from homefc.home import Home, bundled_home, load_home
from homefc.mqtt.sim import SimulatedHome
from homefc.prompt import load_fewshot
from homefc.resources import default_embedder_path, default_model_path, set_offline
from homefc.retrieval import Retriever, SentenceEmbedder
from tests.broker import Mosquitto


@pytest.fixture(scope="session", autouse=True)
def _offline_and_private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """No hub access and a cache directory of the test session's own."""
    set_offline()
    cache = tmp_path_factory.mktemp("cache")
    old = os.environ.get("HOMEFC_CACHE_DIR")
    os.environ["HOMEFC_CACHE_DIR"] = str(cache)
    yield cache
    if old is None:
        os.environ.pop("HOMEFC_CACHE_DIR", None)
    else:
        os.environ["HOMEFC_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def cache_dir(_offline_and_private_cache: Path) -> Path:
    """The session's cache directory."""
    return _offline_and_private_cache


@pytest.fixture(scope="session")
def mosquitto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mosquitto]:
    """A real Mosquitto started for this test session on a free port (anonymous access)."""
    try:
        broker = Mosquitto(tmp_path_factory.mktemp("mosquitto")).start()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield broker
    broker.stop()


@pytest.fixture(scope="session")
def domains() -> dict[str, DomainSpec]:
    """The bundled domain specs."""
    return load_domains()


@pytest.fixture(scope="session")
def flat() -> Home:
    """The bundled example flat."""
    return load_home(bundled_home())


@pytest.fixture(scope="session")
def flat_catalog(flat: Home, domains: dict[str, DomainSpec]) -> Catalog:
    """Functions of the example flat."""
    return build_catalog(flat, domains)


@pytest.fixture(scope="session")
def embedder() -> SentenceEmbedder:
    """The real all-MiniLM-L6-v2 from its PyPI package."""
    return SentenceEmbedder(default_embedder_path())


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The real SmolLM2-135M-Instruct GGUF from its PyPI package."""
    return Engine(default_model_path(), n_ctx=2048)


@pytest.fixture(scope="session")
def flat_retriever(
    flat_catalog: Catalog, embedder: SentenceEmbedder, domains: dict[str, DomainSpec], cache_dir: Path
) -> Retriever:
    """Retriever over the example flat."""
    return Retriever(flat_catalog, embedder, domains, cache_dir=cache_dir, k=8)


@pytest.fixture(scope="session")
def assistant(
    flat_catalog: Catalog, flat_retriever: Retriever, engine: Engine, domains: dict[str, DomainSpec]
) -> Assistant:
    """The whole pipeline on the example flat, real parts only."""
    return Assistant(flat_catalog, flat_retriever, engine, fewshot=load_fewshot(domains))


@pytest.fixture()
def simulated(tmp_path: Path, flat: Home, domains: dict[str, DomainSpec]) -> Iterator[tuple[Mosquitto, SimulatedHome]]:
    """A broker of the test's own with the example flat simulated on it."""
    broker = Mosquitto(tmp_path / "broker").start()
    sim = SimulatedHome(flat, domains, broker.settings).start()
    assert sim.wait_announced()
    yield broker, sim
    sim.stop()
    broker.stop()


@pytest.fixture(scope="session")
def tuned(flat_catalog: Catalog, domains: dict[str, DomainSpec]) -> Assistant:
    """The shipped default model (merged on first use) over the example flat, shared by the modules that ask it."""
    return assistant_factory(Settings(), domains)(flat_catalog)
