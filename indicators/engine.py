"""Grouping engine: clusters of similar criteria, with names and representative notes.

Average-linkage agglomerative clustering on combined vectors (see `vectors`), cut at a
distance threshold a facilitator can move (higher = bigger clusters) or at a target
number of groups. Clusters confirmed by people ("pinned") are kept as they are; new
notes may join them when close enough, and they never merge with one another. Large
note sets (more than `large_n`) go through clustering of a sample then assignment to
the nearest cluster, so no n x n matrix is ever built.
"""

from __future__ import annotations

import copy
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.decomposition import TruncatedSVD

from indicators.families import FamilySuggester, default_suggester
from indicators.text import all_stop_words, clean, detect_language, fold, stem
from indicators.vectors import EMBEDDING_DIM, NoteVectors, VectorWeights, fit_vectorizer, resolve_embedding

# The cut is read from the notes: a factor times their typical distance to their NEIGHBOUR-th
# nearest note, so that new wording (farther apart) is not cut into crumbs. Factors chosen
# cross-set (docs/grouping.md); the embedding path and the TF-IDF-only fallback differ.
DEFAULT_CUT_FACTOR = 1.15
FALLBACK_CUT_FACTOR = 1.1  # TF-IDF only: 1.05-1.1 is best on both sets alike (ARI 0.28 and 0.16)
NEIGHBOUR = 3
CUT_SAMPLE = 500  # notes whose neighbours are measured: the median is stable from a few hundred
CUT_FROM = 20  # fewer notes tell no distance scale: a fixed cut (the one measured before issue 14)
SMALL_SET_THRESHOLD = 0.66
DEFAULT_THRESHOLD = SMALL_SET_THRESHOLD  # a fixed distance, for callers that pass one (threshold=...)
FALLBACK_SMALL_SET_THRESHOLD = 0.78
# Shares of the clustering vectors (embedding, words, chars, grid profile): halfway between the
# choices made on each development set (0.6/0.05/0.05/0.3 and 0.7/0.1/0.1/0.1), fitted on neither.
ENGINE_WEIGHTS = VectorWeights(embedding=0.65, words=0.075, chars=0.075, profile=0.2)
FALLBACK_WEIGHTS = VectorWeights(embedding=0.0, words=0.35, chars=0.35, profile=0.3)
DEFAULT_MAX_SIZE = 40  # a mixed group reads a cluster at once: keep it wall-sized
DENSE_FROM = 2_000  # notes from which TF-IDF is projected to dense dimensions
SVD_DIMENSIONS = 96
MAX_ROUNDS = 6  # sample-and-assign rounds before the leftovers are clustered by chunks
_BLOCK = 1024  # rows per block of similarities: bounds memory to _BLOCK x n floats


@dataclass(frozen=True)
class ClusterSettings:
    """Knobs of the engine; the defaults are the measured ones."""

    threshold: float | None = None  # a fixed distance; None: the cut is read from the notes (see data_threshold)
    cut_factor: float | None = None  # None: the measured default; higher = fewer, larger clusters
    n_groups: int | None = None  # when set, overrides the threshold
    max_size: int | None = DEFAULT_MAX_SIZE
    weights: VectorWeights | None = None  # None: the measured weights of the vector path in use
    use_embedding: bool | None = None  # None: the embedding when installed, else TF-IDF only
    large_n: int = 12_000  # above this, sample then assign (no n x n matrix)
    sample_size: int = 4_000
    n_keywords: int = 3
    profile_temperature: float = 0.05
    centre: bool = True  # take the set's common part out of the embedding (see `centred`)


@dataclass
class Cluster:
    """One group of similar notes."""

    label: int
    note_ids: list[str]
    name: str
    keywords: list[str]
    representative_id: str | None
    pinned: bool = False

    @property
    def size(self) -> int:
        return len(self.note_ids)


@dataclass
class Clustering:
    """Result of a clustering run: one label per input note, and the clusters."""

    labels: list[int]
    clusters: list[Cluster]

    def cluster_of(self, note_id: str) -> Cluster | None:
        """The cluster holding a note id, if any."""
        for cluster in self.clusters:
            if note_id in cluster.note_ids:
                return cluster
        return None


def cluster_notes(
    texts: Sequence[str],
    *,
    ids: Sequence[str] | None = None,
    pinned: Sequence[Sequence[str]] = (),
    settings: ClusterSettings | None = None,
    lang: str | None = None,
    suggester: FamilySuggester | None = None,
) -> Clustering:
    """Group notes; pinned clusters (lists of note ids) are kept intact.

    `lang` ("fr"/"en") chooses the language of cluster names; by default each
    cluster is named in the language of most of its notes. `suggester` carries the
    project's reference grid (default: the shipped grid).
    """
    settings = resolve_settings(settings or ClusterSettings())
    ids = [str(i) for i in (ids if ids is not None else range(len(texts)))]
    if len(ids) != len(texts) or len(set(ids)) != len(ids):
        raise ValueError("ids must be unique and as many as texts")
    if not texts:
        return Clustering([], [])
    vectors = clustering_vectors(texts, settings, suggester)
    labels, pinned_labels = _labels_with_pins(vectors, ids, pinned, settings)
    return _describe(texts, ids, vectors, labels, pinned_labels, settings, lang)


