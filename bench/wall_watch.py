"""What the live wall's one-second watch costs the server: one "what changed since" read per tick, per screen.

    python bench/wall_watch.py                        # 40, 1,000 and 10,000 notes on the wall, SQLite and PostgreSQL
    python bench/wall_watch.py --notes 40 --databases sqlite

Each watching screen (the presentation, the facilitator's wall) reads groups.service.wall_change once a second,
in its own short transaction, and redraws only when the value moved. This prints, per wall size, the time of
that read (p50/p95 over many ticks) beside the time of a full redraw (the wall's notes read and its HTML
built), with 10 other groups of 1,000 notes each in the same database, and the query plan SQLite chose.
"""

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

logging.getLogger("streamlit").setLevel(logging.ERROR)  # the HTML builders run here without a Streamlit server

from sqlalchemy import text as sql_text  # noqa: E402

from bench.pg_cluster import postgres_cluster  # noqa: E402
from groups import join, service  # noqa: E402
from groups.models import QUESTIONS, Criterion  # noqa: E402
from ui import presentation  # noqa: E402
from workshop import database, projects  # noqa: E402

OTHER_GROUPS, OTHER_NOTES = 10, 1000
TICKS = 300
REDRAWS = 20


def fill(url: str, project_id: int, group_id: int, notes: int) -> None:
    with database.session_scope(url) as session:
        session.add_all(
            Criterion(project_id=project_id, group_id=group_id, question=QUESTIONS[i % 3], text=f"Idée numéro {i}")
            for i in range(notes)
        )


def timings(call, times: int) -> tuple[float, float]:
    spent = []
    for _ in range(times):
        began = time.perf_counter()
        call()
        spent.append((time.perf_counter() - began) * 1000)
    spent.sort()
    return statistics.median(spent), spent[max(0, round(0.95 * len(spent)) - 1)]


def tick(url: str, project_id: int, group_id: int) -> None:
    """What the watch does every second: one short transaction, one statement."""
    with database.session_scope(url) as session:
        service.wall_change(session=session, project_id=project_id, group_id=group_id)


def redraw(url: str, project_id: int, group_id: int) -> None:
    """What a change costs: the wall's notes read and the presentation's HTML built."""
    with database.session_scope(url) as session:
        columns = service.wall(session=session, project_id=project_id, group_id=group_id)
    presentation.wall_html(title="Mur", columns=columns, wordings=dict.fromkeys(QUESTIONS, "?"), fresh=set())


def run(url: str, name: str, sizes: list[int]) -> None:
    database.prepare(url)
    with database.session_scope(url) as session:
        project = projects.create_project(session=session, name=f"Banc {time.monotonic_ns()}")
        others = [service.create_group(session=session, project_id=project.id, profile=f"G{i}") for i in range(10)]
    for other in others[:OTHER_GROUPS]:
        fill(url, project.id, other.id, OTHER_NOTES)
    for size in sizes:
        with database.session_scope(url) as session:
            group = service.create_group(session=session, project_id=project.id, profile=f"Mur de {size}")
            join.open_join(session=session, project_id=project.id, group_id=group.id)
        fill(url, project.id, group.id, size)

        tick_p50, tick_p95 = timings(lambda gid=group.id: tick(url, project.id, gid), TICKS)
        redraw_p50, redraw_p95 = timings(lambda gid=group.id: redraw(url, project.id, gid), REDRAWS)
        print(
            f"{name:<10} {size:>6} notes on the wall ({OTHER_GROUPS * OTHER_NOTES} in other groups): "
            f"watch tick p50 {tick_p50:6.2f} ms, p95 {tick_p95:6.2f} ms | full redraw p50 {redraw_p50:7.1f} ms, "
            f"p95 {redraw_p95:7.1f} ms | {1000 / tick_p50:5.0f} ticks/s on one core, i.e. one screen costs "
            f"{tick_p50 / 10:.3f}% of a core",
            flush=True,
        )
    if url.startswith("sqlite"):
        with database.session_scope(url) as session:
            statement = str(service._WALL_CHANGE).replace(":group_id", "1").replace(":project_id", "1")
            plan = session.execute(sql_text("EXPLAIN QUERY PLAN " + statement)).all()
        print("SQLite plan: " + " | ".join(row[-1] for row in plan))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, nargs="+", default=[40, 1000, 10000])
    parser.add_argument("--databases", nargs="+", choices=["sqlite", "postgres"], default=["sqlite", "postgres"])
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}")
    if "sqlite" in args.databases:
        with tempfile.TemporaryDirectory(prefix="spirale-bench-") as folder:
            run(f"sqlite:///{folder}/bench.db", "SQLite", args.notes)
    if "postgres" in args.databases:
        with postgres_cluster() as url:
            run(url, "PostgreSQL", args.notes)


if __name__ == "__main__":
    main()
