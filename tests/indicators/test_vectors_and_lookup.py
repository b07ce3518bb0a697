"""Vectors (cache, fallback), similar-notes lookup, large-set path, quality metrics."""


import numpy as np

from indicators import vectors
from indicators.engine import ClusterSettings, SimilarNotesIndex, cluster_notes
from indicators.evaluate import facilitator_edits, main, pairwise_f1


def test_embeddings_are_cached_per_distinct_text() -> None:
    vectors.clear_cache()
    first = vectors.embed(["Un logement décent", "Un logement décent", "Le bruit"])
    assert vectors.cache_size() == 2
    np.testing.assert_allclose(first[0], first[1])
    calls: list[int] = []
    model = vectors.embedding_model()
    original = model.encode
    model.encode = lambda texts: calls.append(len(texts)) or original(texts)
    try:
        vectors.embed(["Le bruit", "Un logement décent"])
    finally:
        model.encode = original
    assert calls == []  # a page rerun recomputes nothing


def test_cross_language_paraphrases_are_close() -> None:
    emb = vectors.embed(["trouver un logement", "finding a place to live", "le bruit des voitures"])
    assert emb[0] @ emb[1] > emb[0] @ emb[2]


def test_similar_notes_lookup_is_relevant_on_ten_thousand_notes() -> None:
    """Its speed is measured by bench/clustering.py ("similar ms"), not asserted here (machine load varies)."""
    base = ["Le bruit des voitures la nuit", "Un logement trop petit", "Ma foi en Dieu", "Trouver du travail"]
    texts = [f"{t} {i}" for i in range(2500) for t in base]  # 10,000 notes
    index = SimilarNotesIndex(texts, ids=[f"n{i}" for i in range(len(texts))])
    hits = index.similar("pas de logement assez grand", k=3)
    assert len(hits) == 3 and all("logement" in h.text for h in hits)
    assert hits[0].similarity >= hits[-1].similarity
    assert "bruit" in index.similar("le bruit la nuit", k=1)[0].text
    assert index.similar("") == []
    assert SimilarNotesIndex([]).similar("bruit") == []


def test_similar_notes_excludes_the_note_itself(no_embedding: None) -> None:
    index = SimilarNotesIndex(["le bruit", "le bruit la nuit", "ma foi"], ids=["a", "b", "c"])
    assert index.similar("le bruit", k=1, exclude_id="a")[0].note_id == "b"


def test_large_sets_are_sampled_then_assigned() -> None:
    base = ["Le bruit des voitures la nuit", "Un logement trop petit", "Ma foi en Dieu", "Trouver du travail"]
    texts = [f"{t} {i}" for i in range(150) for t in base]
    settings = ClusterSettings(large_n=200, sample_size=100, max_size=None)
    labels = cluster_notes(texts, settings=settings).labels
    assert len(set(labels)) <= 12
    for k in range(4):  # each idea stays together
        assert len({labels[i] for i in range(k, len(texts), 4)}) == 1


def test_quality_metrics() -> None:
    gold = ["a", "a", "b", "b", "c"]
    assert pairwise_f1(gold, [0, 0, 1, 1, 2]) == 1.0
    assert facilitator_edits(gold, [0, 0, 1, 1, 2]) == (0, 0)
    assert facilitator_edits(gold, [0, 1, 2, 2, 2]) == (1, 1)  # move the c note, merge the two a clusters


GOLD = ("id,lang,group_profile,question,text,concept_id,family\n"
        "1,fr,jeunes,wellbeing,Le bruit des voitures,c1,B\n"
        "2,fr,jeunes,illbeing,Trop de bruit la nuit,c1,B\n"
        "3,en,jeunes,wellbeing,My faith keeps me going,c2,F\n"
        "4,fr,jeunes,action,Je prie tous les soirs,c2,F\n")
OTHER = ("id,lang,group_profile,question,text,concept_id,family\n"
         "1,fr,aînés,illbeing,Plus de médecin au village,k1,A\n"
         "2,en,aînés,illbeing,No doctor left in the village,k1,A\n"
         "3,fr,aînés,wellbeing,Un jardin où se promener,k2,B\n"
         "4,fr,aînés,wellbeing,Des arbres et un parc près de chez moi,k2,B\n"
         "5,fr,aînés,action,Aider mes voisins,k3,H\n")


def test_evaluate_prints_json(tmp_path, capsys) -> None:
    path = tmp_path / "gold.csv"
    path.write_text(GOLD, encoding="utf-8")
    assert main([str(path), "--json"]) == 0
    import json

    result = json.loads(capsys.readouterr().out)  # one JSON object
    assert set(result) == {"model_load_seconds", "sets"}  # one file: no pooled nor cross-set figure
    methods = result["sets"]["gold"]
    assert set(methods) == {"engine", "baseline"}
    for method in methods.values():
        assert {"ari", "ami", "pairwise_f1", "moves_per_100", "family_top1", "family_top3", "seconds"} <= set(method)
        assert set(method["per_family"]) == {"B", "F"}
    assert methods["engine"]["family_top1"] >= 0.75 and methods["engine"]["family_top3"] == 1.0


def test_evaluate_cross_set_both_ways(tmp_path, capsys) -> None:
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(GOLD, encoding="utf-8")
    second.write_text(OTHER, encoding="utf-8")
    assert main([str(first), str(second), "--json"]) == 0
    import json

    result = json.loads(capsys.readouterr().out)
    assert set(result["sets"]) == {"first", "second"}
    # Pooled: per-set figures weighted by notes (4 and 5).
    top1 = [result["sets"][s]["engine"]["family_top1"] for s in ("first", "second")]
    assert abs(result["pooled"]["engine"]["family_top1"] - (4 * top1[0] + 5 * top1[1]) / 9) < 1e-3
    pairs = {(r["tuned_on"], r["scored_on"]) for r in result["cross"]}
    assert pairs == {(a, b) for a in ("first", "second") for b in ("first", "second")}
    for row in result["cross"]:
        assert row["n_concepts"] == (2 if row["scored_on"] == "first" else 3)
        assert row["chosen"].startswith("cut factor")
