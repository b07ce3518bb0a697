"""The live wall at 1920x1080 with more notes than one screen holds legibly: its screens, one at a time, switched
from the group's page on the laptop; every card inside the window at 17 px or more, no "… and N more", the
questions' headings whole. Screenshots go to SPIRALE_SHOTS (outside git) to be looked at.
"""

import pytest

from groups.models import ACTION, ILLBEING, WELLBEING
from tests.browser.test_presentation import IDEAS, SCREEN, at, presentation, shot, workshop_group, write  # noqa: F401

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
        assert len(seen) == count  # every note on one screen
        counts = tab.get_by_test_id("presented-count").all_inner_texts()
        assert counts == [str(shares[q]) for q in (WELLBEING, ILLBEING, ACTION)]  # the whole wall's counts
        expect(tab.get_by_test_id("presented-code")).to_be_visible()  # the join corner on every screen
    finally:
        room.__exit__(None, None, None)
        desk.__exit__(None, None, None)
