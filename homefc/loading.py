"""Loading a GGUF on this CPU: the file check that gives one clear line, and the CPU features that decide how
llama.cpp may load it (AMX) and what the merged cache is stored as (bf16)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from homefc.errors import ModelError

GGUF_MAGIC = b"GGUF"


def cpu_has(flag: str) -> bool:
    """True when the CPU advertises the feature flag (Linux /proc/cpuinfo; False where that cannot be read)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            return any(line.startswith("flags") and flag in line.split(":", 1)[-1].split() for line in f)
    except OSError:
        return False


def cpu_has_amx() -> bool:
    """True on CPUs that advertise Intel AMX tiles."""
    return cpu_has("amx_tile")


PARAMS_LOCK = threading.Lock()


@contextmanager
def model_params(*, extra_buffers: bool) -> Iterator[None]:
    """Load models with llama.cpp's extra CPU buffer types (AMX, repacked weights) switched on or off.

    llama.cpp's AMX matmul crashes the process (SIGSEGV in ggml_backend_amx_mul_mat) on AMX CPUs under the
    hypervisors seen here, so homefc loads without extra buffer types there. llama-cpp-python's Llama() has no
    argument for `use_extra_bufts`; it reads its defaults from this function, wrapped for the load only.
    """
    import llama_cpp.llama_cpp as lib

    if extra_buffers:
        yield
        return
    with PARAMS_LOCK:
        original = lib.llama_model_default_params

        def without_extra() -> Any:
            params = original()
            params.use_extra_bufts = False
            return params

        lib.llama_model_default_params = without_extra
        try:
            yield
        finally:
            lib.llama_model_default_params = original


def check_gguf(path: Path) -> None:
    """Fail with one line if the path is not an existing GGUF file."""
    if not path.exists():
        raise ModelError(f"{path}: model file not found")
    if not path.is_file():
        raise ModelError(f"{path}: not a file")
    try:
        with path.open("rb") as fh:
            magic = fh.read(4)
    except OSError as exc:
        raise ModelError(f"{path}: cannot read: {exc}") from None
    if magic != GGUF_MAGIC:
        raise ModelError(f"{path}: not a GGUF file (expected a .gguf model)")
