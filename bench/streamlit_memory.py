"""The Streamlit server's memory over a long run, driven by real browsers: does RSS stay bounded?

    python bench/streamlit_memory.py                        # 4 minutes, the settings of .streamlit/config.toml
    python bench/streamlit_memory.py --minutes 2 --post-script-gc true    # Streamlit's default, for comparison
    python bench/streamlit_memory.py --gc-every 0           # without workshop/memory.py's timed collection

`.streamlit/config.toml` turns off Streamlit's forced full collection after every script run
(`runner.postScriptGC`, issue 12). This starts the real app (`streamlit run app.py` on a free 127.0.0.1
port, a fresh SQLite database with the demo project and an administrator), then drives it with Debian's
Chromium through Playwright: `--facilitators` logged-in pages walk the sidebar's pages one after another
(each click a script run; every `--reload-every` clicks a reload, so a new Streamlit session, the old one
left to expire), `--walls` logged-in pages stay on step 1's page (its live wall reruns as a fragment every
2 s), and `--phones` pages on a group's light route (/p/CODE) send a note now and then, which the walls
show. Every `--sample-seconds` it prints the server's RSS and CPU time; at the end, the RSS at the start
and end of the load, its peak, and its slope over the second half of the run.
"""

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import Page, sync_playwright

import demo
from groups import join
from groups import service as groups_service
from workshop import access, database

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("SPIRALE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
ADMIN, PASSWORD = "admin", "un mot de passe de banc"
IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning';
}"""


@dataclass
class Load:
    clicks: int = 0
    reloads: int = 0
    notes: int = 0
    timeouts: int = 0
    samples: list[tuple[float, float, float, int]] = field(default_factory=list)  # (seconds, RSS MB, CPU s, clicks)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database(url: str) -> tuple[str, str]:
    """The demo project, one group's join code open, an administrator: (its login token, the join code)."""
    database.prepare(url)
    with database.session_scope(url) as session:
        project = demo.load_demo(session=session)
        group = groups_service.list_groups(session=session, project_id=project.id)[0]
        code = join.open_join(session=session, project_id=project.id, group_id=group.id).join_code
        access.create_account(session=session, username=ADMIN, password=PASSWORD, is_admin=True)
        token = access.authenticate(session=session, username=ADMIN, password=PASSWORD)[1]
    return token, code


def rss_and_cpu(pid: int) -> tuple[float, float]:
    """The process's resident memory in MB and its CPU time (user + system) in seconds, from /proc."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return rss_kb / 1024, (int(fields[11]) + int(fields[12])) / ticks


def start_server(url_db: str, port: int, options: argparse.Namespace, log: Path) -> subprocess.Popen:
    script = "app.py" if (ROOT / "app.py").exists() else "router.py"  # (app.py: the ASGI launcher, when there)
    command = [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true",
               "--browser.gatherUsageStats", "false", "--server.port", str(port),
               "--server.address", "127.0.0.1"]  # fmt: skip
    if options.post_script_gc != "config":
        command += ["--runner.postScriptGC", options.post_script_gc]
    env = {**os.environ, "SPIRALE_DATABASE_URL": url_db, "SPIRALE_BACKUP_EVERY_MINUTES": "0"}
    if options.gc_every is not None:
        env["SPIRALE_GC_EVERY_SECONDS"] = str(options.gc_every)
    env.pop("SPIRALE_LANGUAGE", None)
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"streamlit exited:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return process
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    sys.exit("streamlit not healthy after 90 s")


def stop_server(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def settle(page: Page, load: Load) -> None:
    try:
        page.wait_for_timeout(300)  # the run the action caused has started
        page.wait_for_function(IDLE_JS, timeout=60_000, polling=100)
    except Exception:  # a slow run under load: counted, the walk goes on
        load.timeouts += 1


def facilitator_step(page: Page, step: int, reload_every: int, load: Load) -> None:
    if step % reload_every == reload_every - 1:
        page.reload()
        load.reloads += 1
    else:
        links = page.locator('[data-testid="stSidebarNavLink"]')
        count = links.count()
        if count:
            # (a click event, not a pointer: the presentation page hides the sidebar, its links stay in the page)
            links.nth(step % count).dispatch_event("click")
            load.clicks += 1
    settle(page, load)


def phone_step(page: Page, number: int, load: Load) -> None:
    """A note sent from a phone's light page (/p/CODE, plain HTML: no Streamlit session), then its page again."""
    page.locator("#text").fill(f"Note de banc {number}")
    with page.expect_response(lambda answer: answer.request.method == "POST", timeout=60_000):
        page.locator("#write button[type=submit]").click()  # (sent by phone.js's fetch, or as a form)
    load.notes += 1


def sampler(pid: int, started: float, stop: threading.Event, every: float, load: Load) -> None:
    while not stop.is_set():
        rss, cpu = rss_and_cpu(pid)
        elapsed = time.monotonic() - started
        load.samples.append((elapsed, rss, cpu, load.clicks + load.reloads))
        print(f"{elapsed:6.0f} s  RSS {rss:7.1f} MB  CPU {cpu:7.1f} s  clicks {load.clicks:4d}  reloads "
              f"{load.reloads:3d}  notes {load.notes:3d}  slow runs {load.timeouts}", flush=True)  # fmt: skip
        stop.wait(every)


