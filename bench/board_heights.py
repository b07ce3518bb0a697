"""How tall the clustering board is at 1920x1080, in Chromium, for the demo's notes (issue 13: "200 notes
readable in two projector screens", 2 x 1080 px).

    python bench/board_heights.py              # the demo (180 notes), then the demo and 20 more notes (200)
    python bench/board_heights.py --extra 120  # 300 notes

For each count, starts `streamlit run app.py` on a fresh SQLite database holding the demo project (its board
as its mixed groups left it) and prints: the board's presentation (/presentation?vue=regroupements), each of its
screens as the facilitator's page switches them (how many cards, how far down they run, their type size, the
columns), and the board page in projector mode (the whole page's height, where the drag board starts, its height,
its type size).
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright

from demo import load_demo
from groups import service
from tests.app_servers import start_app, stop, wait_until_ready
from tests.browser.conftest import CHROMIUM_ARGS, SESSION_COOKIE, admin_login
from tests.browser.test_presentation import IDEAS
from tests.conftest import CHROMIUM, free_port
from workshop import database, i18n

SCREEN = {"width": 1920, "height": 1080}
SETTLE_MS = 180_000  # the first drawing loads the embedding model (each cluster's representative note)

PRESENTATION_JS = """() => {
  const top = document.querySelector('[data-testid=stMain]').scrollTop;
  const cards = [...document.querySelectorAll('[data-testid=presented-note]')];
  const shown = document.querySelector('[data-testid=presentation]');
  return {cards: cards.length, bottom: Math.max(...cards.map(c => c.getBoundingClientRect().bottom + top)),
          font: Math.min(...cards.map(c => parseFloat(getComputedStyle(c).fontSize))),
          columns: shown.dataset.columns, screens: shown.dataset.screens, screen: shown.dataset.screen}; }"""
PAGE_JS = """() => { const main = document.querySelector('[data-testid=stMain]');
  const board = document.querySelector("iframe[src*='streamlit_sortables']").getBoundingClientRect();
  return {page: main.scrollHeight, top: board.top + main.scrollTop, height: board.height}; }"""


def prepare(url: str, extra: int) -> int:
    """The demo project and `extra` more notes (citizens' sentences, cycled): its project id."""
    database.prepare(url)
    ideas = [(q, text) for q, texts in IDEAS.items() for text in texts]
    with database.session_scope(url) as session:
        project = load_demo(session=session)
        group = service.list_groups(session=session, project_id=project.id)[0]
        for index in range(extra):
            question, text = ideas[index % len(ideas)]
            text = text if index < len(ideas) else f"{text} ({index // len(ideas) + 1})"
            service.insert_criterion(session=session, project_id=project.id, group_id=group.id, question=question,
                                     text=text)  # fmt: skip
    return project.id


def measure(browser, site: str, token: str, project_id: int) -> tuple[list[dict], dict]:
    context = browser.new_context(viewport=SCREEN)
    context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": site}])
    room, tab = context.new_page(), context.new_page()
    room.goto(f"{site}/presentation?projet={project_id}&vue=regroupements&langue=fr")
    room.get_by_test_id("presented-note").first.wait_for(timeout=SETTLE_MS)
    screens = [room.evaluate(PRESENTATION_JS)]
    tab.goto(f"{site}/regroupements")
    tab.get_by_test_id("stSidebar").get_by_text(i18n.translate("shell.projector", "fr")).click()
    frame = tab.frame_locator("iframe[src*='streamlit_sortables']").first
    frame.locator(".sortable-item").first.wait_for(timeout=SETTLE_MS)
    tab.wait_for_timeout(3000)  # the component's own drawing at its new size
    sizes = tab.evaluate(PAGE_JS)
    fonts = frame.locator(".sortable-item").evaluate_all("i => i.map(e => parseFloat(getComputedStyle(e).fontSize))")
    if screens[0]["screens"] == "2":  # the room's second screen, as the facilitator's page shows it
        name = i18n.translate("board.screen_option", "fr", screen=2)
        tab.get_by_test_id("stMain").get_by_role("radio", name=name, exact=True).click()
        room.locator("[data-testid=presentation][data-screen='2']").wait_for(timeout=SETTLE_MS)
        screens.append(room.evaluate(PRESENTATION_JS))
    context.close()
    return screens, {**sizes, "font": min(fonts)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--extra", type=int, nargs="*", default=[0, 20], help="notes added to the demo's 180")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        for extra in args.extra:
            with tempfile.TemporaryDirectory() as folder:
                url = f"sqlite:///{Path(folder) / 'spirale.db'}"
                project_id = prepare(url, extra)
                token = admin_login(url)
                port = free_port()
                site = f"http://127.0.0.1:{port}"
                process = start_app(url, port, Path(folder) / "app.log")
                try:
                    wait_until_ready(f"{site}/_stcore/health", process)
                    started = time.monotonic()
                    screens, page = measure(browser, site, token, project_id)
                finally:
                    stop(process)
            notes = 180 + extra
            print(f"{notes} notes ({time.monotonic() - started:.0f} s):")
            for room in screens:
                print(f"  presentation, screen {room['screen']} of {room['screens']}: {room['cards']} cards down to "
                      f"{room['bottom']:.0f} px ({room['bottom'] / SCREEN['height']:.2f} screen), type "
                      f"{room['font']:.1f} px, {room['columns']} columns")  # fmt: skip
            print(f"  board page, projector mode: page {page['page']:.0f} px ({page['page'] / SCREEN['height']:.2f} "
                  f"screens), drag board {page['height']:.0f} px from {page['top']:.0f} px, type "
                  f"{page['font']:.0f} px")  # fmt: skip
        browser.close()


if __name__ == "__main__":
    main()
