"""Many phones sending notes at the same moment: notes per second and the 95th-percentile time to store one.

    python bench/notes_load.py                   # 10, 60 and 300 senders, on SQLite and PostgreSQL
    python bench/notes_load.py --senders 60 --notes 5 --databases sqlite

Each sender is a thread standing for one phone: it joins by code and sends its notes one after the
other through the service layer (groups.join.send_note, each in its own short transaction), all senders
released at once by a barrier. PostgreSQL runs on a throwaway cluster (initdb in a temporary folder, as
the `postgres` user when run as root), stopped at the end. Every note is checked to be stored once.
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.pg_cluster import postgres_cluster
from groups import join, service
from groups.models import QUESTIONS
from workshop import database, projects


def one_round(url: str, senders: int, notes: int) -> dict[str, float]:
    """`senders` phones at once, `notes` each; returns notes/s, p50 and p95 store times (ms)."""
    with database.session_scope(url) as session:
        project = projects.create_project(session=session, name=f"Charge {senders} {time.monotonic_ns()}")
        group = service.create_group(session=session, project_id=project.id, profile="Tous")
        code = join.open_join(session=session, project_id=project.id, group_id=group.id).join_code
    start = threading.Barrier(senders)
    durations: list[float] = []
    lock = threading.Lock()

    def phone(number: int) -> None:
        token = f"phone-{project.id}-{number}"  # a new phone per round: the rate limit is per phone
        start.wait()
        for idea in range(notes):
            began = time.perf_counter()
            with database.session_scope(url) as session:
                join.send_note(
                    session=session,
                    code=code,
                    participant_token=token,
                    question=QUESTIONS[idea % 3],
                    text=f"Idée {idea} du téléphone {number}",
                )
            with lock:
                durations.append(time.perf_counter() - began)

    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=senders) as pool:
        list(pool.map(phone, range(senders)))
    elapsed = time.perf_counter() - began
    with database.session_scope(url) as session:
        stored = service.list_criteria(session=session, project_id=project.id, group_id=group.id)
    expected = senders * notes
    if len(stored) != expected or len({c.text for c in stored}) != expected:
        raise SystemExit(f"lost or doubled notes: {len(stored)} stored for {expected} sent")
    ordered = sorted(durations)
    return {
        "notes_per_s": expected / elapsed,
        "p50_ms": statistics.median(ordered) * 1000,
        "p95_ms": ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000,
        "seconds": elapsed,
    }


def run(url: str, name: str, senders_list: list[int], notes: int) -> None:
    database.prepare(url)
    one_round(url, 5, 2)  # warm up: connections, statement caches
    for senders in senders_list:
        figures = one_round(url, senders, notes)
        print(
            f"{name:<10} {senders:>4} senders x {notes} notes: {figures['notes_per_s']:7.0f} notes/s, "
            f"p50 {figures['p50_ms']:6.1f} ms, p95 {figures['p95_ms']:7.1f} ms "
            f"({senders * notes} notes in {figures['seconds']:.2f} s, none lost or doubled)",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--senders", type=int, nargs="+", default=[10, 60, 300])
    parser.add_argument("--notes", type=int, default=5, help=f"notes per sender (at most {service.RATE_LIMIT_NOTES})")
    parser.add_argument("--databases", nargs="+", choices=["sqlite", "postgres"], default=["sqlite", "postgres"])
    args = parser.parse_args()
    if not 1 <= args.notes <= service.RATE_LIMIT_NOTES:
        parser.error(f"--notes must be between 1 and {service.RATE_LIMIT_NOTES} (the per-phone rate limit)")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s)")
    if "sqlite" in args.databases:
        with tempfile.TemporaryDirectory(prefix="spirale-bench-") as folder:
            run(f"sqlite:///{folder}/bench.db", "SQLite", args.senders, args.notes)
    if "postgres" in args.databases:
        with postgres_cluster() as url:
            run(url, "PostgreSQL", args.senders, args.notes)


if __name__ == "__main__":
    main()
