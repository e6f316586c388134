"""Decontamination: the evaluation sentences that generated examples must not repeat.

The generator never reads homefc/devices/eval, yet short everyday commands ("ceiling light on") can come out
of the templates by coincidence. The caller reads the evaluation sentences here and hands them to the
generator as a set to exclude; they can only remove examples, never shape them.
"""

from __future__ import annotations

import re
from pathlib import Path

from homefc.eval.cases import load_case_file
from homefc.resources import BUNDLED_EVAL


def normalise(text: str) -> str:
    """Lower-case words joined by single spaces (punctuation and case do not make a sentence new)."""
    return " ".join(re.findall(r"\w+", text.lower()))


def evaluation_sentences(eval_dir: Path = BUNDLED_EVAL) -> set[str]:
    """Every sentence of every case file in the evaluation directory, normalised."""
    sentences: set[str] = set()
    for path in sorted(eval_dir.glob("*.yaml")):
        sentences |= {normalise(s) for s in load_case_file(path).sentences}
    return sentences
