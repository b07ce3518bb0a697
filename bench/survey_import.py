"""Benchmark of a survey file's import as the data page runs it: read, value table, check, write, re-check.

Usage: python bench/survey_import.py [--rows 50000] [--shape limesurvey|kobo]

The file is shaped as LimeSurvey 6 writes it (every field quoted, ';', `id`, `submitdate`, `G01Q01[SQ001]`
headings, answers A1…A5 and A6 read through the survey structure file of tests/surveys/data), for the demo's
16 indicators, in a fresh SQLite database. Prints each step's seconds and the peak memory of the process.
Target (issue 15): 50,000 respondents × 16 indicators checked and imported in under 30 s.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from demo import load_demo  # noqa: E402
from surveys import imports, labels, service  # noqa: E402
from workshop import database  # noqa: E402

T = TypeVar("T")
GALLERY = ROOT / "tests" / "surveys" / "data"


def limesurvey_csv(rows: int, seed: int = 1) -> bytes:
    rng = np.random.default_rng(seed)
    head = ["id", "submitdate", "lastpage", "startlanguage", *[f"G01Q01[SQ{n:03d}]" for n in range(1, 17)],
            "G02Q02", "G02Q03", "G02Q04"]  # fmt: skip
    codes = rng.integers(1, 7, (rows, 16))
    lines = [";".join(f'"{h}"' for h in head)]
    for i in range(rows):
        done = "" if i % 20 == 0 else "2026-05-02 10:00:00"
        answers = ";".join(f'"A{c}"' for c in codes[i])
        lines.append(f'"{i + 1}";"{done}";"3";"fr";{answers};"A{i % 6 + 1}";"Vieux bourg";"A{i % 5 + 1}"')
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def timed(label: str, action: Callable[[], T]) -> T:
    start = time.perf_counter()
    result = action()
    print(f"{label:<34} {time.perf_counter() - start:7.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    rows = parser.parse_args().rows
    data = limesurvey_csv(rows)
    structure = labels.read_labels((GALLERY / "limesurvey6_structure.txt").read_bytes(), "structure.txt")
    print(f"{rows:,} rows × 16 indicators, {len(data) / 1_048_576:.1f} MB")
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        database.prepare(url)
        with database.session_scope(url) as session:
            project = load_demo(session=session)
            wave = service.create_wave(session=session, project_id=project.id, name="Bench", kind="ex-post")
            target = imports.target(session=session, project_id=project.id)
        total = time.perf_counter()
        frame = timed("read (CSV, labels)", lambda: structure.relabel(imports.read_table(data, "results.csv")))
        titles = {c: structure.title(c) for c in frame.columns}
        mapping = timed("guess mapping", lambda: imports.guess_mapping(list(frame.columns), target, titles))
        timed("value table", lambda: imports.value_table(frame, mapping, target))
        options = {"complete_only": True}
        with database.session_scope(url) as session:
            checked = timed("check", lambda: imports.check(session=session, project_id=project.id, wave_id=wave.id,
                                                          frame=frame, mapping=mapping, **options))  # fmt: skip
        print(f"  valid {checked.valid}, {len(checked.responses):,} respondents, {checked.incomplete:,} incomplete")
        with database.session_scope(url) as session:
            written = timed(
                "import (check + write, commit)",
                lambda: imports.import_frame(
                    session=session, project_id=project.id, wave_id=wave.id, frame=frame, mapping=mapping, **options
                ),
            )
        print(f"read to written: {time.perf_counter() - total:.2f} s, {written:,} respondents")
        mapping_without_id = {c: m for c, m in mapping.items() if m != imports.CODE}
        with database.session_scope(url) as session:
            again = timed("re-check, no id column (signatures)", lambda: imports.check(
                session=session, project_id=project.id, wave_id=wave.id, frame=frame, mapping=mapping_without_id,
                **options))  # fmt: skip
        print(f"  known {again.known:,} of {len(again.responses):,}")
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
