"""A simulated facilitator on the board: what it costs to reach the gold grouping, with the engine in the loop.

The facilitator reads the engine's clusters largest first. A cluster whose notes all say one
idea is pinned as it is (no move), or dragged onto that idea's pinned cluster (one move). In
a mixed cluster, the notes of its main idea are pinned the same way and every other note is
moved, one at a time, to its idea's pinned cluster or to a new one (one move each). After
every `batch` moves the engine re-suggests the notes nobody has placed yet.

With `learning`, the engine sees what people did: the pinned clusters go back to it, so a
free note close to a confirmed cluster joins it (the facilitator then only checks it), and
the confirmed notes teach the grid profile of the vectors (each pinned cluster becomes a row
of the grid the notes are profiled on). Without it, the free notes are re-clustered alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import pandas as pd

from indicators.engine import ClusterSettings, group_labels
from indicators.families import FamilySuggester, load_grid

BATCH = 10  # moves between two suggestions of the engine
LEARNED_FAMILY = "Z"  # the family of the rows that pinned clusters add to the profile's grid


def _taught_suggester(grid: pd.DataFrame, texts: Sequence[str], pinned: dict[str, list[int]]) -> FamilySuggester:
    """The grid plus one row per pinned cluster, its notes as examples: confirmed ideas become profile anchors."""
    rows = [{"code": f"{LEARNED_FAMILY}{k:03d}", "family": LEARNED_FAMILY, "label_fr": "", "label_en": "",
             "description_fr": "", "description_en": "",
             "examples_fr": " | ".join(texts[i].replace("|", " ") for i in members), "examples_en": ""}
            for k, members in enumerate(pinned.values())]
    return FamilySuggester(pd.concat([grid, pd.DataFrame(rows)], ignore_index=True) if rows else grid)


def facilitator_moves(
    texts: Sequence[str], concepts: Sequence[str], *, learning: bool, batch: int = BATCH,
    settings: ClusterSettings | None = None, join: bool = True, teach: bool = True,
) -> dict[str, float]:
    """Moves per 100 notes for the simulated facilitator to reach the gold grouping, and engine rounds."""
    texts = list(texts)
    pinned: dict[str, list[int]] = {}  # gold concept -> its confirmed cluster's notes
    placed: set[int] = set()
    moves = rounds = 0
    grid = load_grid()
    while len(placed) < len(texts):
        rounds += 1
        free = [i for i in range(len(texts)) if i not in placed]
        if learning:
            members = list(pinned.values())
            labels = group_labels(texts, pinned=members if join else (), settings=settings,
                                  suggester=_taught_suggester(grid, texts, pinned) if teach else None)
            if not join:
                labels = [lab if i not in placed else -1 for i, lab in enumerate(labels)]
            by_label: dict[int, list[int]] = {}
            for i, lab in enumerate(labels):
                by_label.setdefault(lab, []).append(i)
            concept_of = {k: c for k, c in enumerate(pinned)} if join else {}
            groups = [[i for i in m if i not in placed] for lab, m in by_label.items() if lab >= 0]
            targets = [concept_of.get(lab) for lab, m in by_label.items() if lab >= 0]
        else:
            labels = group_labels([texts[i] for i in free], settings=settings)
            by_label = {}
            for i, lab in zip(free, labels, strict=True):
                by_label.setdefault(lab, []).append(i)
            groups = list(by_label.values())
            targets = [None] * len(groups)
        budget = batch
        for group, target in sorted(zip(groups, targets, strict=True), key=lambda g: -len(g[0])):
            if not group:
                continue
            main = target or Counter(concepts[i] for i in group).most_common(1)[0][0]
            right = [i for i in group if concepts[i] == main]
            # Pinning a new idea's cluster, or accepting notes the engine put in a confirmed one, is free;
            # dragging a cluster onto an idea already confirmed is a move, and so is every wrong note.
            drag = main in pinned and target is None
            if right and (not drag or budget > 0):
                moves, budget = moves + drag, budget - drag
                pinned.setdefault(main, []).extend(right)
                placed.update(right)
            for i in group:
                if concepts[i] == main or budget <= 0 or i in placed:
                    continue
                pinned.setdefault(concepts[i], []).append(i)
                placed.add(i)
                moves += 1
                budget -= 1
    return {"moves_per_100": round(100.0 * moves / max(1, len(texts)), 2), "rounds": rounds}
