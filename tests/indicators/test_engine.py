"""Grouping engine: paraphrases together, distinct ideas apart, pins, determinism, edges."""

import numpy as np
import pytest

from indicators.engine import (
    DEFAULT_CUT_FACTOR,
    SMALL_SET_THRESHOLD,
    ClusterSettings,
    cluster_name,
    cluster_notes,
)
from indicators.vectors import embedding_available

NOTES = {
    "job1": "Trouver un travail stable",
    "job2": "le chômage depuis deux ans",
    "job3": "No job since I left school",
    "noise1": "Le bruit des voitures toute la nuit",
    "noise2": "Trop de bruit dans la rue, les motos",
    "noise3": "Noisy traffic outside my window",
    "faith1": "Je prie tous les soirs",
    "faith2": "La prière me fait du bien",
    "faith3": "Praying every evening",
}


def _labels(result_labels: list[int], ids: list[str]) -> dict[str, int]:
    return dict(zip(ids, result_labels, strict=True))


def test_paraphrases_together_distinct_ideas_apart() -> None:
    ids = list(NOTES)
    result = cluster_notes(list(NOTES.values()), ids=ids)
    label = _labels(result.labels, ids)
    assert label["noise1"] == label["noise2"] == label["noise3"]
    assert label["faith1"] == label["faith2"] == label["faith3"]
    assert label["job1"] == label["job3"]
    assert len({label["job1"], label["noise1"], label["faith1"]}) == 3


def test_close_but_distinct_ideas_stay_apart() -> None:
    texts = [
        "Attendre six mois pour voir un spécialiste",
        "Pas de médecin traitant dans le quartier",
        "Attendre des heures à la préfecture pour mes papiers",
        "Mon titre de séjour pas renouvelé",
    ]
    labels = cluster_notes(texts).labels
    assert labels[0] == labels[1]
    # The two notes on papers share no word: with the grid written from the method (issue 14), not from
    # the notes, they are 0.73 apart, past the small-set cut; what matters here is that neither joins care.
    assert labels[0] != labels[2] and labels[0] != labels[3]


def test_pinned_clusters_are_never_reshuffled() -> None:
    ids = list(NOTES)
    # People decided that a job note and a noise note belong together: keep it so.
    pinned = [["job2", "noise1"], ["faith1"]]
    result = cluster_notes(list(NOTES.values()), ids=ids, pinned=pinned)
    assert result.clusters[0].note_ids[:2] == ["job2", "noise1"] and result.clusters[0].pinned
    assert result.clusters[1].pinned and "faith1" in result.clusters[1].note_ids
    assert not any(result.clusters[0].note_ids == c.note_ids for c in result.clusters[2:])
    again = cluster_notes([*NOTES.values(), "Je vais à la mosquée pour prier"], ids=[*ids, "faith4"], pinned=pinned)
    label = _labels(again.labels, [*ids, "faith4"])
    assert label["job2"] == label["noise1"] == 0
    assert label["faith1"] == 1
    assert label["faith4"] == 1  # a new note joins the confirmed cluster about faith
    # The other noise notes stay together; whether they join the half-noise pinned cluster is a matter of
    # 0.02 of distance (0.68 with the grid written from the method, against a 0.66 cut): not asserted.
    assert label["noise2"] == label["noise3"] != 1
    assert label["job1"] == label["job3"] not in (0, 1)


def test_a_note_cannot_be_pinned_twice() -> None:
    with pytest.raises(ValueError):
        cluster_notes(["a", "b"], ids=["x", "y"], pinned=[["x"], ["x", "y"]])


def test_deterministic() -> None:
    texts = list(NOTES.values())
    first = cluster_notes(texts)
    second = cluster_notes(list(reversed(texts)))
    assert first.labels == cluster_notes(texts).labels
    assert first.clusters == cluster_notes(texts).clusters
    groups = {frozenset(texts[i] for i, lab in enumerate(first.labels) if lab == k) for k in set(first.labels)}
    rev = list(reversed(texts))
    groups_rev = {frozenset(rev[i] for i, lab in enumerate(second.labels) if lab == k) for k in set(second.labels)}
    assert groups == groups_rev


def test_empty_single_duplicate_and_long_inputs() -> None:
    assert cluster_notes([]).labels == []
    single = cluster_notes(["Un logement décent"], ids=["n1"])
    assert single.labels == [0] and single.clusters[0].representative_id == "n1"
    dup = cluster_notes(["Le bruit", "Le bruit", "le  bruit !", ""])
    assert dup.labels[0] == dup.labels[1] == dup.labels[2]
    long_text = "Le bruit des voitures " * 400
    labels = cluster_notes([long_text, "Le bruit des voitures la nuit", "Ma foi en Dieu"]).labels
    assert labels[0] == labels[1] != labels[2]


def test_threshold_and_target_number_of_groups() -> None:
    texts = list(NOTES.values())
    assert len(set(cluster_notes(texts, settings=ClusterSettings(threshold=0.0)).labels)) == len(texts)
    assert len(set(cluster_notes(texts, settings=ClusterSettings(threshold=1.0)).labels)) <= 2
    assert len(set(cluster_notes(texts, settings=ClusterSettings(n_groups=4)).labels)) == 4


