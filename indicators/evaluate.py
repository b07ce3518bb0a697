"""Quality harness: the engine's clusters and family suggestions against gold files.

Usage: python -m indicators.evaluate FILE.csv [FILE.csv ...] [--json] [--learning] [--loop] [--no-cross]

Each FILE.csv has the columns id,lang,group_profile,question,text,concept_id,family.
Per file, and pooled (per-file figures weighted by notes), the engine runs with the defaults
that ship, beside a TF-IDF-only baseline (the first version: character n-gram TF-IDF,
average linkage at 0.85; families by TF-IDF similarity to the grid). Family
suggestions are zero-shot from the grid: the files' labels only score them.

With two files or more, the cross-set figure follows (see `indicators.crossset`):
every setting the engine exposes is chosen on one file and scored on another, both
ways. That figure is the one that means generalisation: a city's notes are none of
ours. `--learning` adds cross-validated figures of suggestions learning from
confirmed notes; `--loop` the simulated facilitator of `indicators.simulate` (moves with
the engine re-suggesting as people work, without and with its learning). Measured
figures: docs/grouping.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class GoldSet:
    """A gold file's notes with their concepts and families."""

    name: str
    texts: list[str]
    concepts: list[str]
    families: list[str]

    def __len__(self) -> int:
        return len(self.texts)


def load_set(path: Path | str) -> GoldSet:
    """Read a gold file; a missing column stops with a clear message."""
    data = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in REQUIRED_COLUMNS if c not in data.columns]
    if missing:
        raise SystemExit(f"{path}: missing columns {missing}")
    return GoldSet(Path(path).stem, list(data["text"]), list(data["concept_id"]), list(data["family"]))


def pooled(results: Sequence[tuple[int, dict[str, dict]]]) -> dict[str, dict]:
    """Figures of every set together: each method's per-set figures averaged, weighted by notes.

    Not one clustering of all the sets' notes: the sets were written apart, so the same
    idea has a concept in each, and a union would count joining them as a mistake.
    """
    total = sum(n for n, _ in results) or 1
    out: dict[str, dict] = {}
    for method in results[0][1]:
        if method in ("learning_cv", "facilitator_loop"):
            continue
        figures = [(n, r[method]) for n, r in results]
        out[method] = {key: round(sum(n * f[key] for n, f in figures) / total, 4)
                       for key in figures[0][1] if isinstance(figures[0][1][key], (int, float))}
        out[method]["per_family"] = {}
    return out


# ---------- metrics ----------


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
        "n_concepts": len(set(gold)),
    }


def family_scores(gold: Sequence[str], ranked: Sequence[Sequence[str]]) -> dict[str, float]:
    top1 = np.mean([r[:1] == [g] for g, r in zip(gold, ranked, strict=True)]) if gold else 0.0
    top3 = np.mean([g in r[:3] for g, r in zip(gold, ranked, strict=True)]) if gold else 0.0
    return {"family_top1": round(float(top1), 4), "family_top3": round(float(top3), 4)}


def per_family_scores(gold: Sequence[str], ranked: Sequence[Sequence[str]]) -> dict[str, dict[str, float]]:
    """Precision and recall of the first suggestion, family by family: a weak family shows."""
    first = [r[0] if r else "" for r in ranked]
    out = {}
    for family in sorted(set(gold)):
        hits = sum(g == family and f == family for g, f in zip(gold, first, strict=True))
        said = sum(f == family for f in first)
        out[family] = {"precision": round(hits / said, 4) if said else 0.0,
                       "recall": round(hits / max(1, sum(g == family for g in gold)), 4)}
    return out


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


def ranked_families(suggester: FamilySuggester, texts: Sequence[str]) -> list[list[str]]:
    return [[s.family for s in note] for note in suggester.suggest(texts, top=3)]


def run_method(
    gold: GoldSet, cluster: Callable[[list[str]], list[int]], suggester: Callable[[], FamilySuggester],
) -> dict:
    """Scores and wall time of one method (clustering + zero-shot families)."""
    start = time.perf_counter()
    labels = cluster(gold.texts)
    ranked = ranked_families(suggester(), gold.texts)
    seconds = time.perf_counter() - start
    return {**clustering_scores(gold.concepts, labels), **family_scores(gold.families, ranked),
            "per_family": per_family_scores(gold.families, ranked), "seconds": round(seconds, 3)}


def learning_scores(gold: GoldSet, grid: pd.DataFrame, grouped: bool) -> dict[str, float]:
    """Cross-validated families when the other folds' notes were confirmed (5 folds).

    grouped=True keeps every note of a concept in the same fold: no paraphrase of a test
    note was confirmed, the harder case.
    """
    texts, families = gold.texts, gold.families
    splitter = GroupKFold(n_splits=5) if grouped else KFold(n_splits=5, shuffle=True, random_state=0)
    ranked: list[list[str]] = [[] for _ in texts]
    suggester = FamilySuggester(grid)
    for train, test in splitter.split(texts, families, gold.concepts if grouped else None):
        suggester.learn([(texts[i], families[i]) for i in train])
        for i, r in zip(test, ranked_families(suggester, [texts[i] for i in test]), strict=True):
            ranked[i] = r
    return family_scores(families, ranked)