def group_labels(
    texts: Sequence[str], *, pinned: Sequence[Sequence[int]] = (), settings: ClusterSettings | None = None,
    suggester: FamilySuggester | None = None,
) -> list[int]:
    """Labels only (pinned clusters first, as positions): what a measurement needs, without names."""
    if not texts:
        return []
    settings = resolve_settings(settings or ClusterSettings())
    vectors = clustering_vectors(texts, settings, suggester)
    ids = [str(i) for i in range(len(texts))]
    labels, _ = _labels_with_pins(vectors, ids, [[str(i) for i in g] for g in pinned], settings)
    return [int(x) for x in labels]


def resolve_settings(settings: ClusterSettings) -> ClusterSettings:
    """Settings with the embedding choice and threshold made explicit."""
    with_embedding = resolve_embedding(settings.use_embedding)
    factor = settings.cut_factor
    if factor is None:
        factor = DEFAULT_CUT_FACTOR if with_embedding else FALLBACK_CUT_FACTOR
    weights = settings.weights or (ENGINE_WEIGHTS if with_embedding else FALLBACK_WEIGHTS)
    threshold = None if settings.threshold is None else float(settings.threshold)
    return replace(settings, use_embedding=with_embedding, threshold=threshold, cut_factor=float(factor),
                   weights=weights)


def data_threshold(vectors: NoteVectors, factor: float) -> float:
    """The cut distance these notes call for: `factor` times the median distance to the NEIGHBOUR-th nearest note.

    Floored by the fixed cut measured before (SMALL_SET_THRESHOLD, moved by the same factor).

    Notes written alike sit close and get a tight cut; notes of varied wording (slang, two
    languages, other hands) sit farther apart and get a looser one, so the number of
    clusters follows the ideas rather than the spelling. A sample of CUT_SAMPLE notes is
    measured against all notes, by blocks: no n x n matrix.
    """
    n = len(vectors)
    embedded = vectors.dense.shape[1] >= EMBEDDING_DIM
    small, default = (SMALL_SET_THRESHOLD, DEFAULT_CUT_FACTOR) if embedded else \
        (FALLBACK_SMALL_SET_THRESHOLD, FALLBACK_CUT_FACTOR)
    floor = small * factor / default  # the facilitator's control moves it too
    if n < CUT_FROM:
        return floor
    rows = np.random.default_rng(0).choice(n, CUT_SAMPLE, replace=False) if n > CUT_SAMPLE else np.arange(n)
    distances = []
    for start in range(0, len(rows), 128):
        sims = vectors.rows(rows[start: start + 128]).similarity(vectors)
        # Rank 0 is the note itself (similarity 1): the NEIGHBOUR-th other note is at rank NEIGHBOUR.
        distances.append(1.0 + np.partition(-sims, NEIGHBOUR, axis=1)[:, NEIGHBOUR])
    # Never tighter than the fixed cut: notes copied many times over (a paper wall typed twice)
    # would otherwise make the typical neighbour a twin, and every idea a crumb.
    return float(max(floor, factor * np.median(np.concatenate(distances))))


def with_cut(vectors: NoteVectors, settings: ClusterSettings) -> ClusterSettings:
    """Settings whose threshold is set: the one given, or the one the notes call for."""
    settings = resolve_settings(settings)
    if settings.threshold is not None:
        return settings
    return replace(settings, threshold=data_threshold(vectors, float(settings.cut_factor or DEFAULT_CUT_FACTOR)))


def clustering_vectors(
    texts: Sequence[str], settings: ClusterSettings, suggester: FamilySuggester | None = None
) -> NoteVectors:
    """Combined vectors: embedding, TF-IDF and the note's profile over the grid's components."""
    settings = resolve_settings(settings)
    with_embedding = bool(settings.use_embedding)
    weights = settings.weights or VectorWeights()
    vectorizer = fit_vectorizer(texts, weights=weights, use_embedding=with_embedding)
    profile = None
    if weights.profile > 0:
        suggester = suggester or default_suggester(with_embedding)
        profile = suggester.component_profile(texts, settings.profile_temperature)
    vectors = vectorizer.transform(texts, profile)
    if with_embedding and settings.centre:
        scale = weights.scales(True, profile is not None)[0]
        vectors.dense[:, :EMBEDDING_DIM] = centred(vectors.dense[:, :EMBEDDING_DIM] / max(scale, 1e-12)) * scale
    return _densify(vectors)


CENTRE_FROM = 20  # fewer notes have no mean worth removing (two notes would become opposite)
_CENTRE_SAMPLE = 4_000


def _main_direction(rows: np.ndarray, rounds: int = 30) -> np.ndarray:
    """First principal direction of centred rows by power iteration (matrix-vector products only:
    an SVD or eigendecomposition took seconds on a loaded 2-core machine)."""
    direction = np.random.default_rng(0).normal(size=rows.shape[1]).astype(np.float32)
    for _ in range(rounds):
        direction = rows.T @ (rows @ direction)
        direction /= max(float(np.linalg.norm(direction)), 1e-12)
    return direction


