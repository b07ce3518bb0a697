"""Browser fixtures: the real app on a free port with its own database, driven by Debian's Chromium.

`app_url` starts `streamlit run app.py` for one test (fresh SQLite file, process group killed at the end), with an
administrator account in its database; `page` is a new Playwright page in its own browser context (its own
Streamlit session), logged in as that administrator by its `spirale_session` cookie; `logged_out_page` is one
with no login (participants' phones need none either).
`wait_for_run` and `run_count` tell when Streamlit has finished the script run an interaction caused.
"""

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CHROMIUM, ROOT, free_port, skip_or_fail
from workshop import access, database

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 900}
STARTUP_SECONDS = 60
RUN_TIMEOUT_MS = 30_000
EXPECT_TIMEOUT_MS = 15_000
ADMIN_NAME = "admin"
ADMIN_PASSWORD = "un mot de passe de test"
SESSION_COOKIE = "spirale_session"
_LOGINS: dict[str, str] = {}  # app URL -> a login token of its administrator, for the cookie of a new page

# Counts the script runs the browser has seen: every time stApp's script state leaves "notRunning".
# Installed before Streamlit's own scripts, on every page load.
RUN_COUNTER_JS = """
window.__spiraleRuns = 0;
new MutationObserver((mutations) => {
  for (const m of mutations) {
    const state = m.target.getAttribute('data-test-script-state');
    if (m.oldValue === 'notRunning' && state !== 'notRunning') window.__spiraleRuns += 1;
  }
}).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                      attributeFilter: ['data-test-script-state']});
"""

# Idle: the app is connected, its script is not running and the status widget shows no running icon.
IDLE_JS = """(since) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]')) return false;
  return since === null || (window.__spiraleRuns || 0) > since;
}"""


def translations() -> dict[str, dict[str, str]]:
    return json.loads((ROOT / "data" / "translations.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def tr() -> Callable[..., str]:
    """The app's own labels: tr("nav.step1") is the French text, tr("nav.step1", "en") the English one."""
    catalog = translations()

    def label(key: str, lang: str = "fr") -> str:
        return catalog[key][lang]

    return label


def run_count(page: Any) -> int:
    """How many script runs this page has seen start; pass it to wait_for_run(since=...) after an action."""
    return page.evaluate("() => window.__spiraleRuns || 0")


def wait_for_run(page: Any, *, since: int | None = None, timeout: int = RUN_TIMEOUT_MS) -> None:
    """Wait until Streamlit is idle; with `since`, also until a run started after that count has finished."""
    page.wait_for_function(IDLE_JS, arg=since, timeout=timeout, polling=50)


def settled(page: Any, timeout: int = RUN_TIMEOUT_MS) -> None:
    """Idle, and still idle a moment later: a page that ends its run with st.rerun() (a login from the cookie,
    a new project, a loaded demo) is idle for an instant between its two runs, and a click made then is folded
    into the second run: it starts no run that `rerun` could count, and the wait would never end."""
    wait_for_run(page, timeout=timeout)
    page.wait_for_timeout(300)
    wait_for_run(page, timeout=timeout)


def rerun(page: Any, action: Callable[[], object], timeout: int = RUN_TIMEOUT_MS) -> None:
    """Do something that makes Streamlit rerun the script (click, Enter), and wait for that run to finish.

    Settles first (see `settled`): an action taken during a page's second run would never be counted.
    """
    settled(page, timeout)
    before = run_count(page)
    action()
    wait_for_run(page, since=before, timeout=timeout)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
            return answer.status == 200 and answer.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def admin_login(db_url: str) -> str:
    """A login token of the database's administrator (created on first use), as the login form would give it."""
    database.prepare(db_url)
    with database.session_scope(db_url) as session:
        if ADMIN_NAME not in {a.username for a in access.list_accounts(session=session)}:
            access.create_account(session=session, username=ADMIN_NAME, password=ADMIN_PASSWORD, is_admin=True)
        return access.authenticate(session=session, username=ADMIN_NAME, password=ADMIN_PASSWORD)[1]


@pytest.fixture
def app_db(tmp_path: Path) -> str:
    """The app's database (SQLite), which a test may also open."""
    return f"sqlite:///{tmp_path / 'spirale.db'}"


@pytest.fixture
def app_url(tmp_path: Path, app_db: str) -> Iterator[str]:
    """The app served by `streamlit run` on a free local port, with a fresh SQLite database of its own."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    _LOGINS[url] = admin_login(app_db)  # migrated and with its administrator before the app starts
    env = {**os.environ, "SPIRALE_DATABASE_URL": app_db}
    env.pop("SPIRALE_LANGUAGE", None)  # the tests read the French labels, the app's default
    log_path = tmp_path / "streamlit.log"
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        # Other engineers edit the tree while tests run: the watcher would re-import changed modules mid-test,
        # and SQLModel refuses to define a table twice ("Table 'project' is already defined").
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthy(url):
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with {process.returncode}:\n{log_path.read_text(errors='replace')}")
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy after {STARTUP_SECONDS} s:\n{log_path.read_text(errors='replace')}")
            time.sleep(0.1)
        yield url
    finally:
        _stop(process)
        _LOGINS.pop(url, None)
    errors = [line for line in log_path.read_text(errors="replace").splitlines() if "Traceback" in line]
    assert not errors, f"the app logged an exception:\n{log_path.read_text(errors='replace')}"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright (never `playwright install`)."""
    if importlib.util.find_spec("playwright") is None:
        skip_or_fail("the playwright Python package is not installed", "SPIRALE_REQUIRE_BROWSER")
    if not CHROMIUM.exists():
        skip_or_fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)", "SPIRALE_REQUIRE_BROWSER")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@contextmanager
def open_page(browser: Any, url: str, *, logged_in: bool = True) -> Iterator[Any]:
    """A page in a new browser context (so a new Streamlit session) on `url`, once its first run is done.

    Logged in as the app's administrator (its login cookie set before the first request) unless told otherwise.
    """
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    context.add_init_script(RUN_COUNTER_JS)
    site = url.split("/?")[0].rstrip("/")
    if logged_in and site in _LOGINS:
        context.add_cookies([{"name": SESSION_COOKIE, "value": _LOGINS[site], "url": site}])
    tab = context.new_page()
    try:
        tab.goto(url)
        wait_for_run(tab)
        yield tab
    finally:
        context.close()


@pytest.fixture
def page(browser: Any, app_url: str) -> Iterator[Any]:
    """A fresh page on the app's home, logged in as an administrator: the first session of a freshly started server."""
    with open_page(browser, app_url) as tab:
        yield tab


@pytest.fixture
def logged_out_page(browser: Any, app_url: str) -> Iterator[Any]:
    """A fresh page on the app with no login: what anyone who finds the address sees."""
    with open_page(browser, app_url, logged_in=False) as tab:
        yield tab