def slope(samples: list[tuple[float, float, float, int]]) -> float:
    """Least-squares RSS growth in MB per minute."""
    n = len(samples)
    if n < 2:
        return 0.0
    mean_t = sum(s[0] for s in samples) / n
    mean_r = sum(s[1] for s in samples) / n
    num = sum((s[0] - mean_t) * (s[1] - mean_r) for s in samples)
    den = sum((s[0] - mean_t) ** 2 for s in samples) or 1.0
    return num / den * 60


def drive(base: str, token: str, code: str, options: argparse.Namespace, pid: int) -> Load:
    load = Load()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        facilitators, walls, phones = [], [], []
        for _ in range(options.facilitators):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            context.add_cookies([{"name": "spirale_session", "value": token, "url": base}])
            page = context.new_page()
            page.goto(base)
            facilitators.append(page)
        for _ in range(options.walls):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            context.add_cookies([{"name": "spirale_session", "value": token, "url": base}])
            page = context.new_page()
            page.goto(f"{base}/groupes")  # step 1's page: its live wall reruns as a fragment every 2 s
            walls.append(page)
        for page in facilitators + walls:
            settle(page, load)
        for _ in range(options.phones):
            page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
            page.goto(f"{base}/p/{code}")
            phones.append(page)
        stop, started = threading.Event(), time.monotonic()
        watcher = threading.Thread(target=sampler, args=(pid, started, stop, options.sample_seconds, load), daemon=True)
        watcher.start()
        step, deadline = 0, started + options.minutes * 60
        while time.monotonic() < deadline:
            for page in facilitators:
                try:
                    facilitator_step(page, step, options.reload_every, load)
                except Exception:  # a page that could not be reached this time: counted, the walk goes on
                    load.timeouts += 1
            if options.phones and step % options.note_every == 0:
                try:
                    phone_step(phones[step // options.note_every % len(phones)], step, load)
                except Exception:  # a phone that could not send this time: counted
                    load.timeouts += 1
            if not facilitators:
                time.sleep(1)
            step += 1
        stop.set()
        watcher.join()
        browser.close()
    return load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=4.0)
    parser.add_argument("--facilitators", type=int, default=2)
    parser.add_argument("--walls", type=int, default=1, help="facilitator pages left on step 1's live wall")
    parser.add_argument("--phones", type=int, default=3)
    parser.add_argument("--reload-every", type=int, default=8, help="a facilitator reloads every N steps")
    parser.add_argument("--note-every", type=int, default=3, help="a phone sends a note every N steps")
    parser.add_argument("--sample-seconds", type=float, default=15.0)
    parser.add_argument("--gc-every", type=int, help="the server's timed collection (SPIRALE_GC_EVERY_SECONDS; 0: off)")
    parser.add_argument("--log", help="keep the server's log in this file")
    parser.add_argument("--post-script-gc", choices=["config", "true", "false"], default="config")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="spirale-mem-") as workdir:
        url_db = f"sqlite:///{Path(workdir) / 'spirale.db'}"
        token, code = prepare_database(url_db)
        port = free_port()
        process = start_server(url_db, port, options, Path(workdir) / "streamlit.log")
        try:
            idle_rss = rss_and_cpu(process.pid)[0]
            gc_every = "default" if options.gc_every is None else options.gc_every
            print(f"server pid {process.pid}, postScriptGC={options.post_script_gc}, timed gc {gc_every} s, "
                  f"{options.facilitators} "
                  f"facilitators, {options.walls} walls, {options.phones} phones, {options.minutes} min; "
                  f"RSS before any session {idle_rss:.1f} MB; load {os.getloadavg()[0]:.2f}", flush=True)  # fmt: skip
            load = drive(f"http://127.0.0.1:{port}", token, code, options, process.pid)
            final_rss, final_cpu = rss_and_cpu(process.pid)
        finally:
            stop_server(process)
        log = (Path(workdir) / "streamlit.log").read_text(errors="replace")
        errors = [line for line in log.splitlines() if "Traceback" in line]
        if options.log:
            Path(options.log).write_text(log)
    samples = load.samples
    second_half = [s for s in samples if s[0] >= samples[-1][0] / 2]
    peak = max(s[1] for s in samples)
    print(f"\nRSS: first sample {samples[0][1]:.1f} MB, last {final_rss:.1f} MB, peak {peak:.1f} MB; "
          f"slope over the second half {slope(second_half):+.2f} MB/min")  # fmt: skip
    # The load's pace depends on the machine: RSS by work done (page runs) compares runs better than by time.
    milestones, shown = range(0, samples[-1][3] + 1, 20), set()
    by_work = []
    for _, rss, _, done in samples:
        step = max((m for m in milestones if m <= done), default=0)
        if step not in shown:
            shown.add(step)
            by_work.append(f"{done} runs {rss:.0f} MB")
    print("RSS by facilitator page runs: " + ", ".join(by_work))
    print(f"server CPU {final_cpu:.1f} s over {samples[-1][0]:.0f} s; {load.clicks} page clicks, {load.reloads} "
          f"reloads (new sessions), {load.notes} notes, {load.timeouts} slow runs; "
          f"{len(errors)} tracebacks in the log; load average {os.getloadavg()}")  # fmt: skip


if __name__ == "__main__":
    main()