def loop_scores(gold: GoldSet) -> dict[str, dict[str, float]]:
    """The simulated facilitator's moves with the engine in the loop, without and with its learning."""
    from indicators.simulate import facilitator_moves

    return {"without_learning": facilitator_moves(gold.texts, gold.concepts, learning=False),
            "with_learning": facilitator_moves(gold.texts, gold.concepts, learning=True)}


def evaluate_set(gold: GoldSet, *, learning: bool = False, fallback: bool = False,
                 loop: bool = False) -> dict[str, dict]:
    """Scores of the engine (shipped defaults) and the baseline (and optional extras) on one set."""
    grid = load_grid()
    results: dict[str, dict] = {
        "engine": run_method(gold, lambda t: cluster_notes(t).labels, lambda: FamilySuggester(grid)),
        "baseline": run_method(gold, baseline_labels, lambda: FamilySuggester(grid, use_embedding=False)),
    }
    if fallback:
        no_embedding = ClusterSettings(use_embedding=False)
        results["fallback"] = run_method(gold, lambda t: cluster_notes(t, settings=no_embedding).labels,
                                         lambda: FamilySuggester(grid, use_embedding=False))
    if loop:
        results["facilitator_loop"] = loop_scores(gold)
    if learning:
        results["learning_cv"] = {
            "random_folds": learning_scores(gold, grid, grouped=False),
            "concept_folds": learning_scores(gold, grid, grouped=True),
        }
    return results


def model_load_seconds() -> float:
    """One-time model load, reported apart from the per-run times."""
    start = time.perf_counter()
    model = embedding_model()
    if model is not None:
        model.encode(["chauffer le modèle"])  # weights load lazily on the first encode
    return round(time.perf_counter() - start, 3)


def evaluate(paths: Sequence[Path | str], *, learning: bool = False, fallback: bool = False,
             cross: bool = True, loop: bool = False) -> dict:
    """Per set and pooled figures, and the cross-set figure when there are two sets or more."""
    sets = [load_set(p) for p in paths]
    out: dict = {"model_load_seconds": model_load_seconds(),
                 "sets": {s.name: evaluate_set(s, learning=learning, fallback=fallback, loop=loop) for s in sets}}
    if len(sets) > 1:
        out["pooled"] = pooled([(len(s), out["sets"][s.name]) for s in sets])
        if cross:
            from indicators.crossset import cross_set

            out["cross"] = cross_set(sets)
    return out


# ---------- printing ----------

KEYS = ["ari", "ami", "pairwise_f1", "moves_per_100", "note_moves_per_100", "merges_per_100",
        "n_clusters", "n_concepts", "family_top1", "family_top3", "seconds"]


def _print_set(name: str, results: dict[str, dict]) -> None:
    methods = [m for m in ("engine", "baseline", "fallback") if m in results]
    concepts = "" if name.startswith("pooled") else f": {results['engine']['n_concepts']} concepts"
    print(f"\n== {name}{concepts}")
    print(f"{'metric':<20}" + "".join(f"{m:>12}" for m in methods))
    for key in KEYS:
        print(f"{key:<20}" + "".join(f"{results[m][key]:>12}" for m in methods))
    if results["engine"]["per_family"]:
        weak = ", ".join(f"{f} P{s['precision']:.2f}/R{s['recall']:.2f}"
                         for f, s in results["engine"]["per_family"].items())
        print(f"engine families, first suggestion's precision/recall: {weak}")
    for mode, scores in results.get("facilitator_loop", {}).items():
        print(f"simulated facilitator, engine re-suggesting every 10 moves ({mode.replace('_', ' ')}): "
              f"{scores['moves_per_100']} moves per 100 notes, {scores['rounds']} suggestions")
    for fold, scores in results.get("learning_cv", {}).items():
        print(f"families learning from confirmed notes, 5-fold CV ({fold}): "
              f"top-1 {scores['family_top1']}, top-3 {scores['family_top3']}")


def print_report(report: dict) -> None:
    print(f"engine one-time model load: {report['model_load_seconds']} s")
    for name, results in report["sets"].items():
        _print_set(name, results)
    if "pooled" in report:
        _print_set("pooled (per-set figures weighted by notes)", report["pooled"])
    if "cross" in report:
        from indicators.crossset import print_cross

        print_cross(report["cross"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m indicators.evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("files", type=Path, nargs="+")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--learning", action="store_true", help="add cross-validated learning figures")
    parser.add_argument("--no-cross", action="store_true", help="skip the cross-set figure (faster)")
    parser.add_argument("--loop", action="store_true",
                        help="add the simulated facilitator with the engine in the loop (about a minute a set)")
    args = parser.parse_args(argv)
    # The fallback column is shown in the table; JSON keeps engine and baseline only.
    report = evaluate(args.files, learning=args.learning, fallback=not args.json, cross=not args.no_cross,
                      loop=args.loop)
    if args.json:
        json.dump(report, sys.stdout)
        print()
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
