"""The room's vote in a real browser: a facilitator opens it on the priorities page, three phones (Chromium at
390×844, one with JavaScript off) vote side by side through the participants' routes, the presentation hides
the count then reveals it, the vote closes, and the priorities chosen from it keep its votes.

Screenshots go to SPIRALE_SHOTS (a folder outside git, /tmp/spirale-shots by default) to be looked at.
Every ballot and axis is read back from the database.
"""

import os
import re
from pathlib import Path

import pytest

from actions import priorities, vote
from indicators import service as indicators_service
from tests.browser.conftest import RUN_TIMEOUT_MS, rerun, wait_for_run
from tests.browser.test_phone_notes import AXE, PAGE_BUDGET, PHONE, _size, new_phone
from tests.conftest import skip_or_fail
from workshop import database, projects

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("SPIRALE_SHOTS", "/tmp/spirale-shots"))
LIVE_MS = 10_000  # the facilitator's count follows within 2 s, the presentation's within 1 s


def shot(tab, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"vote-{name}.png"), full_page=True)


def the_vote(db_url: str) -> tuple[int, vote.PriorityVoteRead, list[str], list[str]]:
    """The only project, its newest vote, its candidates' French names (diagnosis' order), and its profiles."""
    with database.read_scope(db_url) as session:
        (project,) = projects.list_projects(session=session)
        current = vote.latest_vote(session=session, project_id=project.id)
        names = {i.id: i.name_fr for i in indicators_service.list_indicators(session=session, project_id=project.id)}
        items = vote.candidates(session=session, vote_id=current.id) if current else []
        return (
            project.id,
            current,
            [names[c.indicator_id] for c in items],
            vote.profiles(session=session, project_id=project.id),
        )


def ballots(db_url: str, vote_id: int) -> dict[str, tuple[str, dict[int, int]]]:
    """participant token -> (profile, {indicator: votes}) of every stored ballot."""
    from tests.participants.test_vote_routes import Room
    from tests.participants.test_vote_routes import ballots as stored

    return stored(Room(db_url, 0, vote_id, "", []))


def more(tab, tr, name: str) -> None:
    tab.get_by_role("button", name=tr("vote.phone.more").format(name=name), exact=True).click()


def less(tab, tr, name: str) -> None:
    tab.get_by_role("button", name=tr("vote.phone.less").format(name=name), exact=True).click()


def open_the_vote(page, tr) -> None:
    from playwright.sync_api import expect

    rerun(page, lambda: page.get_by_role("button", name=tr("home.demo.load")).click(), timeout=120_000)
    expect(page.get_by_role("combobox", name=tr("project.current"))).to_have_value(re.compile("Valmont"))
    wait_for_run(page)
    rerun(page, lambda: page.get_by_role("link", name=tr("nav.priorities")).click(), timeout=90_000)
    expect(page.get_by_role("heading", name=tr("vote.title"))).to_be_visible()
    page.get_by_label(tr("vote.votes_per_person")).fill("3")
    page.get_by_label(tr("vote.cap_per_item")).fill("2")
    page.get_by_label(tr("vote.minutes")).fill("10")
    rerun(page, lambda: page.get_by_role("button", name=tr("vote.open")).click())
    expect(page.get_by_test_id("vote-code")).to_be_visible()  # (the live count's own runs end sooner)


