"""Family and component suggestions from the reference grid, learning from confirmations.

Each grid row (a family or a component) is a prototype: the mean vector of its French
and English labels, descriptions and citizen-like examples. A note's score for a
component is its cosine with that prototype; a family scores as its best component.
Notes people already classified ("confirmed") sharpen the prototypes (centroid
blending) and vote through their nearest neighbours.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from indicators.vectors import NoteVectorizer, NoteVectors, VectorWeights, fit_vectorizer, resolve_embedding

GRID_PATH = Path(__file__).resolve().parents[1] / "data" / "reference_grid.csv"
GRID_COLUMNS = ("code", "family", "label_fr", "label_en", "description_fr", "description_en",
                "examples_fr", "examples_en")
EXAMPLE_SEPARATOR = " | "
TEMPERATURE = 0.04  # softmax temperature turning cosines into confidences
CONFIRMED_WEIGHT = 1.0  # a confirmed note weighs as much as one grid example in a prototype
NEIGHBOUR_MARGIN = 0.1  # a confirmed note counts once it is this much closer than the grid
PROFILE_KEEP = 3  # grid rows kept in a note's topic signature for clustering
_lock = threading.Lock()


@dataclass(frozen=True)
class FamilySuggestion:
    """One suggested family for a note, with its best component."""

    family: str
    component: str | None
    confidence: float  # in [0, 1]; the suggestions of a note sum to at most 1
    label_fr: str
    label_en: str


def load_grid(path: Path | str = GRID_PATH) -> pd.DataFrame:
    """The reference grid as a DataFrame with empty strings for missing text."""
    grid = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = set(GRID_COLUMNS) - set(grid.columns)
    if missing:
        raise ValueError(f"reference grid lacks columns {sorted(missing)}")
    return grid


def _as_frame(grid: pd.DataFrame | Sequence[Mapping[str, str]]) -> pd.DataFrame:
    frame = grid if isinstance(grid, pd.DataFrame) else pd.DataFrame(list(grid))
    frame = frame.copy()
    for column in GRID_COLUMNS:
        if column not in frame:
            frame[column] = ""
    return frame.fillna("").astype(str)


def row_texts(row: Mapping[str, str]) -> list[str]:
    """Every text that describes one grid row: labels, descriptions, examples."""
    texts = [row["label_fr"], row["label_en"], row["description_fr"], row["description_en"]]
    for column in ("examples_fr", "examples_en"):
        texts += [e.strip() for e in row[column].split(EXAMPLE_SEPARATOR.strip()) if e.strip()]
    return [t for t in texts if t.strip()]


def _weights(with_embedding: bool) -> VectorWeights:
    # Chosen on each development set alike (indicators.crossset): the grid's words count beside the
    # embedding; TF-IDF only without it.
    return VectorWeights(0.5, 0.3, 0.2) if with_embedding else VectorWeights(0.0, 0.6, 0.4)


def unit_rows(vectors: NoteVectors) -> NoteVectors:
    """Rows scaled to unit length (combined dense + sparse norm)."""
    squared = np.asarray(vectors.sparse.multiply(vectors.sparse).sum(axis=1)).ravel()
    squared += np.einsum("ij,ij->i", vectors.dense, vectors.dense) if vectors.dense.shape[1] else 0.0
    inverse = 1.0 / np.maximum(np.sqrt(squared), 1e-12)
    return NoteVectors((vectors.dense * inverse[:, None]).astype(np.float32),
                       sparse.diags(inverse.astype(np.float32)) @ vectors.sparse)


def _group_sum(vectors: NoteVectors, groups: np.ndarray, n_groups: int, weight: float) -> NoteVectors:
    """Weighted sum of vectors per group index."""
    matrix = sparse.csr_matrix((np.full(len(groups), weight, dtype=np.float32),
                                (groups, np.arange(len(groups)))), shape=(n_groups, len(groups)))
    dense = np.asarray(matrix @ vectors.dense, dtype=np.float32)
    return NoteVectors(dense, (matrix @ vectors.sparse).tocsr())


class FamilySuggester:
    """Suggests families/components for notes from a grid, and learns from confirmations."""

    def __init__(
        self, grid: pd.DataFrame | Sequence[Mapping[str, str]] | None = None, *,
        use_embedding: bool | None = None, weights: VectorWeights | None = None,
    ) -> None:
        self.grid = _as_frame(load_grid() if grid is None else grid)
        self.codes: list[str] = self.grid["code"].tolist()
        self.row_family = np.asarray(self.grid["family"].tolist())
        self.families: list[str] = sorted(set(self.row_family))
        self._labels = {r["code"]: (r["label_fr"], r["label_en"]) for r in self.grid.to_dict("records")}
        texts, owners = [], []
        for index, row in enumerate(self.grid.to_dict("records")):
            for text in row_texts(row) or [row["code"]]:
                texts.append(text)
                owners.append(index)
        with_embedding = resolve_embedding(use_embedding)
        self.vectorizer: NoteVectorizer = fit_vectorizer(texts, weights=weights or _weights(with_embedding),
                                                         use_embedding=with_embedding)
        grid_vectors = unit_rows(self.vectorizer.transform(texts))
        self._grid_sum = _group_sum(grid_vectors, np.asarray(owners), len(self.codes), 1.0)
        self.prototypes = unit_rows(self._grid_sum)
        self._confirmed: NoteVectors | None = None
        self._confirmed_family = np.asarray([], dtype=object)
        self._confirmed_row = np.asarray([], dtype=np.int64)

    # ---------- scores ----------

    def vectors(self, texts: Sequence[str]) -> NoteVectors:
        """Unit vectors of notes in the suggester's space."""
        return unit_rows(self.vectorizer.transform(list(texts)))

    def component_scores(self, texts: Sequence[str]) -> np.ndarray:
        """Cosine of each note with each grid row's prototype: (n, rows)."""
        if not texts:
            return np.zeros((0, len(self.codes)), dtype=np.float32)
        return self.vectors(texts).similarity(self.prototypes)

    def component_profile(
        self, texts: Sequence[str], temperature: float = TEMPERATURE, keep: int = PROFILE_KEEP
    ) -> np.ndarray:
        """Soft assignment of notes to their `keep` closest grid rows (rows sum to 1).

        Only the closest rows are kept: the long flat tail would make unrelated notes alike.
        """
        profile = _softmax(self.component_scores(texts), temperature)
        if 0 < keep < profile.shape[1]:
            cutoff = -np.partition(-profile, keep - 1, axis=1)[:, keep - 1: keep]
            profile = np.where(profile >= cutoff, profile, 0.0)
            profile /= np.maximum(profile.sum(axis=1, keepdims=True), 1e-12)
        return profile.astype(np.float32)

    def family_scores(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(n, families) scores and the best row index per family, blended with neighbours."""
        rows = self.component_scores(texts)
        best_row = np.stack([np.where(self.row_family == f, rows, -np.inf).argmax(axis=1)
                             for f in self.families], axis=1) if len(texts) else np.zeros((0, 0), int)
        scores = np.take_along_axis(rows, best_row, axis=1) if len(texts) else rows[:, :0]
        if self._confirmed is not None and len(texts):
            scores, best_row = self._blend_neighbours(texts, scores, best_row)
        return scores, best_row

    def _blend_neighbours(
        self, texts: Sequence[str], scores: np.ndarray, best_row: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """A confirmed note very close to a new one lends it its family and component.

        Measured: a looser vote of neighbours hurt on notes whose paraphrases were never
        confirmed, so a confirmed note counts only when it beats the grid by a margin.
        """
        assert self._confirmed is not None
        sims = self.vectors(texts).similarity(self._confirmed)
        scores, best_row = scores.copy(), best_row.copy()
        for j, family in enumerate(self.families):
            mine = np.flatnonzero(self._confirmed_family == family)
            if not mine.size:
                continue
            nearest = mine[sims[:, mine].argmax(axis=1)]
            vote = sims[np.arange(len(texts)), nearest] - NEIGHBOUR_MARGIN
            wins = vote > scores[:, j]
            scores[wins, j] = vote[wins]
            best_row[wins, j] = self._confirmed_row[nearest[wins]]
        return scores, best_row

    # ---------- suggestions ----------

    def suggest(self, texts: Sequence[str], top: int = 3) -> list[list[FamilySuggestion]]:
        """Top families per note (best first) with their best component and a confidence."""
        scores, best_row = self.family_scores(texts)
        confidences = _softmax(scores, TEMPERATURE)
        out = []
        for i in range(len(texts)):
            ranked = np.argsort(-confidences[i], kind="stable")[:top]
            out.append([self._suggestion(i, j, best_row, confidences) for j in ranked])
        return out

    def _suggestion(self, i: int, j: int, best_row: np.ndarray, confidences: np.ndarray) -> FamilySuggestion:
        family = str(self.families[j])
        code = self.codes[int(best_row[i, j])]
        component = code if code != family else None
        label_fr, label_en = self._labels[component or family]
        return FamilySuggestion(family, component, round(float(confidences[i, j]), 4), label_fr, label_en)

    # ---------- learning ----------

    def learn(self, confirmed: Sequence[tuple[str, str]]) -> FamilySuggester:
        """Use (text, code) pairs people confirmed; code is a family ("A") or component ("A03").

        Replaces earlier confirmations (pass them all). Unknown codes are ignored.
        """
        index = {code: i for i, code in enumerate(self.codes)}
        pairs = [(t, c) for t, c in confirmed if c in index and t.strip()]
        with _lock:
            if not pairs:
                self.prototypes, self._confirmed = unit_rows(self._grid_sum), None
                return self
            vectors = self.vectors([t for t, _ in pairs])
            rows = np.asarray([index[c] for _, c in pairs])
            extra = _group_sum(vectors, rows, len(self.codes), CONFIRMED_WEIGHT)
            blended = NoteVectors(self._grid_sum.dense + extra.dense, self._grid_sum.sparse + extra.sparse)
            self.prototypes = unit_rows(blended)
            self._confirmed = vectors
            self._confirmed_family = self.row_family[rows]
            self._confirmed_row = rows
        return self


def _softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    if scores.size == 0:
        return scores.astype(np.float32)
    shifted = (scores - scores.max(axis=1, keepdims=True)) / temperature
    weights = np.exp(shifted)
    return (weights / weights.sum(axis=1, keepdims=True)).astype(np.float32)


@lru_cache(maxsize=4)
def default_suggester(use_embedding: bool) -> FamilySuggester:
    """A shared zero-shot suggester on the shipped grid (do not `learn` on it: copy instead)."""
    return FamilySuggester(load_grid(), use_embedding=use_embedding)


def suggest_families(
    texts: Sequence[str],
    *,
    grid: pd.DataFrame | Sequence[Mapping[str, str]] | None = None,
    confirmed: Sequence[tuple[str, str]] = (),
    top: int = 3,
    use_embedding: bool | None = None,
) -> list[list[FamilySuggestion]]:
    """Top `top` family suggestions per note, learning from confirmed (text, code) pairs."""
    with_embedding = resolve_embedding(use_embedding)
    if grid is None and not confirmed:
        return default_suggester(with_embedding).suggest(texts, top)
    suggester = FamilySuggester(grid, use_embedding=with_embedding)
    return suggester.learn(confirmed).suggest(texts, top)
