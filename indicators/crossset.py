"""Cross-set figure: every setting the engine exposes, chosen on one set and scored on another.

A setting chosen on the set it is scored on says how well the engine can fit that set;
chosen on another set, how well it carries to notes it never saw, which is what a city
meets. The search spaces below hold every knob that was ever tuned by measurement
(clustering weights and cut, family-suggester weights); the grid's words are not in it
because they are written from the method, never tuned on a set.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from indicators.engine import ClusterSettings, cluster_vectors, clustering_vectors, resolve_settings
from indicators.evaluate import (
    GoldSet,
    baseline_labels,
    clustering_scores,
    family_scores,
    ranked_families,
)
from indicators.families import FamilySuggester, load_grid
from indicators.vectors import VectorWeights

TARGETS = {"ari": 0.50, "family_top1": 0.80, "family_top3": 0.95}  # and moves <= half the baseline's

# (embedding, words, chars, profile) shares of the clustering vectors.
CLUSTER_WEIGHTS = [(0.6, 0.05, 0.05, 0.3), (0.5, 0.1, 0.1, 0.3), (0.6, 0.1, 0.1, 0.2), (0.7, 0.1, 0.1, 0.1),
                   (0.8, 0.1, 0.1, 0.0), (0.9, 0.05, 0.05, 0.0)]
CUT_FACTORS = [round(1.0 + 0.05 * k, 2) for k in range(9)]  # times the notes' typical neighbour distance
# (embedding, words, chars) shares of the family suggester's vectors.
FAMILY_WEIGHTS = [(0.85, 0.1, 0.05), (1.0, 0.0, 0.0), (0.7, 0.2, 0.1), (0.5, 0.3, 0.2)]


@dataclass(frozen=True)
class Choice:
    """The settings chosen on one set, with the score that chose them."""

    cluster: ClusterSettings
    family: VectorWeights
    cluster_score: float
    family_score: float


def cluster_space() -> Iterator[ClusterSettings]:
    for emb, words, chars, profile in CLUSTER_WEIGHTS:
        weights = VectorWeights(embedding=emb, words=words, chars=chars, profile=profile)
        for centre in (True, False):
            for factor in CUT_FACTORS:
                yield ClusterSettings(cut_factor=factor, weights=weights, centre=centre)


def family_space() -> Iterator[VectorWeights]:
    for emb, words, chars in FAMILY_WEIGHTS:
        yield VectorWeights(embedding=emb, words=words, chars=chars, profile=0.0)


def cluster_labels(gold: GoldSet, settings: ClusterSettings) -> list[int]:
    """The engine's labels without names (what the scores need), for a search."""
    vectors = clustering_vectors(gold.texts, settings)
    return [int(x) for x in cluster_vectors(vectors, settings)]


def _search_clusters(gold: GoldSet) -> tuple[ClusterSettings, float]:
    """The clustering settings of best ARI on this set (vectors computed once per weights)."""
    best: tuple[float, ClusterSettings] | None = None
    cached: dict[object, object] = {}
    for settings in cluster_space():
        settings = resolve_settings(settings)
        key = (settings.weights, settings.profile_temperature, settings.centre)
        if key not in cached:
            cached[key] = clustering_vectors(gold.texts, settings)
        labels = [int(x) for x in cluster_vectors(cached[key], settings)]  # type: ignore[arg-type]
        ari = clustering_scores(gold.concepts, labels)["ari"]
        if best is None or ari > best[0]:
            best = (ari, settings)
    assert best is not None
    return best[1], best[0]


def family_ranked(gold: GoldSet, weights: VectorWeights) -> list[list[str]]:
    return ranked_families(FamilySuggester(load_grid(), weights=weights), gold.texts)


def _search_families(gold: GoldSet) -> tuple[VectorWeights, float]:
    scored = []
    for weights in family_space():
        scores = family_scores(gold.families, family_ranked(gold, weights))
        scored.append((scores["family_top1"], scores["family_top3"], -len(scored), weights))
    top1, _, _, weights = max(scored, key=lambda s: s[:3])
    return weights, top1


def choose(gold: GoldSet) -> Choice:
    """Every tuned setting chosen on one set: the clustering by ARI, the suggester by top-1."""
    cluster, cluster_score = _search_clusters(gold)
    family, family_score = _search_families(gold)
    return Choice(cluster, family, cluster_score, family_score)


def score(gold: GoldSet, choice: Choice) -> dict:
    """The chosen settings' figures on a set, beside the baseline's moves."""
    labels = cluster_labels(gold, choice.cluster)
    out = {**clustering_scores(gold.concepts, labels),
           **family_scores(gold.families, family_ranked(gold, choice.family))}
    out["baseline_moves_per_100"] = clustering_scores(gold.concepts, baseline_labels(gold.texts))["moves_per_100"]
    return out


def describe(choice: Choice) -> str:
    w, f = choice.cluster.weights, choice.family
    assert w is not None
    return (f"cut factor {choice.cluster.cut_factor}, centred {choice.cluster.centre}, "
            f"weights emb {w.embedding}/words {w.words}/chars {w.chars}/profile {w.profile}; "
            f"families emb {f.embedding}/words {f.words}/chars {f.chars}")


def cross_set(sets: Sequence[GoldSet]) -> list[dict]:
    """For every ordered pair of sets: settings chosen on the first, figures on both."""
    choices = {s.name: choose(s) for s in sets}
    rows = []
    for tuned in sets:
        for scored in sets:
            figures = score(scored, choices[tuned.name])
            rows.append({"tuned_on": tuned.name, "scored_on": scored.name, "chosen": describe(choices[tuned.name]),
                         **figures, "meets_targets": meets_targets(figures)})
    return rows


def meets_targets(figures: dict) -> bool:
    return all(figures[k] >= v for k, v in TARGETS.items()) and \
        figures["moves_per_100"] <= figures["baseline_moves_per_100"] / 2


def print_cross(rows: list[dict]) -> None:
    print("\n== cross-set: settings chosen on one set, scored on each (same set = fitted, other = generalisation)")
    print(f"{'tuned on -> scored on':<34}{'ARI':>7}{'top-1':>7}{'top-3':>7}{'moves (base)':>15}"
          f"{'clusters':>10}  targets")
    for r in rows:
        moves = f"{r['moves_per_100']} ({r['baseline_moves_per_100']})"
        clusters = f"{r['n_clusters']}/{r['n_concepts']}"
        print(f"{r['tuned_on'] + ' -> ' + r['scored_on']:<34}{r['ari']:>7}{r['family_top1']:>7}"
              f"{r['family_top3']:>7}{moves:>15}{clusters:>10}  {'met' if r['meets_targets'] else 'short'}")
    for name in dict.fromkeys(r["tuned_on"] for r in rows):
        print(f"chosen on {name}: {next(r['chosen'] for r in rows if r['tuned_on'] == name)}")

