"""The few-texts TF-IDF path (a phone's draft) gives scikit-learn's numbers, rows and columns alike."""

import numpy as np
import pytest

from indicators import vectors

NOTES = [
    "Des bancs à l'ombre près de l'école",
    "Le bus qui passe encore après 21 heures",
    "Les voisins qui se saluent, les voisins qui s'entraident",
    "Avoir un logement décent et pas trop cher",
    "",
]
DRAFTS = [
    "un banc à l'ombre pour les enfants",
    "",
    "zzz qqq",  # nothing of the vocabulary
    "Les voisins, les voisins, les voisins",  # repeated words: 1 + log(tf)
    "AVOIR un LOGEMENT décent 😀 <b>",
]


@pytest.mark.parametrize("count", [1, 2, len(DRAFTS)])
def test_few_texts_give_scikit_learns_rows(count: int, monkeypatch: pytest.MonkeyPatch) -> None:
    vectorizer = vectors.fit_vectorizer(NOTES, use_embedding=False)
    assert count <= vectors.FEW_TEXTS + 1
    monkeypatch.setattr(vectors, "FEW_TEXTS", len(DRAFTS))
    fast = vectorizer.transform(DRAFTS[:count]).sparse
    monkeypatch.setattr(vectors, "FEW_TEXTS", 0)  # scikit-learn's own transform
    slow = vectorizer.transform(DRAFTS[:count]).sparse
    assert fast.shape == slow.shape and fast.dtype == slow.dtype == np.float32
    np.testing.assert_allclose(fast.toarray(), slow.toarray(), rtol=1e-6, atol=1e-7)
    assert fast.nnz == slow.nnz > 0  # the same non-zero cells, and some at all


def test_a_draft_by_the_few_texts_path_finds_notes_vectorised_by_scikit_learn() -> None:
    index = vectors.fit_vectorizer(NOTES, use_embedding=False)
    notes = index.transform(NOTES)  # more than FEW_TEXTS: scikit-learn
    draft = index.transform([DRAFTS[0]])  # one: the few-texts path
    assert np.argmax(notes.similarity(draft)[:, 0]) == 0  # the bench note, by its words