def test_maximum_cluster_size() -> None:
    texts = [f"Le bruit des voitures la nuit, rue {i}" for i in range(12)]
    result = cluster_notes(texts, settings=ClusterSettings(max_size=5))
    assert max(c.size for c in result.clusters) <= 5


def test_names_and_representatives() -> None:
    ids = list(NOTES)
    result = cluster_notes(list(NOTES.values()), ids=ids)
    noise = result.cluster_of("noise1")
    assert noise is not None and noise.representative_id in noise.note_ids
    assert "bruit" in noise.keywords
    english = cluster_notes(list(NOTES.values()), ids=ids, lang="en").cluster_of("noise1")
    assert english is not None and any(w in english.keywords for w in ("noisy", "traffic", "window"))


def test_fallback_without_embedding_package(no_embedding: None) -> None:
    assert not embedding_available()
    texts = ["Le bruit des voitures", "le bruit des voiture la nuit", "Ma foi en Dieu", "ma foi, la prière"]
    labels = cluster_notes(texts).labels
    assert labels[0] == labels[1] and labels[2] == labels[3] and labels[0] != labels[2]
    with pytest.raises(RuntimeError):
        cluster_notes(texts, settings=ClusterSettings(use_embedding=True))


def test_spelling_variants_meet_and_other_ideas_stay_apart() -> None:
    """What the removed suggested_clusters service checked (tests/test_steps.py), on the engine itself."""
    assert 0.0 <= SMALL_SET_THRESHOLD <= 1.0
    texts = ["le chômage", "le chomage", "chômage des jeunes", "respirer un air pur", "un air pur"]
    labels = cluster_notes(texts).labels
    assert labels[0] == labels[1] != labels[4]


def test_a_phrase_shared_by_several_notes_names_the_cluster():
    texts = [
        "Des transports en commun gratuits",
        "Plus de transports en commun le soir",
        "Le transport en commun ne passe pas au village",
        "Un bus toutes les heures",
    ]
    assert cluster_name(texts, ["commun", "transports", "bus"]) == "transports en commun, bus"


def test_single_words_name_a_cluster_whose_notes_share_no_phrase():
    texts = ["Respirer un air pur", "Moins de pollution en ville", "Le bruit des voitures"]
    assert cluster_name(texts, ["air", "pollution", "bruit"]) == "air, pollution, bruit"


IDEAS = [
    ["Trouver un travail stable", "avoir un emploi en CDI", "le chômage qui dure", "finding a steady job",
     "un boulot qui fait vivre"],
    ["Le bruit des voitures la nuit", "trop de circulation dans ma rue", "traffic noise at night",
     "les motos qui font du bruit", "le vacarme des camions"],
    ["Voir mes petits-enfants", "les repas de famille le dimanche", "time with my family",
     "passer du temps avec mes enfants", "une famille unie"],
    ["Un parc près de chez moi", "des arbres et de la verdure", "green spaces to walk in",
     "se promener au jardin public", "plus d'espaces verts"],
    ["Avoir peur de l'avenir", "l'angoisse du lendemain", "worried about tomorrow",
     "je m'inquiète pour plus tard", "la peur de tout perdre"],
]


def test_the_cut_is_read_from_the_notes() -> None:
    """From CUT_FROM notes on, the cut is a factor times the median distance to the NEIGHBOUR-th nearest note."""
    from indicators.engine import CUT_FROM, NEIGHBOUR, clustering_vectors, data_threshold, resolve_settings

    texts = [t for idea in IDEAS for t in idea]
    assert len(texts) >= CUT_FROM
    vectors = clustering_vectors(texts, resolve_settings(ClusterSettings()))
    sims = vectors.similarity(vectors)
    expected = np.median(1.0 - np.sort(sims, axis=1)[:, ::-1][:, NEIGHBOUR])
    floor = SMALL_SET_THRESHOLD / DEFAULT_CUT_FACTOR
    assert expected > floor  # these notes are varied enough for their own cut
    assert data_threshold(vectors, 1.0) == pytest.approx(expected, abs=1e-4)
    assert data_threshold(vectors, 1.2) == pytest.approx(1.2 * expected, abs=1e-4)
    twins = clustering_vectors([f"{t} {i}" for t in texts[:5] for i in range(8)], resolve_settings(ClusterSettings()))
    assert data_threshold(twins, 1.0) == pytest.approx(floor)  # copies: the fixed cut, not a crumb


def test_the_facilitators_factor_moves_the_count() -> None:
    texts = [t for idea in IDEAS for t in idea]
    counts = [len(set(cluster_notes(texts, settings=ClusterSettings(cut_factor=f)).labels))
              for f in (0.6, 1.0, 1.6)]
    assert counts[0] > counts[1] > counts[2]  # a higher factor: fewer, larger clusters
    labels = cluster_notes(texts).labels  # the shipped default keeps most ideas whole
    whole = sum(len({labels[i * 5 + j] for j in range(5)}) <= 2 for i in range(len(IDEAS)))
    assert whole >= 4
