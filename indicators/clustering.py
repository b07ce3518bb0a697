"""Clustering entry point used by pages: one cluster label per criterion.

Delegates to the grouping engine (`indicators.engine`): sentence embedding, TF-IDF and
the reference grid's components, average linkage cut at a distance threshold.
"""

from collections.abc import Sequence

from indicators.engine import DEFAULT_THRESHOLD, ClusterSettings, cluster_notes

__all__ = ["DEFAULT_THRESHOLD", "suggest_clusters"]


def suggest_clusters(texts: Sequence[str], *, threshold: float = DEFAULT_THRESHOLD) -> list[int]:
    """Return one cluster label per text; similar texts share a label.

    `threshold` is a distance in [0, 1]: higher means bigger clusters.
    """
    if len(texts) == 0:
        return []
    settings = ClusterSettings(threshold=min(max(float(threshold), 0.0), 1.0))
    return cluster_notes(list(texts), settings=settings).labels
