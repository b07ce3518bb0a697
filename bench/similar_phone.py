""""Already said?" on a phone: server time of one query against a group of N notes (the issue asks < 50 ms on 10,000).

Usage: python bench/similar_phone.py [--sizes 1000 10000]

Each size gets a fresh SQLite database with one group of N distinct notes (synthesised from the dev set, as in
bench/clustering.py), then times participants.similar.closest(code, draft) as the phone route calls it: one
signature read, the index (built once, in the background, timed apart), one embedding of the draft.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from clustering import DEV, synthesise  # noqa: E402

DRAFTS = ["un logement trop petit", "des parcs propres", "le bruit la nuit", "trouver un travail", "voir mes amis"]


def run(size: int) -> None:
    from sqlmodel import insert

    from groups import join, service
    from groups.models import ILLBEING, Criterion
    from participants import similar
    from workshop import database, projects
    from workshop.database import utcnow

    url = f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    database.prepare(url)
    os.environ["SPIRALE_DATABASE_URL"] = url
    with database.session_scope(url) as session:
        project = projects.create_project(session=session, name="Banc d'essai")
        group = service.create_group(session=session, project_id=project.id, profile="Tous")
        code = join.open_join(session=session, project_id=project.id, group_id=group.id).join_code
        now = utcnow()
        rows = [dict(project_id=project.id, group_id=group.id, question=ILLBEING, text=t, created_at=now,
                     updated_at=now) for t in synthesise(size, DEV)]  # fmt: skip
        session.exec(insert(Criterion), params=rows)
    similar._entries.clear()  # each size its own database, whose group ids start at 1 again
    started = time.perf_counter()
    similar.FIRST_BUILD_WAIT = 600.0  # for the bench: wait for the first index, and time it
    similar.closest(code, "échauffement")
    build = time.perf_counter() - started
    times = []
    for round_ in range(40):
        draft = DRAFTS[round_ % len(DRAFTS)] + (" " + str(round_) if round_ >= len(DRAFTS) else "")
        started = time.perf_counter()
        found = similar.closest(code, draft)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    print(f"{size:>7} notes  index built in {build:5.1f} s (once, in the background)  "
          f"query p50 {statistics.median(times):5.1f} ms  p95 {times[int(len(times) * 0.95) - 1]:5.1f} ms  "
          f"max {times[-1]:5.1f} ms  ({len(found)} shown for the last draft)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores)")
    for size in args.sizes:
        run(size)


if __name__ == "__main__":
    main()