def test_three_phones_and_a_facilitator_vote_side_by_side(page, db_url, app_url, browser, tr):
    from playwright.sync_api import expect

    open_the_vote(page, tr)
    project_id, opened, names, profiles = the_vote(db_url)
    assert opened is not None and vote.is_open(opened) and len(names) == 8
    expect(page.get_by_test_id("vote-code")).to_have_text(opened.code)
    link = f"{app_url}/p/vote/{opened.code}"
    expect(page.get_by_text(tr("vote.link").format(url=link))).to_be_visible()  # what the QR code opens
    shot(page, "facilitator-open")

    room = page.context.new_page()  # the presentation, in the facilitator's second window
    room.set_viewport_size({"width": 1920, "height": 1080})
    room.goto(f"{app_url}/presentation?projet={project_id}&vue=vote&langue=fr")
    presented = room.get_by_test_id("presentation")
    expect(presented.get_by_test_id("presented-code")).to_have_text(opened.code)
    expect(presented.get_by_test_id("veiled")).to_contain_text("0")

    contexts = [new_phone(browser), new_phone(browser), new_phone(browser, java_script_enabled=False)]
    try:
        first, second, third = (context.new_page() for context in contexts)
        first.goto(link)  # the QR code
        expect(first.get_by_role("heading", name=tr("vote.phone.title"))).to_be_visible()
        assert first.locator("[data-testid=stApp]").count() == 0  # no Streamlit on a phone
        second.goto(f"{app_url}/p")  # the code typed as a person would read it from the screen
        second.get_by_label(tr("join.code")).fill(f"{opened.code[:3].lower()} {opened.code[3:].lower()}")
        second.get_by_role("button", name=tr("join.enter")).click()
        expect(second).to_have_url(link)
        third.goto(link)

        first.get_by_role("radio", name=profiles[0], exact=True).check()
        requests: list[str] = []
        first.on("request", lambda r: requests.append(r.method) if "/p/vote/" in r.url else None)
        first.evaluate("window.scrollTo(0, 200)")
        more(first, tr, names[2])
        expect(first.get_by_text(tr("vote.phone.saved"))).to_be_visible()
        # phone.js: one request a tap, the page drawn in place, the same "+" still under the thumb
        plus = first.get_by_role("button", name=tr("vote.phone.more").format(name=names[2]), exact=True)
        expect(plus).to_be_focused()
        assert requests == ["POST"] and first.evaluate("window.scrollY") > 0
        more(first, tr, names[2])
        more(first, tr, names[0])
        expect(first.get_by_role("status").filter(has_text=tr("vote.phone.left").format(count=0))).to_be_visible()
        more(first, tr, names[1])  # a fourth vote: refused, the ballot as it was
        expect(first.get_by_role("alert")).to_have_text(tr("error.vote_too_many").format(votes=3))
        box = first.get_by_role("button", name=tr("vote.phone.more").format(name=names[1]), exact=True).bounding_box()
        assert box and box["height"] >= 48 and box["x"] + box["width"] <= PHONE["width"]  # a thumb's target
        shot(first, "phone-too-many")

        second.get_by_role("radio", name=profiles[1], exact=True).check()
        more(second, tr, names[2])
        more(second, tr, names[2])
        more(second, tr, names[2])  # over the cap of 2
        expect(second.get_by_role("alert")).to_have_text(tr("error.vote_over_cap").format(cap=2))
        shot(second, "phone-over-cap")

        more(third, tr, names[3])  # JavaScript off: a plain form, POST then 303
        more(third, tr, names[4])
        less(third, tr, names[3])
        expect(third.get_by_text(tr("vote.phone.left").format(count=2), exact=False)).to_be_visible()
        third.reload()  # still its ballot: the phone's cookie
        expect(third.get_by_text(tr("vote.phone.left").format(count=2), exact=False)).to_be_visible()

        stored = ballots(db_url, opened.id)
        assert len(stored) == 3
        by_profile = sorted(stored.values(), key=lambda b: b[0])
        assert ("", {_id(db_url, names[4]): 1}) in by_profile
        assert (profiles[0], {_id(db_url, names[2]): 2, _id(db_url, names[0]): 1}) in by_profile
        assert (profiles[1], {_id(db_url, names[2]): 2}) in by_profile

        metric = page.get_by_test_id("stMetric").filter(has_text=tr("vote.ballots")).get_by_test_id("stMetricValue")
        expect(metric).to_have_text("3", timeout=LIVE_MS)  # the facilitator's count, without a click
        expect(presented.get_by_test_id("veiled")).to_contain_text("3", timeout=LIVE_MS)
        assert presented.get_by_test_id("presented-vote").count() == 0  # hidden until revealed
        shot(room, "presentation-hidden")

        rerun(page, lambda: page.get_by_role("button", name=tr("vote.reveal")).click())
        bars = presented.get_by_test_id("presented-vote")
        expect(bars.first).to_contain_text(names[2], timeout=LIVE_MS)
        expect(bars.first).to_contain_text("4")
        shot(room, "presentation-revealed")

        stale = first  # a phone still showing the open vote when it closes
        rerun(page, lambda: page.get_by_role("button", name=tr("vote.close")).click())
        expect(page.get_by_text(tr("vote.choose_title"))).to_be_visible()
        less(stale, tr, names[0])
        expect(stale.get_by_role("alert")).to_have_text(tr("error.vote_closed"))
        shot(stale, "phone-refused-closed")
        stale.goto(link)  # (a reload would send the refused form again)
        expect(stale.get_by_text(tr("vote.phone.closed").format(count=3))).to_be_visible()
        assert stale.get_by_role("button", name=tr("vote.phone.more").format(name=names[0])).count() == 0
        shot(stale, "phone-closed")
        expect(presented).to_contain_text(tr("vote.screen.closed"), timeout=LIVE_MS)
        assert presented.get_by_test_id("presented-code").count() == 0
    finally:
        for context in contexts:
            context.close()

    result = page.get_by_test_id("stDataFrame").nth(1)
    expect(result).to_contain_text(tr("vote.by_profile").format(profile=profiles[0]))
    page.get_by_label(tr("vote.choose_count")).fill("2")
    page.get_by_label(tr("priority.decided_by")).first.fill("La salle")
    rerun(page, lambda: page.get_by_role("button", name=tr("vote.choose")).click())
    expect(page.get_by_text(tr("priority.recorded").format(count=2))).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    shot(page, "facilitator-chosen")
    with database.read_scope(db_url) as session:
        axes = priorities.list_axes(session=session, project_id=project_id)
    assert sorted((a.indicator_id, a.votes, a.voters, a.ballots, a.vote_id) for a in axes) == sorted(
        [(_id(db_url, names[2]), 4, 2, 3, opened.id), (_id(db_url, names[0]), 1, 1, 3, opened.id)]
    ), axes
    assert {a.decided_by for a in axes} == {"La salle"}


