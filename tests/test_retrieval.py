"""Retrieval finds the needed function within the top k, and embeds a home only once."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from homefc.catalog import Catalog, build_catalog
from homefc.domains import DomainSpec
from homefc.home import Home
from homefc.retrieval import Retriever, SentenceEmbedder, clauses, documents_key, tokens

# Development sentences for the example flat (the evaluation set lives in devices/eval and uses other homes).
NEEDED = [
    ("turn off the kitchen light", "light.turn_off:light.kitchen_ceiling"),
    ("switch on the big light", "light.turn_on:light.living_room_ceiling"),
    ("dim the sofa lamp to 20%", "light.turn_on:light.sofa_lamp"),
    ("close the lounge blind", "cover.close_cover:cover.living_room_blind"),
    ("lock the front door", "lock.lock:lock.front_door"),
    ("set the bedroom heating to 19 degrees", "climate.set_temperature:climate.bedroom"),
    ("pause the telly", "media_player.media_pause:media_player.living_room_tv"),
    ("send the hoover back to its dock", "vacuum.return_to_base:vacuum.robot"),
    ("add oat milk to the groceries", "todo.add_item:todo.shopping_list"),
    ("what's the temperature outside", "sensor.get_state:sensor.balcony_temperature"),
    ("is the front door open", "binary_sensor.get_state:binary_sensor.front_door"),
    ("turn on the extractor", "fan.turn_on:fan.bathroom_extractor"),
    ("water the balcony plants", "valve.open_valve:valve.balcony_watering"),
    ("start movie night", "scene.turn_on:scene.movie_night"),
    ("run the good night routine", "script.turn_on:script.good_night"),
    ("arm the alarm, we're leaving", "alarm_control_panel.arm_away:alarm_control_panel.flat_alarm"),
    ("turn the coffee machine on", "switch.turn_on:switch.coffee_machine"),
    ("Mia's night light off please", "light.turn_off:light.night_light"),
    ("set the kitchen speaker volume to 30 percent", "media_player.volume_set:media_player.kitchen_speaker"),
    ("shut off the water main", "valve.close_valve:valve.water_main"),
]


@pytest.mark.parametrize(("text", "needed"), NEEDED)
def test_needed_function_is_in_the_top_8(flat_retriever: Retriever, text: str, needed: str) -> None:
    keys = [c.function.key for c in flat_retriever.retrieve(text, k=8)]
    assert needed in keys


def test_parallel_request_retrieves_both_targets(flat_retriever: Retriever) -> None:
    keys = {c.function.key for c in flat_retriever.retrieve("turn off the kitchen and hall lights", k=8)}
    assert {"light.turn_off:light.kitchen_ceiling", "light.turn_off:light.hall_ceiling"} <= keys


def test_read_function_is_added_beside_every_write(flat_retriever: Retriever) -> None:
    cands = flat_retriever.retrieve("turn off the kitchen light", k=3)
    keys = {c.function.key for c in cands}
    for c in cands:
        if c.function.writes:
            assert f"{c.function.entity_id.split('.')[0]}.get_state:{c.function.entity_id}" in keys


def test_context_area_prefers_the_speakers_room(flat_retriever: Retriever) -> None:
    cands = flat_retriever.retrieve("turn on the light in here", k=4, context_area="office")
    assert cands[0].function.area == "office"


def test_tokens_drop_stop_words_and_plurals() -> None:
    assert tokens("Turn off the Kitchen lights!") == frozenset({"off", "kitchen", "light"})


class CountingEmbedder:
    """The real embedder, counting how many texts it is asked to embed."""

    def __init__(self, inner: SentenceEmbedder) -> None:
        self.inner = inner
        self.embedded = 0

    @property
    def name(self) -> str:
        return self.inner.name

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.embedded += len(texts)
        return self.inner.encode(texts)


def test_second_start_reads_embeddings_from_disk(
    flat_catalog: Catalog, embedder: SentenceEmbedder, domains: dict[str, DomainSpec], tmp_path: Path
) -> None:
    first = CountingEmbedder(embedder)
    Retriever(flat_catalog, first, domains, cache_dir=tmp_path)
    assert first.embedded == len(flat_catalog)
    assert len(list((tmp_path / "embeddings").glob("*.npy"))) == 1
    second = CountingEmbedder(embedder)
    retriever = Retriever(flat_catalog, second, domains, cache_dir=tmp_path)
    assert second.embedded == 0
    retriever.retrieve("turn off the kitchen light")
    assert second.embedded == 1


def test_cache_key_changes_with_documents_and_embedder() -> None:
    base = documents_key("model-a", ["x", "y"])
    assert base != documents_key("model-b", ["x", "y"])
    assert base != documents_key("model-a", ["x", "y2"])
    assert base != documents_key("model-a", ["xy"])


def test_corrupt_cache_file_is_embedded_again(
    flat_catalog: Catalog, embedder: SentenceEmbedder, domains: dict[str, DomainSpec], tmp_path: Path
) -> None:
    Retriever(flat_catalog, embedder, domains, cache_dir=tmp_path)
    (cached,) = (tmp_path / "embeddings").glob("*.npy")
    cached.write_bytes(b"not numpy")
    counting = CountingEmbedder(embedder)
    Retriever(flat_catalog, counting, domains, cache_dir=tmp_path)
    assert counting.embedded == len(flat_catalog)


def test_clauses_split_on_and_commas_then_and_plus() -> None:
    assert clauses("close the blinds, turn on the lamp and then lock the door") == [
        "close the blinds",
        "turn on the lamp",
        "lock the door",
    ]
    assert clauses("turn off the kitchen and hall lights") == ["turn off the kitchen", "hall lights"]
    assert clauses("set the living room light to 50%") == []
    assert clauses("and, then") == []


def test_each_clause_keeps_its_best_function_when_k_is_tight(flat_retriever: Retriever) -> None:
    text = "close the bedroom blind, lock the front door and start the robot vacuum"
    keys = {c.function.key for c in flat_retriever.retrieve(text, k=4)}
    assert {"cover.close_cover:cover.bedroom_blind", "lock.lock:lock.front_door", "vacuum.start:vacuum.robot"} <= keys


class _Counting:
    """The real embedder, counting what it is asked to embed."""

    def __init__(self, inner: SentenceEmbedder) -> None:
        self.inner = inner
        self.texts: list[str] = []

    @property
    def name(self) -> str:
        return self.inner.name

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return self.inner.encode(texts)


def test_a_changed_home_embeds_only_its_new_documents(
    flat: Home, domains: dict[str, DomainSpec], embedder: SentenceEmbedder
) -> None:
    counting = _Counting(embedder)
    smaller = Home(name=flat.name, areas=flat.areas, entities=[e for e in flat.entities if e.id != "light.sofa_lamp"])
    before = Retriever(build_catalog(smaller, domains), counting, domains)  # type: ignore[arg-type]
    counting.texts.clear()
    catalog = build_catalog(flat, domains)
    after = Retriever(catalog, counting, domains, previous=before)  # type: ignore[arg-type]
    lamp_docs = {f.document for f in catalog.functions if f.entity_id == "light.sofa_lamp"}
    assert set(counting.texts) == lamp_docs and lamp_docs
    fresh = Retriever(catalog, embedder, domains)
    assert np.allclose(after._vectors, fresh._vectors, atol=1e-5)
    assert after.retrieve("dim the sofa lamp")[0].function.entity_id == "light.sofa_lamp"
