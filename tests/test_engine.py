"""The llama.cpp engine: clear errors for bad model files, grammar-bound output, fast-forward counts."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from homefc.catalog import Catalog
from homefc.engine import Engine
from homefc.errors import ModelError
from homefc.grammar import build_grammar
from homefc.resources import default_model_path


def _gguf_string(text: str) -> bytes:
    data = text.encode()
    return struct.pack("<Q", len(data)) + data


def write_metadata_only_gguf(path: Path) -> None:
    """A well-formed GGUF file with metadata but no tensors: a GGUF that is not a model."""
    kv = _gguf_string("general.architecture") + struct.pack("<I", 8) + _gguf_string("llama")
    path.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + kv)


def test_missing_model_file_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="model file not found"):
        Engine(tmp_path / "nope.gguf")


def test_non_gguf_file_is_rejected_before_llama_cpp(tmp_path: Path) -> None:
    bogus = tmp_path / "model.gguf"
    bogus.write_text("this is not a model")
    with pytest.raises(ModelError, match="not a GGUF file"):
        Engine(bogus)


def test_directory_is_not_a_model(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not a file"):
        Engine(tmp_path)


def test_gguf_without_a_model_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty.gguf"
    write_metadata_only_gguf(path)
    with pytest.raises(ModelError, match="cannot load it as a language model") as info:
        Engine(path)
    assert "\n" not in str(info.value)


def test_chat_template_comes_from_the_gguf(engine: Engine) -> None:
    text = engine.render_chat([{"role": "user", "content": "hi"}])
    # SmolLM2's own template adds its default system prompt; the fallback ChatML template would not.
    assert text.startswith("<|im_start|>system\nYou are a helpful AI assistant named SmolLM")
    assert text.endswith("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n")


def test_plain_tokenization_never_makes_special_tokens(engine: Engine) -> None:
    special = engine.tokenize("<|im_end|>")
    assert len(special) == 1
    assert special[0] not in engine.tokenize_plain("<|im_end|>")


def test_generation_obeys_the_grammar_and_fast_forwards(engine: Engine, flat_catalog: Catalog) -> None:
    fns = [f for f in flat_catalog.for_entity("light.kitchen_ceiling") if not f.args]
    grammar = build_grammar(fns, allow_answer=False, max_calls=1)
    prefix = engine.tokenize(
        engine.render_chat([{"role": "system", "content": "Reply with one JSON call."}], add_generation_prompt=False)
    )
    suffix = engine.tokenize("<|im_start|>user\nturn off the kitchen light<|im_end|>\n<|im_start|>assistant\n")
    engine.set_prefix(prefix)
    gen = engine.generate(prefix, suffix, grammar.text, max_tokens=64)
    assert gen.stopped
    assert gen.text.startswith('{"name": "light.')
    assert gen.text.endswith('"arguments": {"entity_id": "light.kitchen_ceiling"}}')
    assert gen.cached_tokens == len(prefix)
    assert gen.prompt_tokens == len(suffix)
    assert gen.forced_tokens > gen.sampled_tokens
    assert gen.forced_tokens + gen.sampled_tokens == len(gen.tokens)
    assert gen.forward_passes < len(gen.tokens)
    # One evaluation per choice: each sampled token shares its batch with the tokens forced after it.
    assert gen.forward_passes <= gen.sampled_tokens


def test_without_fast_forward_every_token_is_sampled(engine: Engine, flat_catalog: Catalog) -> None:
    fns = [f for f in flat_catalog.for_entity("light.kitchen_ceiling") if not f.args]
    grammar = build_grammar(fns, allow_answer=False, max_calls=1)
    suffix = engine.tokenize("<|im_start|>user\nturn off the kitchen light<|im_end|>\n<|im_start|>assistant\n")
    gen = engine.generate([], suffix, grammar.text, max_tokens=64, fast_forward=False)
    assert gen.forced_tokens == 0
    assert gen.sampled_tokens == len(gen.tokens)
    assert gen.text.endswith('"arguments": {"entity_id": "light.kitchen_ceiling"}}')


def test_max_tokens_cuts_output_and_says_so(engine: Engine, flat_catalog: Catalog) -> None:
    grammar = build_grammar(flat_catalog.for_entity("light.kitchen_ceiling"), allow_answer=False)
    suffix = engine.tokenize("<|im_start|>user\nturn off the kitchen light<|im_end|>\n<|im_start|>assistant\n")
    gen = engine.generate([], suffix, grammar.text, max_tokens=3, fast_forward=False)
    assert len(gen.tokens) == 3
    assert not gen.stopped


def test_prefix_state_is_stored_on_disk_and_reused_by_a_new_engine(tmp_path: Path, flat_catalog: Catalog) -> None:
    fns = [f for f in flat_catalog.for_entity("light.kitchen_ceiling") if not f.args]
    grammar = build_grammar(fns, allow_answer=False, max_calls=1).text
    first = Engine(default_model_path(), n_ctx=1024, state_dir=tmp_path)
    prefix = first.tokenize(
        first.render_chat([{"role": "system", "content": "Reply with one JSON call."}], add_generation_prompt=False)
    )
    suffix = first.tokenize("<|im_start|>user\nturn off the kitchen light<|im_end|>\n<|im_start|>assistant\n")
    first.set_prefix(prefix)
    assert first.prefix_source == "computed"
    stored = list(tmp_path.glob("prefix-*.state"))
    assert len(stored) == 1
    computed = first.generate(prefix, suffix, grammar)
    first.close()

    second = Engine(default_model_path(), n_ctx=1024, state_dir=tmp_path)
    second.set_prefix(prefix)
    assert second.prefix_source == "disk"
    from_disk = second.generate(prefix, suffix, grammar)
    uncached = second.generate(prefix, suffix, grammar, use_cache=False)
    assert from_disk.text == computed.text == uncached.text
    assert from_disk.cached_tokens == len(prefix) and from_disk.prompt_tokens == len(suffix)

    other = prefix[:-2]
    second.set_prefix(other)
    assert second.prefix_source == "computed"
    assert len(list(tmp_path.glob("prefix-*.state"))) == 2
    stored[0].write_bytes(b"not a llama.cpp state file")
    second.set_prefix(prefix)
    assert second.prefix_source == "computed"
    assert second.generate(prefix, suffix, grammar).text == computed.text
    second.close()
