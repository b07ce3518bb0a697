"""Benchmark of the grouping engine: time and peak memory per number of notes.

Usage: python bench/clustering.py [--sizes 1000 10000 100000] [--dev FILE.csv]

Notes are synthesised by recombining and perturbing the dev set's texts (prefixes,
suffixes, typos, a street number), so every note is distinct and embeddings are
really computed. Each size runs in a fresh subprocess so that its peak memory
(ru_maxrss) is its own; the time includes embedding the notes (cold cache), and a
rerun on the same notes (warm cache, what a page rerun costs) is timed too.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT.parent / "shared" / "data" / "criteria_dev.csv"  # the shared/ folder beside the clone
PREFIXES = ["", "", "Pour moi, ", "Vraiment ", "Franchement, ", "Moi je dirais ", "For me, ", "Honestly ",
            "Surtout ", "Avant tout, "]
SUFFIXES = ["", "", " !", " dans le quartier", " pour tous", " in our area", " every day", " surtout le soir",
            " pour mes enfants", " c'est important"]


def synthesise(n: int, dev: Path, seed: int = 0) -> list[str]:
    """n distinct citizen-like notes derived from the dev texts."""
    import pandas as pd

    texts = list(pd.read_csv(dev)["text"])
    rng = random.Random(seed)
    notes: list[str] = []
    seen: set[str] = set()
    while len(notes) < n:
        text = rng.choice(texts)
        if rng.random() < 0.3:  # typo: swap two neighbouring letters
            i = rng.randrange(max(1, len(text) - 1))
            text = text[:i] + text[i + 1: i + 2] + text[i: i + 1] + text[i + 2:]
        note = f"{rng.choice(PREFIXES)}{text}{rng.choice(SUFFIXES)}"
        if note in seen or rng.random() < 0.5:
            note = f"{note} ({rng.randrange(1, 400)})"
        if note not in seen:
            seen.add(note)
            notes.append(note)
    return notes


def run_one(n: int, dev: Path) -> dict[str, float]:
    """Cluster n synthetic notes; time, peak memory, and similar-notes latency."""
    sys.path.insert(0, str(ROOT))
    from indicators.engine import SimilarNotesIndex, cluster_notes
    from indicators.families import default_suggester
    from indicators.vectors import embedding_model

    notes = synthesise(n, dev)
    start = time.perf_counter()
    model = embedding_model()
    if model is not None:
        model.encode(["chauffe"])
    default_suggester(model is not None)
    setup = time.perf_counter() - start
    start = time.perf_counter()
    result = cluster_notes(notes)
    cold = time.perf_counter() - start
    out = {"n": n, "setup_seconds": round(setup, 2), "seconds": round(cold, 2),
           "clusters": len(result.clusters)}
    if n <= 20_000:
        start = time.perf_counter()
        cluster_notes(notes)
        out["rerun_seconds"] = round(time.perf_counter() - start, 2)
        index = SimilarNotesIndex(notes)
        queries = synthesise(60, dev, seed=1)
        index.similar(queries[0])
        start = time.perf_counter()
        for query in queries[10:]:
            index.similar(query, k=5)
        out["similar_ms"] = round((time.perf_counter() - start) * 1000 / 50, 2)
    out["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child, args.dev)))
        return 0
    rows = []
    print(f"{'notes':>8} {'setup s':>8} {'cluster s':>10} {'rerun s':>8} {'clusters':>9} {'similar ms':>11} "
          f"{'peak MB':>8}", flush=True)
    for n in args.sizes:
        done = subprocess.run([sys.executable, __file__, "--child", str(n), "--dev", str(args.dev)],
                              capture_output=True, text=True, check=True)
        row = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append(row)
        print(f"{row['n']:>8} {row['setup_seconds']:>8} {row['seconds']:>10} {row.get('rerun_seconds', '-'):>8} "
              f"{row['clusters']:>9} {row.get('similar_ms', '-'):>11} {row['peak_mb']:>8}", flush=True)
    for small, big in itertools.pairwise(rows):
        growth = math.log(big["seconds"] / max(small["seconds"], 1e-6)) / math.log(big["n"] / small["n"])
        print(f"time grows as n^{growth:.2f} from {small['n']} to {big['n']} notes")
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    print(f"machine: {len(os.sched_getaffinity(0))} cores, load average {' '.join(load)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
