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


WRITER = """
import json, sys, time
from surveys import service
from workshop import database
url, pid, wid, iid, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
waits, end, n = [], time.monotonic() + seconds, 0
while time.monotonic() < end:
    start = time.monotonic()
    with database.session_scope(url) as session:
        service.add_response(session=session, project_id=pid, wave_id=wid, code=f"phone{n}", levels={iid: 3})
    print(time.monotonic() - start, flush=True)  # one line a write: read back after it is stopped
    n += 1
    time.sleep(0.05)
"""


def batched_write(url: str, project_id: int, checked: imports.Checked, target: imports.Target) -> None:
    """The page's write of a large file (surveys.batches) into another wave, while another process writes one
    answer every 50 ms as a phone would: how long the import takes, and the longest that writer waited."""
    import os
    import subprocess

    from surveys import batches

    with database.session_scope(url) as session:
        wave = service.create_wave(session=session, project_id=project_id, name="Bench batches", kind="ex-post")
        phones = service.create_wave(session=session, project_id=project_id, name="Bench phones", kind="ex-post")
    iid = next(iter(target.indicators))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen([sys.executable, "-c", WRITER, url, str(project_id), str(phones.id), str(iid), "40"],
                              cwd=ROOT, stdout=subprocess.PIPE, text=True, env=env)  # fmt: skip
    time.sleep(2)
    timed("batched write (another process writing)",
          lambda: batches.write(project_id=project_id, wave_id=wave.id, checked=checked, url=url))  # fmt: skip
    writer.terminate()
    out, _ = writer.communicate(timeout=60)
    waits = [float(line) for line in out.split()]
    if waits:
        ordered = sorted(waits)
        print(f"  the other writer: {len(waits)} writes, p50 {ordered[len(ordered) // 2] * 1000:.0f} ms, "
              f"max {ordered[-1] * 1000:.0f} ms")  # fmt: skip


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
        batched_write(url, project.id, checked, target)
    print(f"peak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