def centred(vectors: np.ndarray) -> np.ndarray:
    """Unit vectors with the set's mean and its main direction removed.

    Every short note of a workshop shares what the embedding says of "a post-it about
    life"; that common part makes all notes look alike, the more so on wording the
    engine never saw. Taking out the set's own mean and first principal direction leaves
    what tells the notes apart (measured on both development sets: docs/grouping.md).
    """
    if len(vectors) < CENTRE_FROM:
        return vectors
    out = vectors - vectors.mean(axis=0, keepdims=True)
    sample = out[np.random.default_rng(0).choice(len(out), _CENTRE_SAMPLE, replace=False)] \
        if len(out) > _CENTRE_SAMPLE else out
    main = _main_direction(sample)
    out -= np.outer(out @ main, main)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return (out / np.maximum(norms, 1e-12)).astype(np.float32)


def _densify(vectors: NoteVectors) -> NoteVectors:
    """Above DENSE_FROM notes, project the sparse TF-IDF part on 96 dense dimensions.

    Sparse x sparse products of character n-grams dominate the cost of all pairwise
    distances on large sets; a truncated SVD keeps their main directions (and their
    share of the cosine) and turns every product into a dense one.
    """
    if len(vectors) < DENSE_FROM or vectors.sparse.nnz == 0:
        return vectors
    svd = TruncatedSVD(n_components=SVD_DIMENSIONS, algorithm="randomized", n_iter=3, random_state=0)
    projected = svd.fit_transform(vectors.sparse).astype(np.float32)
    dense = np.hstack([vectors.dense, projected])
    return NoteVectors(dense, sparse.csr_matrix((len(vectors), 0), dtype=np.float32))


def _labels_with_pins(
    vectors: NoteVectors, ids: list[str], pinned: Sequence[Sequence[str]], settings: ClusterSettings
) -> tuple[np.ndarray, set[int]]:
    """Labels for every note: pinned clusters first (0..p-1), then free clusters."""
    settings = with_cut(vectors, settings)  # measured on every note, pinned ones too
    position = {note_id: i for i, note_id in enumerate(ids)}
    labels = np.full(len(ids), -1, dtype=np.int64)
    pinned_groups = [[position[i] for i in group if i in position] for group in pinned]
    pinned_groups = [g for g in pinned_groups if g]
    for label, group in enumerate(pinned_groups):
        if (labels[group] >= 0).any():
            raise ValueError("a note cannot be pinned in two clusters")
        labels[group] = label
    free = np.flatnonzero(labels < 0)
    if free.size:
        free_labels = cluster_vectors(vectors.rows(free), settings) + len(pinned_groups)
        labels[free] = free_labels
        if pinned_groups:
            _join_pinned(vectors, labels, free, pinned_groups, settings)
    return _renumber(labels, len(pinned_groups)), set(range(len(pinned_groups)))


def _join_pinned(
    vectors: NoteVectors,
    labels: np.ndarray,
    free: np.ndarray,
    pinned_groups: list[list[int]],
    settings: ClusterSettings,
) -> None:
    """Free clusters close enough (average linkage) to a pinned cluster join it."""
    pinned_mean = _mean_vectors(vectors, pinned_groups)
    sizes = [len(g) for g in pinned_groups]
    free_labels = sorted(set(labels[free].tolist()))
    groups = [np.flatnonzero(labels == lab) for lab in free_labels]
    # Mean similarity between two clusters = dot product of their mean vectors.
    sims = _mean_vectors(vectors, groups).similarity(pinned_mean)
    for g_index in np.argsort(-sims.max(axis=1), kind="stable"):
        order = np.argsort(-sims[g_index], kind="stable")
        for p_index in order:
            if 1.0 - sims[g_index, p_index] > settings.threshold:
                break
            limit = settings.max_size or math.inf
            if sizes[p_index] + len(groups[g_index]) <= max(limit, sizes[p_index]):
                labels[groups[g_index]] = p_index
                sizes[p_index] += len(groups[g_index])
                break


def _mean_vectors(vectors: NoteVectors, groups: Sequence[Sequence[int]]) -> NoteVectors:
    """Unnormalised mean vector of each group (dot products give mean similarities)."""
    n = len(vectors)
    rows = np.concatenate([np.full(len(g), k) for k, g in enumerate(groups)])
    cols = np.concatenate([np.asarray(g, dtype=np.int64) for g in groups])
    weights = np.concatenate([np.full(len(g), 1.0 / len(g), dtype=np.float32) for g in groups])
    averaging = sparse.csr_matrix((weights, (rows, cols)), shape=(len(groups), n))
    dense = np.asarray(averaging @ vectors.dense, dtype=np.float32) if vectors.dense.shape[1] else \
        np.zeros((len(groups), 0), np.float32)
    return NoteVectors(dense, (averaging @ vectors.sparse).tocsr())


def _renumber(labels: np.ndarray, n_fixed: int) -> np.ndarray:
    """Stable labels: fixed ones kept, others numbered by first appearance."""
    mapping: dict[int, int] = {k: k for k in range(n_fixed)}
    out = np.empty_like(labels)
    for i, label in enumerate(labels.tolist()):
        if label not in mapping:
            mapping[label] = len(mapping)
        out[i] = mapping[label]
    return out