def _id(db_url: str, name: str) -> int:
    with database.read_scope(db_url) as session:
        (project,) = projects.list_projects(session=session)
        found = indicators_service.list_indicators(session=session, project_id=project.id)
        return next(i.id for i in found if i.name_fr == name)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_vote_page_is_light_and_accessible(db_url, app_url, browser, tr, lang):
    """WCAG 2.2 AA by axe-core (no serious or critical violation) on the ballot, a refusal and the closed vote,
    200 % zoom without sideways scrolling, the page's language declared, under 100 KB, no Streamlit."""
    if not AXE.exists():
        skip_or_fail(f"axe-core not installed ({AXE}: npm ci --prefix tests/browser/axe)", "SPIRALE_REQUIRE_BROWSER")
    from demo import load_demo

    with database.session_scope(db_url) as session:
        project = load_demo(session=session)
        order = priorities.ranking(session=session, project_id=project.id)["indicator_id"].tolist()
        opened = vote.open_vote(session=session, project_id=project.id, indicator_ids=order[:6], votes_per_person=2,
                                cap_per_item=1, minutes=10)  # fmt: skip
    context = new_phone(browser, bypass_csp=True)  # axe is injected as a script of the test's own
    try:
        tab = context.new_page()
        loaded: list[tuple[str, int]] = []
        tab.on("requestfinished", lambda request: loaded.append((request.url, _size(request))))
        tab.goto(f"{app_url}/p/vote/{opened.code}?lang={lang}")
        tab.wait_for_load_state("networkidle")
        assert tab.evaluate("document.documentElement.lang") == lang
        assert not [url for url, _ in loaded if "/static/js/" in url or "_stcore" in url], loaded
        assert sum(size for _, size in loaded) < PAGE_BUDGET, loaded
        _accessible(tab, lang, "ballot")
        buttons = tab.locator("button.vote-more")
        buttons.nth(0).click()
        buttons.nth(0).click()  # over the cap of 1: the refusal on the page
        tab.get_by_role("alert").wait_for()
        _accessible(tab, lang, "refusal")
        shot(tab, f"phone-{lang}")
        with database.session_scope(db_url) as session:
            vote.close_vote(session=session, project_id=project.id, vote_id=opened.id)
        tab.reload()
        _accessible(tab, lang, "closed")
    finally:
        context.close()


def _accessible(tab, lang: str, where: str) -> None:
    tab.add_script_tag(path=str(AXE))
    result = tab.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
    )
    grave = [(v["id"], v["impact"], [n["html"][:80] for n in v["nodes"]]) for v in result["violations"]
             if v["impact"] in ("serious", "critical")]  # fmt: skip
    assert grave == [], (where, lang, grave)
    tab.set_viewport_size({"width": PHONE["width"] // 2, "height": PHONE["height"] // 2})  # as at 200 % zoom
    assert tab.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"), where
    tab.set_viewport_size(PHONE)
    tab.set_default_timeout(RUN_TIMEOUT_MS)
