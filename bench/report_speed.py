"""Benchmark of step 4: the action plan's reads and the shared report (HTML with SVG charts, then PDF).

Usage: python bench/report_speed.py [--actions 5 50 200]

Loads the demo project into a fresh SQLite database, adds synthetic pilot actions (three targets, four
commitments, two milestones each) up to the asked number, then times what the plan page reads, the
priorities ranking, the report's data, its charts rendered to SVG by kaleido, the HTML, and the PDF
printed by headless Chromium; prints sizes in bytes and PDF pages.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import demo  # noqa: E402
from actions import followup, priorities, report, service  # noqa: E402
from workshop import database  # noqa: E402


def timed(label: str, call):
    start = time.perf_counter()
    result = call()
    print(f"  {label:<28} {time.perf_counter() - start:8.3f} s")
    return result


def grow(session, pid: int, count: int) -> None:
    partners = [p.id for p in service.list_partners(session=session, project_id=pid)]
    indicators = priorities.ranking(session=session, project_id=pid)["indicator_id"].tolist()
    have = len(service.list_actions(session=session, project_id=pid))
    for n in range(have, count):
        start = date(2026, 9, 1) + timedelta(days=7 * (n % 40))
        action = service.create_action(
            session=session, project_id=pid, title=f"Action {n + 1}", status="planned",
            targets={indicators[(n + k) % len(indicators)]: 4 for k in range(3)},
            pilot_partner_id=partners[n % len(partners)], start_on=start, end_on=start + timedelta(days=180),
        )  # fmt: skip
        for k in range(4):
            service.add_commitment(
                session=session, project_id=pid, action_id=action.id, partner_id=partners[(n + k) % len(partners)],
                kind="funding" if k < 2 else "volunteers", amount=1000 * (k + 1), unit="EUR" if k < 2 else "people",
                due_on=start + timedelta(days=30 * k),
            )  # fmt: skip
        for k in range(2):
            service.add_milestone(session=session, project_id=pid, action_id=action.id, title=f"Étape {k + 1}",
                                  due_on=start + timedelta(days=60 * (k + 1)))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actions", type=int, nargs="+", default=[5, 50, 200])
    args = parser.parse_args()

    url = f"sqlite:///{tempfile.mkdtemp(prefix='spirale-bench-')}/bench.db"
    database.prepare(url)
    with database.session_scope(url) as session:
        pid = demo.load_demo(session=session).id
    for count in sorted(args.actions):
        with database.session_scope(url) as session:
            grow(session, pid, count)
        print(f"{count} actions:")
        measure(url, pid)


def measure(url: str, pid: int) -> None:
    import pypdf

    with database.session_scope(url) as session:
        timed("plan page reads", lambda: (service.actions_frame(session=session, project_id=pid),
                                          followup.commitment_followup(session=session, project_id=pid),
                                          service.funding_frame(session=session, project_id=pid)))  # fmt: skip
        timed("priorities ranking", lambda: priorities.ranking(session=session, project_id=pid))
        data = timed("report data", lambda: report.collect(session=session, project_id=pid, lang="fr"))
    images = timed("charts to SVG (kaleido)", lambda: report.chart_images(report.figures(data)))
    document = timed("HTML", lambda: report.build_html(data, images))
    pdf = timed("PDF (headless Chromium)", lambda: report.to_pdf(document))
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    print(f"  HTML {len(document.encode()):,} bytes, {len(images)} charts; PDF {len(pdf):,} bytes, {pages} pages")


if __name__ == "__main__":
    main()