def cluster_vectors(vectors: NoteVectors, settings: ClusterSettings) -> np.ndarray:
    """Labels 0..k-1 for notes given as vectors (exact or sample-and-assign path)."""
    n = len(vectors)
    if n <= 1:
        return np.zeros(n, dtype=np.int64)
    settings = with_cut(vectors, settings)
    assert settings.threshold is not None
    if n > settings.large_n and settings.n_groups is None:
        labels = _sample_and_assign(vectors, settings)
    else:
        labels = _agglomerate(vectors, settings.threshold, settings.n_groups)
    if settings.max_size:
        labels = _split_large(vectors, labels, settings.max_size)
    return _renumber(labels, 0)


def condensed_distances(vectors: NoteVectors) -> np.ndarray:
    """Cosine distances in scipy's condensed form, computed block by block."""
    n = len(vectors)
    out = np.empty(n * (n - 1) // 2, dtype=np.float64)
    for start in range(0, n, _BLOCK):
        stop = min(start + _BLOCK, n)
        sims = vectors.rows(slice(start, stop)).similarity(vectors.rows(slice(start, n)))
        for i in range(start, stop):
            offset = i * n - i * (i + 1) // 2  # index of pair (i, i + 1)
            out[offset: offset + n - i - 1] = 1.0 - sims[i - start, i - start + 1:]
    np.clip(out, 0.0, 2.0, out=out)
    return out


def _agglomerate(vectors: NoteVectors, threshold: float, n_groups: int | None) -> np.ndarray:
    """Exact average-linkage clustering (O(n^2) memory in condensed form)."""
    n = len(vectors)
    if n <= 1:
        return np.zeros(n, dtype=np.int64)
    tree = linkage(condensed_distances(vectors), method="average")
    if n_groups is not None:
        return fcluster(tree, t=max(1, min(n_groups, n)), criterion="maxclust") - 1
    return fcluster(tree, t=threshold, criterion="distance") - 1


def _split_large(vectors: NoteVectors, labels: np.ndarray, max_size: int) -> np.ndarray:
    """Cut clusters bigger than max_size into parts by re-clustering their members."""
    labels = labels.copy()
    next_label = int(labels.max()) + 1
    queue = [lab for lab, count in Counter(labels.tolist()).items() if count > max_size]
    while queue:
        members = np.flatnonzero(labels == queue.pop())
        parts = math.ceil(len(members) / max_size)
        sub = _agglomerate(vectors.rows(members), 0.0, parts) if len(members) <= 12_000 else \
            np.arange(len(members)) * parts // len(members)
        for part in range(1, int(sub.max()) + 1):
            labels[members[sub == part]] = next_label
            next_label += 1
        queue += [lab for lab, count in Counter(labels[members].tolist()).items() if count > max_size]
    return labels


def _sample_and_assign(vectors: NoteVectors, settings: ClusterSettings) -> np.ndarray:
    """Cluster a sample exactly, then assign every note to its nearest cluster mean.

    Notes farther than the threshold from every cluster start the next round on
    what is left, so rare ideas still get their own clusters.
    """
    labels = np.full(len(vectors), -1, dtype=np.int64)
    remaining = np.arange(len(vectors))
    rng = np.random.default_rng(0)  # fixed seed: same notes, same clusters
    next_label = 0
    for _round in range(MAX_ROUNDS):
        if remaining.size <= settings.large_n:
            break
        sample = np.sort(rng.choice(remaining, size=settings.sample_size, replace=False))
        sample_labels = _agglomerate(vectors.rows(sample), settings.threshold, None)
        groups = [sample[sample_labels == k] for k in range(int(sample_labels.max()) + 1)]
        means = _mean_vectors(vectors, groups)
        nearest, best = _nearest(vectors.rows(remaining), means)
        close = 1.0 - best <= settings.threshold
        close[np.isin(remaining, sample)] = True  # sample notes keep their own cluster
        labels[remaining[close]] = nearest[close] + next_label
        next_label += len(groups)
        if close.sum() == 0:
            break
        remaining = remaining[~close]
    # What is left (rare ideas) is clustered exactly, in chunks that bound memory.
    for start in range(0, remaining.size, settings.large_n):
        chunk = remaining[start: start + settings.large_n]
        chunk_labels = _agglomerate(vectors.rows(chunk), settings.threshold, None)
        labels[chunk] = chunk_labels + next_label
        next_label += int(chunk_labels.max()) + 1
    return labels


def _nearest(vectors: NoteVectors, means: NoteVectors) -> tuple[np.ndarray, np.ndarray]:
    """Index and similarity of the closest cluster mean for each note, by blocks."""
    nearest = np.empty(len(vectors), dtype=np.int64)
    best = np.empty(len(vectors), dtype=np.float32)
    for start in range(0, len(vectors), _BLOCK):
        sims = vectors.rows(slice(start, start + _BLOCK)).similarity(means)
        nearest[start: start + _BLOCK] = sims.argmax(axis=1)
        best[start: start + _BLOCK] = sims.max(axis=1)
    return nearest, best


# ---------- names and representatives ----------

_SURFACE = re.compile(r"[^\W\d_]{2,}", re.UNICODE)


def _surface_words(text: str) -> list[tuple[str, str]]:
    """(key, surface) pairs of content words: key folded and stemmed, surface as written."""
    stops = all_stop_words()
    pairs = []
    for word in _SURFACE.findall(clean(text).lower()):
        folded = fold(word)
        if folded not in stops:
            pairs.append((stem(folded), word))
    return pairs


def cluster_keywords(texts_by_cluster: Sequence[Sequence[str]], n_keywords: int = 3) -> list[list[str]]:
    """Key words per cluster, c-TF-IDF style: frequent in the cluster, rare elsewhere."""
    counts = [Counter(k for t in texts for k, _ in _surface_words(t)) for texts in texts_by_cluster]
    surfaces: dict[str, Counter[str]] = {}
    for texts in texts_by_cluster:
        for text in texts:
            for key, word in _surface_words(text):
                surfaces.setdefault(key, Counter())[word] += 1
    total = Counter[str]()
    for count in counts:
        total.update(count)
    avg_words = max(1.0, sum(total.values()) / max(1, len(counts)))
    keywords = []
    for count in counts:
        size = max(1, sum(count.values()))
        scored = sorted(count, key=lambda k: (-(count[k] / size) * math.log(1 + avg_words / total[k]), k))
        keywords.append([surfaces[k].most_common(1)[0][0] for k in scored[:n_keywords]])
    return keywords


def _phrases(text: str) -> set[tuple[str, str]]:
    """(key, surface) of two content words side by side, or with one stop word between ("transports en commun")."""
    stops = all_stop_words()
    tokens = [(fold(w), w) for w in _SURFACE.findall(clean(text).lower())]
    found = set()
    for i, (first, _) in enumerate(tokens):
        if first in stops:
            continue
        for gap in (1, 2):
            if i + gap >= len(tokens) or (gap == 2 and tokens[i + 1][0] not in stops):
                continue
            last = tokens[i + gap][0]
            if last not in stops:
                words = " ".join(w for _, w in tokens[i: i + gap + 1])
                found.add((f"{stem(first)} {stem(last)}", words))
    return found


def cluster_name(texts: Sequence[str], keywords: Sequence[str]) -> str:
    """Key words as a list ("transports en commun, horaires"): what a phrase name falls back on.

    A phrase shared by several notes counts (at least two notes, and a quarter of them).
    """
    notes_with: Counter[str] = Counter()
    surfaces: dict[str, Counter[str]] = {}
    for text in texts:
        for key, words in _phrases(text):
            notes_with[key] += 1
            surfaces.setdefault(key, Counter())[words] += 1
    needed = max(2, math.ceil(len(texts) / 4))
    keyed = [stem(fold(word)) for word in keywords]
    shared = [k for k, n in notes_with.items() if n >= needed]
    if not shared:
        return ", ".join(keywords)
    # The most shared phrase; among equals, the one holding the best key words.

    def rank(key: str) -> tuple[int, int, str]:
        best_word = min((keyed.index(w) for w in key.split() if w in keyed), default=len(keyed))
        return notes_with[key], -best_word, key

    best = max(shared, key=rank)
    rest = [word for word, key in zip(keywords, keyed, strict=True) if key not in best.split()]
    return ", ".join([surfaces[best].most_common(1)[0][0], *rest[:1]])


# ---------- names as people write them ----------

PHRASE_WORDS = 6  # "Avoir un travail qui me plaît": a card's title, not a sentence
_CLAUSE_END = re.compile(r"\s*(?:[,;:.!?()\[\]«»\"…]|\s[-–—]\s)")
# Where a long note turns from its idea to a detail: cut there ("Avoir un taf | qui me plaît et ...").
# A clause's turn is cut at first; a preposition only when the phrase is still too long, and at the last one
# within reach, so that a verb or a noun keeps its complement ("Accepter de venir aux réunions | avec ...",
# "Créer une bourse aux vêtements d'enfants", not "Accepter de venir", "Créer une bourse").
_TURNS = frozenset(
    {
        "qui", "que", "qu", "quand", "parce", "car", "mais", "meme", "surtout", "sauf", "alors", "comme", "ou",
        "dont", "si", "et", "plutot", "puisque", "lorsque",
        "who", "that", "when", "because", "but", "even", "so", "as", "where", "if", "and", "since", "rather",
    }
)
_WEAK_TURNS = frozenset(
    {"pour", "sans", "avec", "a", "au", "aux", "dans", "depuis", "avant", "apres", "for", "without", "with", "in", "at",
     "to", "before", "after"}
)
# A card's name says what people want ("Avoir un travail") rather than what hurts ("Le chômage"), when it can.
_NEGATIVE = frozenset({"pas", "ne", "n", "jamais", "rien", "aucun", "aucune", "manque", "trop", "no", "not",
                       "never", "nothing", "lack", "too"})  # fmt: skip
_WORD = re.compile(r"\S+")
_DANGLING = frozenset(
    {
        "de", "du", "des", "d", "le", "la", "les", "l", "un", "une", "a", "à", "au", "aux", "en", "et", "ou",
        "pour", "par", "sur", "avec", "sans", "dans", "que", "qu", "qui", "ce", "mon", "ma", "mes", "ton", "ta",
        "son", "sa", "ses", "nos", "notre", "leur", "leurs", "ne", "n", "se", "s", "the", "an", "of", "to",
        "for", "with", "and", "or", "in", "on", "at", "my", "our", "their", "his", "her",
    }
)


def note_phrase(text: str, max_words: int = PHRASE_WORDS) -> str:
    """The head of a note as a short phrase: its first clause, cut where it turns to a detail, capitalised.

    "avoir un taf qui me plaît et pas juste pour payer le loyer" -> "Avoir un taf";
    "L'isolement, on perd ses collègues" -> "L'isolement". The words stay the note's own.
    """
    return _note_phrase(text, max_words)[0]


def _turn(word: str) -> str:
    return fold(re.sub(r"['’].*$", "", word))


def _looks_infinitive(word: str) -> bool:
    return len(word) > 3 and word.isalpha() and fold(word).endswith(("er", "ir", "oir", "re"))


def _cut_at_turn(words: list[str], max_words: int) -> list[str]:
    """A long phrase cut where it turns (three words before a cut at least: "Des bancs pour se reposer")."""
    if len(words) < max_words:
        return words
    strong = next((i for i in range(3, len(words)) if _turn(words[i]) in _TURNS), None)
    if strong is not None and strong <= max_words:
        return words[:strong]
    weak = [i for i in range(3, min(len(words), max_words + 1)) if _turn(words[i]) in _WEAK_TURNS]
    if weak and len(words) > max_words:
        # A preposition before a verb opens a clause ("sans | être dans le rouge", "à | faire leur CV"): cut there.
        clause = next((i for i in weak if i + 1 < len(words) and _looks_infinitive(words[i + 1])), None)
        return words[: clause if clause is not None else weak[-1]]
    return words[:strong] if strong is not None else words


# A request whose object is the clause after "que" says nothing once cut there: "Demander à la mairie | que la
# garderie ferme plus tard" is about the garderie, not about asking. And "comme" often carries the judgement:
# "Qu'on nous parle | comme à des enfants" is a complaint, its head a wish.
_ASKING = frozenset({"demander", "signaler", "dire", "vouloir", "souhaiter", "esperer", "expliquer", "exiger",
                     "reclamer", "ask", "tell", "want", "wish"})  # fmt: skip
_MEANING_TURNS = frozenset({"comme", "like", "as"})


def _empty_head(words: list[str], kept: list[str]) -> bool:
    """Whether cutting `words` to `kept` left a head without the note's point (see _ASKING)."""
    if len(kept) >= len(words) or not kept:
        return False
    turn = _turn(words[len(kept)])
    return turn in _MEANING_TURNS or (turn in ("que", "qu", "that") and fold(kept[0].lower()) in _ASKING)


def _note_phrase(text: str, max_words: int) -> tuple[str, bool]:
    """The phrase, and whether it had to stop mid-idea (no clause end nor turn within reach, or a cut that lost
    the note's point)."""
    head = _CLAUSE_END.split(clean(text), maxsplit=1)[0].strip()
    words = as_infinitive(_WORD.findall(head) or _WORD.findall(clean(text)))
    kept = _cut_at_turn(words, max_words)
    lost = _empty_head(words, kept)
    words = kept
    cut = len(words) > max_words + 1 or lost  # one word over is kept rather than cut
    words = words[:max_words] if cut else words
    while len(words) > 1 and fold(re.sub(r"['’]$", "", words[-1])) in _DANGLING:
        words = words[:-1]  # never end a name on "de", "le", "pour"
    phrase = " ".join(words).strip(" -–—'’")
    return (phrase[:1].upper() + phrase[1:] if phrase else ""), cut


# A name says what people do or want, not who said it: "Je garde mes petits-enfants" -> "Garder ses petits-enfants".
_IRREGULAR = {
    "fais": "faire", "vais": "aller", "suis": "être", "ai": "avoir", "prends": "prendre", "apprends": "apprendre",
    "comprends": "comprendre", "peux": "pouvoir", "veux": "vouloir", "dois": "devoir", "sais": "savoir",
    "vois": "voir", "viens": "venir", "tiens": "tenir", "sors": "sortir", "pars": "partir", "dors": "dormir",
    "lis": "lire", "écris": "écrire", "dis": "dire", "mets": "mettre", "connais": "connaître", "bois": "boire",
    "cours": "courir", "accueille": "accueillir", "cueille": "cueillir", "offre": "offrir", "ouvre": "ouvrir",
    "souffre": "souffrir", "sers": "servir", "sens": "sentir", "vis": "vivre", "crois": "croire",
    "attends": "attendre", "rends": "rendre", "vends": "vendre", "réponds": "répondre", "reçois": "recevoir",
    "entends": "entendre", "perds": "perdre", "descends": "descendre", "envoie": "envoyer", "paie": "payer",
    "achète": "acheter", "appelle": "appeler", "jette": "jeter", "mène": "mener", "emmène": "emmener",
    "amène": "amener", "lève": "lever", "élève": "élever", "prête": "prêter", "répète": "répéter",
    "pourrais": "pouvoir",
}  # fmt: skip
_OWN = {"mon": "son", "ma": "sa", "mes": "ses", "moi": "soi", "moi-même": "soi-même"}
_VOWELS = "aeiouyéèêëàâîïôh"


def _infinitive(verb: str) -> str | None:
    """A first person's present-tense verb as its infinitive, when sure of it ("garde" -> "garder")."""
    low = verb.lower()
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    if not low.isalpha() or len(low) < 4:
        return None
    if low.endswith("e") and not low.endswith(("oie", "aie", "uie")):
        return low + "r"  # the -er verbs: garde, marche, participe, aide, témoigne, trie
    if low.endswith("is") and not low.endswith("ais"):
        return low[:-1] + "r"  # the -ir verbs: finis, choisis, réussis (not the conditional's "pourrais")
    return None


def as_infinitive(words: list[str]) -> list[str]:
    """A French note in the first person ("Je garde mes petits-enfants le mercredi") as what one does
    ("Garder ses petits-enfants le mercredi", "Je m'occupe de ma mère" -> "S'occuper de sa mère").

    Left as it is when unsure: another person, a negation, an object pronoun, a verb not recognised.
    """
    first = words[0].lower().replace("’", "'") if words else ""
    if first == "je":
        rest = words[1:]
    elif first.startswith("j'") and len(first) > 2:
        rest = [words[0][2:], *words[1:]]
    else:
        return _own_as_ones(words)
    pronoun = rest[0].lower().replace("’", "'") if rest else ""
    reflexive = pronoun == "me" or (pronoun.startswith("m'") and len(pronoun) > 2)
    if reflexive:
        rest = rest[1:] if pronoun == "me" else [rest[0][2:], *rest[1:]]
    verb = _infinitive(rest[0]) if rest and rest[0] else None
    if verb is None:
        return words
    if reflexive:
        verb = f"s'{verb}" if verb[0] in _VOWELS else f"se {verb}"
    return [*verb.split(" "), *(_OWN.get(w.lower(), w) for w in rest[1:])]


def _own_as_ones(words: list[str]) -> list[str]:
    """A phrase that starts with an infinitive says "one's", not "my": "Rester chez moi" -> "Rester chez soi",
    "Pouvoir me déplacer seul" -> "Pouvoir se déplacer seul"."""
    if not words or len(words[0]) < 4 or not fold(words[0]).endswith(("er", "ir", "oir", "re")):
        return words
    out = [words[0]]
    for index, word in enumerate(words[1:], start=1):
        low = word.lower().replace("’", "'")
        following = words[index + 1] if index + 1 < len(words) else ""
        if low == "me" and following and fold(following).endswith(("er", "ir", "re")):
            out.append("se")
        elif low.startswith("m'") and len(low) > 2 and fold(low).endswith(("er", "ir", "re")):
            out.append("s'" + word[2:])
        else:
            out.append(_OWN.get(low, word))
    return out


def _phrase_score(phrase: str, rank: int, keyed: Sequence[str]) -> float:
    """Key words held (the first ones count most), centrality, a positive wording, a short verb phrase."""
    tokens = [fold(t) for t in _SURFACE.findall(phrase.lower())]
    if not tokens:
        return -math.inf
    stems = {stem(t) for t in tokens}
    hits = sum((len(keyed) - i) / len(keyed) for i, k in enumerate(keyed) if k in stems)
    negative = any(t in _NEGATIVE for t in tokens)
    # "Avoir un travail", "Se loger dignement": what people want, as the method's indicators say it.
    verb = tokens[0] in ("se", "s", "etre") or (len(tokens[0]) > 3 and tokens[0].endswith(("er", "ir", "oir")))
    size = len(tokens)
    return (2.0 * hits - 0.6 * rank - 1.5 * negative + 0.5 * verb - 0.4 * max(0, size - 4)
            - 1.0 * (size < 2 and hits == 0))  # fmt: skip


def phrase_name(texts: Sequence[str], central: Sequence[int], keywords: Sequence[str]) -> str:
    """A cluster's name as a person would write it on the card, taken from one of its most central notes.

    `central` orders the notes from the most representative; among the first ones, the phrase holding
    the cluster's key words, short and said positively when possible, wins.
    """
    if not texts:
        return ""
    keyed = [stem(fold(word)) for word in keywords]
    candidates = list(central)[: max(3, math.ceil(len(texts) / 2))]
    scored = []
    for rank, index in enumerate(candidates):
        phrase, cut = _note_phrase(texts[index], PHRASE_WORDS)
        if phrase:
            scored.append((_phrase_score(phrase, rank, keyed) - 2.0 * cut, -rank, phrase))
    if not scored:
        return cluster_name(texts, keywords)[:CLUSTER_NAME_CHARS]
    return max(scored)[2][:CLUSTER_NAME_CHARS]


CLUSTER_NAME_CHARS = 80


def central_order(vectors: NoteVectors) -> list[int]:
    """Indices from the most representative note (highest mean similarity to the others) to the least."""
    if len(vectors) <= 2:
        return list(range(len(vectors)))
    scores = vectors.similarity(vectors).sum(axis=1)
    return [int(i) for i in np.argsort(-scores, kind="stable")]


def representative(vectors: NoteVectors) -> int:
    """Index of the medoid: the note with the highest mean similarity to the others."""
    if len(vectors) <= 2:
        return 0
    return int(np.argmax(vectors.similarity(vectors).sum(axis=1)))


def _naming_indices(texts: Sequence[str], members: np.ndarray, lang: str | None) -> np.ndarray:
    """The cluster's notes in the naming language (all of them if none matches)."""
    langs = [detect_language(texts[i]) for i in members]
    wanted = lang or Counter(langs).most_common(1)[0][0]
    chosen = members[[lg == wanted for lg in langs]]
    return chosen if chosen.size else members


def _describe(
    texts: Sequence[str],
    ids: list[str],
    vectors: NoteVectors,
    labels: np.ndarray,
    pinned_labels: set[int],
    settings: ClusterSettings,
    lang: str | None,
) -> Clustering:
    """Build the Cluster objects: members, name, key words, representative note."""
    present = sorted(set(labels.tolist()))
    members = [np.flatnonzero(labels == k) for k in present]
    naming = [_naming_indices(texts, m, lang) for m in members]
    keywords = cluster_keywords([[texts[i] for i in m] for m in naming], settings.n_keywords)
    clusters = []
    for k, m, named, words in zip(present, members, naming, keywords, strict=True):
        sample = m[:200]  # the medoid of a sample is plenty for a wall-sized view
        rep = sample[representative(vectors.rows(sample))]
        sample = named[:200]
        order = central_order(vectors.rows(sample))
        name = phrase_name([texts[i] for i in sample], order, words) or clean(texts[rep])[:40]
        clusters.append(Cluster(k, [ids[i] for i in m], name, words, ids[rep], k in pinned_labels))
    return Clustering([int(x) for x in labels], clusters)


# ---------- similar notes ----------


@dataclass(frozen=True)
class SimilarNote:
    """A note close to a query text."""

    note_id: str
    text: str
    similarity: float


REFIT_GROWTH = 2  # a grown index is refitted once it holds twice the notes it was fitted on


class SimilarNotesIndex:
    """Nearest notes of any text, fast enough to run while someone types (a few ms on 10,000 notes).

    Built once per set of notes (e.g. cached by the page); each query embeds one text
    (cached by text) and takes one matrix-vector product.
    """

    def __init__(
        self, texts: Sequence[str], *, ids: Sequence[str] | None = None, use_embedding: bool | None = None
    ) -> None:
        self.texts = list(texts)
        self.ids = [str(i) for i in (ids if ids is not None else range(len(self.texts)))]
        if len(self.ids) != len(self.texts):
            raise ValueError("ids must be as many as texts")
        weights = VectorWeights(embedding=0.7, words=0.15, chars=0.15, profile=0.0)
        # An empty index still gets a (dummy) vocabulary so that it can be queried.
        self.vectorizer = fit_vectorizer(self.texts or [""], weights=weights, use_embedding=use_embedding)
        vectors = self.vectorizer.transform(self.texts or [""]).rows(slice(0, len(self.texts)))
        self._dense = vectors.dense
        self._sparse_t = vectors.sparse.T.tocsr()  # transposed once: queries multiply by it
        self.fitted_on = len(self.texts)  # the notes its vocabularies were fitted on (see grown)

    def __len__(self) -> int:
        return len(self.texts)

    def grown(self, texts: list[str], ids: list[str]) -> SimilarNotesIndex | None:
        """This index with the notes added since (transformed in the vocabularies fitted before, not refitted),
        or None when it must be rebuilt: a note edited or withdrawn, or twice the notes it was fitted on."""
        known = len(self.texts)
        if texts[:known] != self.texts or ids[:known] != self.ids or len(texts) >= REFIT_GROWTH * self.fitted_on:
            return None
        if len(texts) == known:
            return self
        new = self.vectorizer.transform(texts[known:])
        grown = copy.copy(self)
        grown.texts, grown.ids = list(texts), list(ids)
        grown._dense = np.vstack([self._dense, new.dense])
        grown._sparse_t = sparse.hstack([self._sparse_t, new.sparse.T.tocsr()], format="csr")
        return grown

    def similar(self, text: str, k: int = 5, *, exclude_id: str | None = None) -> list[SimilarNote]:
        """The k notes most similar to `text`, best first."""
        if not self.texts or not text.strip():
            return []  # (an empty index has no fitted vocabulary either)
        query = self.vectorizer.transform([text])
        sims = np.asarray((query.sparse @ self._sparse_t).todense()).ravel()
        if self._dense.shape[1]:
            sims = sims + self._dense @ query.dense[0]
        if exclude_id is not None and exclude_id in self.ids:
            sims[self.ids.index(exclude_id)] = -np.inf
        k = min(k, len(self.texts))
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.lexsort((top, -sims[top]))]
        return [SimilarNote(self.ids[i], self.texts[i], round(float(sims[i]), 4)) for i in top
                if np.isfinite(sims[i])]
