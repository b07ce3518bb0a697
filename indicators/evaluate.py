"""Quality harness: the engine's clusters and family suggestions against a gold file.

Usage: python -m indicators.evaluate FILE.csv [--json] [--learning]

FILE.csv has the columns id,lang,group_profile,question,text,concept_id,family. The
engine runs with its default settings, side by side with a TF-IDF-only baseline (the
first version: character n-gram TF-IDF, average linkage at 0.85; families by TF-IDF
similarity to the grid). Family suggestions are zero-shot from the grid: the file's
labels are only used to score. `--learning` adds a cross-validated figure of the
suggestions learning from confirmed notes (other folds' labels), reported apart.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_mutual_info_score, adjusted_rand_score
from sklearn.model_selection import GroupKFold, KFold

from indicators.engine import ClusterSettings, cluster_notes
from indicators.families import FamilySuggester, load_grid
from indicators.vectors import embedding_model

BASELINE_THRESHOLD = 0.85  # the first version's default
REQUIRED_COLUMNS = ("text", "concept_id", "family")


def pairwise_f1(gold: Sequence[str], predicted: Sequence[int]) -> float:
    """F1 of "same cluster" decisions over all pairs of notes."""
    gold_arr, pred_arr = np.asarray(gold), np.asarray(predicted)
    same_gold = gold_arr[:, None] == gold_arr[None, :]
    same_pred = pred_arr[:, None] == pred_arr[None, :]
    upper = np.triu(np.ones_like(same_gold, dtype=bool), k=1)
    true_pos = np.sum(same_gold & same_pred & upper)
    precision = true_pos / max(1, np.sum(same_pred & upper))
    recall = true_pos / max(1, np.sum(same_gold & upper))
    return float(2 * precision * recall / (precision + recall)) if true_pos else 0.0


def facilitator_edits(gold: Sequence[str], predicted: Sequence[int]) -> tuple[int, int]:
    """(moves, merges) to turn the predicted clusters into the gold grouping.

    Each predicted cluster keeps its majority concept; every other note is moved out
    (to its concept's cluster, or to a new one). Then clusters left with the same
    concept are merged.
    """
    majority: dict[int, str] = {}
    moves = 0
    for label in sorted(set(predicted)):
        members = Counter(g for g, p in zip(gold, predicted, strict=True) if p == label)
        top_count = max(members.values())
        majority[label] = min(g for g, c in members.items() if c == top_count)
        moves += sum(members.values()) - top_count
    clusters_per_concept = Counter(majority.values())
    merges = sum(count - 1 for count in clusters_per_concept.values())
    return moves, merges


def clustering_scores(gold: Sequence[str], labels: Sequence[int]) -> dict[str, float]:
    moves, merges = facilitator_edits(gold, labels)
    per_100 = 100.0 / max(1, len(gold))
    return {
        "ari": round(float(adjusted_rand_score(gold, labels)), 4),
        "ami": round(float(adjusted_mutual_info_score(gold, labels)), 4),
        "pairwise_f1": round(pairwise_f1(gold, labels), 4),
        "moves_per_100": round((moves + merges) * per_100, 2),
        "note_moves_per_100": round(moves * per_100, 2),
        "merges_per_100": round(merges * per_100, 2),
        "n_clusters": len(set(labels)),
    }


def family_scores(gold: Sequence[str], ranked: Sequence[Sequence[str]]) -> dict[str, float]:
    top1 = np.mean([r[:1] == [g] for g, r in zip(gold, ranked, strict=True)]) if gold else 0.0
    top3 = np.mean([g in r[:3] for g, r in zip(gold, ranked, strict=True)]) if gold else 0.0
    return {"family_top1": round(float(top1), 4), "family_top3": round(float(top3), 4)}


def baseline_labels(texts: Sequence[str]) -> list[int]:
    """The first version: character n-gram TF-IDF, cosine average linkage at 0.85."""
    if len(texts) < 2:
        return [0] * len(texts)
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), lowercase=True).fit_transform(texts)
    vectors = vectors.toarray()
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit = vectors / np.maximum(norms, 1e-12)
    distances = 1.0 - unit @ unit.T
    condensed = np.clip(distances[np.triu_indices(len(texts), k=1)], 0.0, 2.0)
    tree = linkage(condensed, method="average")
    return [int(x) - 1 for x in fcluster(tree, t=BASELINE_THRESHOLD, criterion="distance")]


def _ranked_families(suggester: FamilySuggester, texts: Sequence[str]) -> list[list[str]]:
    return [[s.family for s in note] for note in suggester.suggest(texts, top=3)]


def run_method(
    texts: list[str], gold_concepts: list[str], gold_families: list[str],
    cluster: Callable[[list[str]], list[int]], suggester: Callable[[], FamilySuggester],
) -> dict[str, float]:
    """Scores and wall time of one method (clustering + zero-shot families)."""
    start = time.perf_counter()
    labels = cluster(texts)
    ranked = _ranked_families(suggester(), texts)
    seconds = time.perf_counter() - start
    return {**clustering_scores(gold_concepts, labels), **family_scores(gold_families, ranked),
            "seconds": round(seconds, 3)}


def learning_scores(texts: list[str], families: list[str], groups: list[str], grid: pd.DataFrame,
                    grouped: bool) -> dict[str, float]:
    """Cross-validated families when the other folds' notes were confirmed (5 folds).

    grouped=True keeps every note of a concept in the same fold: no paraphrase of a test
    note was confirmed, the harder case.
    """
    splitter = GroupKFold(n_splits=5) if grouped else KFold(n_splits=5, shuffle=True, random_state=0)
    ranked: list[list[str]] = [[] for _ in texts]
    suggester = FamilySuggester(grid)
    for train, test in splitter.split(texts, families, groups if grouped else None):
        suggester.learn([(texts[i], families[i]) for i in train])
        for i, r in zip(test, _ranked_families(suggester, [texts[i] for i in test]), strict=True):
            ranked[i] = r
    return family_scores(families, ranked)


def evaluate(path: Path | str, *, learning: bool = False, fallback: bool = False) -> dict[str, dict]:
    """Scores of the engine and the baseline (and optional extras) on a gold file."""
    data = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in REQUIRED_COLUMNS if c not in data.columns]
    if missing:
        raise SystemExit(f"{path}: missing columns {missing}")
    texts, concepts, families = list(data["text"]), list(data["concept_id"]), list(data["family"])
    grid = load_grid()
    load_start = time.perf_counter()
    model = embedding_model()  # one-time model load, reported apart from the per-run time
    if model is not None:
        model.encode(["chauffer le modèle"])  # weights load lazily on the first encode
    load_seconds = time.perf_counter() - load_start
    results: dict[str, dict] = {
        "engine": run_method(texts, concepts, families, lambda t: cluster_notes(t).labels,
                             lambda: FamilySuggester(grid)),
        "baseline": run_method(texts, concepts, families, baseline_labels,
                               lambda: FamilySuggester(grid, use_embedding=False)),
    }
    results["engine"]["model_load_seconds"] = round(load_seconds, 3)
    if fallback:
        no_embedding = ClusterSettings(use_embedding=False)
        results["fallback"] = run_method(texts, concepts, families,
                                         lambda t: cluster_notes(t, settings=no_embedding).labels,
                                         lambda: FamilySuggester(grid, use_embedding=False))
    if learning:
        results["learning_cv"] = {
            "random_folds": learning_scores(texts, families, concepts, grid, grouped=False),
            "concept_folds": learning_scores(texts, families, concepts, grid, grouped=True),
        }
    return results


def _print_table(results: dict[str, dict], n_notes: int) -> None:
    methods = [m for m in ("engine", "baseline", "fallback") if m in results]
    keys = ["ari", "ami", "pairwise_f1", "moves_per_100", "note_moves_per_100", "merges_per_100",
            "n_clusters", "family_top1", "family_top3", "seconds"]
    print(f"{n_notes} notes")
    print(f"{'metric':<20}" + "".join(f"{m:>14}" for m in methods))
    for key in keys:
        print(f"{key:<20}" + "".join(f"{results[m][key]:>14}" for m in methods))
    print(f"engine one-time model load: {results['engine']['model_load_seconds']} s")
    if "learning_cv" in results:
        for name, scores in results["learning_cv"].items():
            print(f"families learning from confirmed notes, 5-fold CV ({name}): "
                  f"top-1 {scores['family_top1']}, top-3 {scores['family_top3']}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m indicators.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--learning", action="store_true", help="add cross-validated learning figures")
    args = parser.parse_args(argv)
    # The fallback column is shown in the table; JSON keeps exactly engine and baseline by default.
    results = evaluate(args.file, learning=args.learning, fallback=not args.json)
    if args.json:
        json.dump(results, sys.stdout)
        print()
    else:
        _print_table(results, len(pd.read_csv(args.file, dtype=str, keep_default_na=False)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
