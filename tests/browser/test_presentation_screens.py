"""The live wall at 1920x1080 with more notes than one screen holds legibly: its screens, one at a time, switched
from the group's page on the laptop; every card inside the window at 17 px or more, no "… and N more", the
questions' headings whole. Screenshots go to SPIRALE_SHOTS (outside git) to be looked at.
"""

import pytest

from groups.models import ACTION, ILLBEING, WELLBEING
from tests.browser.test_board_presentation import at as page_at
from tests.browser.test_board_presentation import demo  # noqa: F401 - the demo and 20 notes, 200 in all
from tests.browser.test_presentation import IDEAS, SCREEN, at, presentation, shot, workshop_group, write  # noqa: F401
from workshop import database

pytestmark = pytest.mark.browser

READABLE_PX = 17
FOLLOW_MS = 10_000  # the presentation polls every second; a wall of 200 notes on a loaded machine


def measured(tab, screen: int, screens: int) -> list[dict]:
    """The cards of the screen shown, each checked as a person at the back of the room would read it."""
    from playwright.sync_api import expect

    frame = tab.get_by_test_id("presentation")
    expect(frame).to_have_attribute("data-screen", str(screen), timeout=FOLLOW_MS)
    expect(frame).to_have_attribute("data-screens", str(screens))
    tab.wait_for_timeout(300)  # the redrawn block laid out
    cards = tab.get_by_test_id("presented-note").evaluate_all(
        "cards => cards.map(c => { const b = c.getBoundingClientRect(); return {x: b.x, y: b.y, right: b.right,"
        " bottom: b.bottom, text: c.innerText, font: parseFloat(getComputedStyle(c).fontSize)}; })"
    )
    for card in cards:
        assert card["x"] >= 0 and card["y"] >= 0, card
        assert card["right"] <= SCREEN["width"] and card["bottom"] <= SCREEN["height"], card
        assert card["font"] >= READABLE_PX, card
        assert card["text"].strip(), card
    assert tab.evaluate("() => document.scrollingElement.scrollHeight") <= SCREEN["height"]  # never scrolled
    assert "de plus" not in frame.inner_text()
    headings = tab.locator(".spz-qhead").evaluate_all(
        "hs => hs.map(h => ({text: h.innerText, cut: [...h.querySelectorAll('*')].some(e =>"
        " e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1"
        " || getComputedStyle(e).textOverflow === 'ellipsis'), bottom: h.getBoundingClientRect().bottom}))"
    )
    assert len(headings) == 3
    for heading in headings:
        assert not heading["cut"] and "…" not in heading["text"] and heading["bottom"] < SCREEN["height"], heading
    print(f"screen {screen}/{screens}: {len(cards)} cards, type {min(c['font'] for c in cards):.1f} px")
    return cards


@pytest.mark.parametrize("count", [100, 200])
def test_a_full_wall_pages_into_whole_screens_the_group_page_switches(
    browser, app_url, app_db, workshop_group, tr, count  # noqa: F811 - the fixture imported above
):  # fmt: skip
    from playwright.sync_api import expect

    project_id, group_id, _ = workshop_group
    shares = {WELLBEING: count * 45 // 100, ILLBEING: count * 35 // 100}
    shares[ACTION] = count - sum(shares.values())
    for question, share in shares.items():
        for n in range(share):
            write(app_db, project_id, group_id, question, IDEAS[question][n % len(IDEAS[question])])
    screens = -(-shares[WELLBEING] // 30)
    room, tab = presentation(browser, app_url, project_id, group_id)
    desk, control = at(browser, f"{app_url}/groupes")
    try:
        seen = measured(tab, 1, screens)
        shot(tab, f"presentation-{count}-notes-screen-1")
        for screen in range(2, screens + 1):
            name = tr("board.screen_option").format(screen=screen)
            choice = control.get_by_test_id("stButtonGroup").get_by_role("radio", name=name, exact=True)
            expect(choice).to_be_visible(timeout=FOLLOW_MS)
            choice.click()
            seen += measured(tab, screen, screens)
            shot(tab, f"presentation-{count}-notes-screen-{screen}")
        shot(control, f"group-page-{count}-notes-screen-chosen")
        assert len(seen) == count  # every note on one screen
        counts = tab.get_by_test_id("presented-count").all_inner_texts()
        assert counts == [str(shares[q]) for q in (WELLBEING, ILLBEING, ACTION)]  # the whole wall's counts
        expect(tab.get_by_test_id("presented-code")).to_be_visible()  # the join corner on every screen
    finally:
        room.__exit__(None, None, None)
        desk.__exit__(None, None, None)


def test_mutual_knowledge_of_the_demo_and_20_notes_pages_into_whole_screens(browser, app_url, app_db, demo, tr):  # noqa: F811
    from playwright.sync_api import expect

    from groups import service

    project_id = demo  # the demo's 180 notes and 20 more
    with database.session_scope(app_db) as session:
        mine = service.list_groups(session=session, project_id=project_id)[0].id
        others = [c for c in service.list_criteria(session=session, project_id=project_id) if c.group_id != mine]
    view = "&vue=synthese&langue=fr"
    room, tab = presentation(browser, app_url, project_id, mine, view)
    desk, control = page_at(browser, app_url, "synthese")
    try:
        screens = int(tab.get_by_test_id("presentation").get_attribute("data-screens"))
        assert screens > 1
        seen = measured(tab, 1, screens)
        shot(tab, "synthesis-demo-screen-1")
        for screen in range(2, screens + 1):
            name = tr("board.screen_option").format(screen=screen)
            choice = control.get_by_test_id("stButtonGroup").get_by_role("radio", name=name, exact=True)
            expect(choice).to_be_visible(timeout=FOLLOW_MS)
            choice.click()
            seen += measured(tab, screen, screens)
            shot(tab, f"synthesis-demo-screen-{screen}")
        assert len(seen) == len([c for c in others if not c.hidden_at])  # every other group's note, once
    finally:
        room.__exit__(None, None, None)
        desk.__exit__(None, None, None)
