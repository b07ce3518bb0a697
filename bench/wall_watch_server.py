"""The live wall's server cost in the real app: CPU of the Streamlit process per watching screen, idle and live.

    python bench/wall_watch_server.py                 # 40 notes, 1 and 5 presentations, the meeting screen
    python bench/wall_watch_server.py --notes 200 --seconds 20

Starts `streamlit run app.py` (README's command) on a fresh SQLite database with one group of `--notes`
notes, opens Debian's Chromium through Playwright, and reads the server's CPU time (/proc) over `--seconds`
with: no screen; 1 then 5 presentations (each ticks once a second: one "what changed since" read, the same
HTML sent again); the facilitator's meeting screen (its watch ticks, its wall of widgets does not redraw);
then the meeting screen and a presentation while a note arrives every 3 s, with the time each note takes to
show on the presentation.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright

from groups import join, service
from groups.models import QUESTIONS
from tests.app_servers import start_app, stop, wait_until_ready
from tests.browser.conftest import CHROMIUM_ARGS, SESSION_COOKIE, admin_login
from tests.conftest import CHROMIUM, free_port
from workshop import database, projects

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS_PER_SECOND


def measure(pid: int, seconds: float, during=None) -> float:
    """CPU milliseconds the server spends per second of wall-clock time."""
    began, used = time.monotonic(), cpu_seconds(pid)
    while time.monotonic() - began < seconds:
        if during:
            during()
        time.sleep(1)
    return (cpu_seconds(pid) - used) * 1000 / (time.monotonic() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notes", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="spirale-bench-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    token = admin_login(url)
    with database.session_scope(url) as session:
        project = projects.create_project(session=session, name="Banc du mur")
        group = service.create_group(session=session, project_id=project.id, profile="Jeunes")
        join.open_join(session=session, project_id=project.id, group_id=group.id)
        for i in range(args.notes):
            service.insert_criterion(
                session=session, project_id=project.id, group_id=group.id, question=QUESTIONS[i % 3], text=f"Idée {i}"
            )
    port = free_port()
    site = f"http://127.0.0.1:{port}"
    server = start_app(url, port, folder / "streamlit.log", extra=["--server.fileWatcherType", "none"])
    try:
        wait_until_ready(f"{site}/_stcore/health", server)
        print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}")
        print(f"{args.notes} notes on the wall; CPU of the server, per second, over {args.seconds:.0f} s:")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1920, "height": 1080})
            context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": site}])

            def open_tab(path: str):
                tab = context.new_page()
                tab.goto(site)
                tab.wait_for_selector("[data-testid=stSidebar]")
                tab.goto(f"{site}/{path}")
                tab.wait_for_timeout(3000)
                return tab

            address = f"presentation?projet={project.id}&groupe={group.id}"
            for warm_up in (open_tab("groupes"), open_tab(address)):  # the pages' first imports, then idle
                warm_up.close()
            time.sleep(5)
            print(f"  no screen open:                          {measure(server.pid, args.seconds):6.1f} ms/s")
            screens = [open_tab(address)]
            screens[0].get_by_test_id("presentation").wait_for()
            print(f"  1 presentation, nothing new:             {measure(server.pid, args.seconds):6.1f} ms/s")
            screens += [open_tab(address) for _ in range(4)]
            print(f"  5 presentations, nothing new:            {measure(server.pid, args.seconds):6.1f} ms/s")
            for tab in screens[1:]:
                tab.close()
            meeting = open_tab("groupes")
            meeting.get_by_test_id("note").first.wait_for()
            screens[0].close()
            print(f"  meeting screen alone, nothing new:       {measure(server.pid, args.seconds):6.1f} ms/s")
            room = open_tab(address)
            room.get_by_test_id("presentation").wait_for()
            delays: list[float] = []
            state = {"next": time.monotonic(), "number": 0}

            def send() -> None:
                if time.monotonic() < state["next"]:
                    return
                state["next"] = time.monotonic() + 3
                state["number"] += 1
                text = f"Nouvelle idée {state['number']}"
                with database.session_scope(url) as session:
                    service.insert_criterion(
                        session=session, project_id=project.id, group_id=group.id, question="wellbeing", text=text
                    )
                sent = time.monotonic()
                room.get_by_test_id("presented-note").filter(has_text=text).wait_for(timeout=15000)
                delays.append(time.monotonic() - sent)

            live = measure(server.pid, args.seconds, send)
            print(f"  meeting screen + presentation, a note every 3 s: {live:6.1f} ms/s")
            print(
                f"  note stored -> on the presentation: p50 {statistics.median(delays):.2f} s, "
                f"max {max(delays):.2f} s over {len(delays)} notes"
            )
            browser.close()
    finally:
        stop(server)


if __name__ == "__main__":
    main()
