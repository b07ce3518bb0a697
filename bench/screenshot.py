"""Screenshot of the dashboard of the demo project, for the README: docs/screenshot.png (1400x900).

    python bench/screenshot.py [output.png]

Starts the app on a free local port with a throwaway SQLite database and an administrator logged in
by cookie, drives Debian's Chromium (/usr/bin/chromium, or SPIRALE_CHROMIUM) through Playwright, clicks
"load the demo" and waits until Streamlit has finished running before taking the picture.
Never `playwright install`.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workshop import access, database  # noqa: E402 - the repository's own packages, after the path

CHROMIUM = os.environ.get("SPIRALE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]  # fmt: skip
IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector('[data-testid="stStatusWidgetRunningIcon"]');
}"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.1)
    sys.exit("streamlit did not answer in time")


def administrator(db_url: str) -> str:
    """A login token of a throwaway administrator, as the login form would give it."""
    database.prepare(db_url)
    with database.session_scope(db_url) as session:
        password = "capture d'écran " * 2
        access.create_account(session=session, username="capture", password=password, is_admin=True)
        return access.authenticate(session=session, username="capture", password=password)[1]


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshot.png"
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="spirale-shot-") as tmp:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        db_url = f"sqlite:///{tmp}/spirale.db"
        env = {**os.environ, "SPIRALE_DATABASE_URL": db_url, "SPIRALE_LANGUAGE": "fr"}
        token = administrator(db_url)
        command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                   "--browser.gatherUsageStats", "false", "--server.port", str(port),
                   "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"]  # fmt: skip
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, start_new_session=True)
        try:
            wait_healthy(url, process)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                context.add_cookies([{"name": "spirale_session", "value": token, "url": url}])
                page = context.new_page()
                page.goto(url)
                page.wait_for_function(IDLE, polling=50, timeout=60_000)
                page.get_by_role("button", name="Charger le projet de démonstration").click()
                picker = page.get_by_role("combobox", name="Projet")
                expect(picker).to_have_value(re.compile("Valmont"), timeout=120_000)  # the demo is the project
                page.wait_for_function(IDLE, polling=50, timeout=120_000)
                page.get_by_role("link", name="Tableau de bord").click()  # the shared diagnosis, with charts
                expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=120_000)
                page.wait_for_function(IDLE, polling=50, timeout=120_000)
                page.wait_for_timeout(1500)  # plotly's transitions end
                page.screenshot(path=str(output))
                browser.close()
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=10)
    print(output)


if __name__ == "__main__":
    main()
