"""The survey on phones (Chromium at 390×844) through the participants' routes: a person's link, the room's QR code.

The facilitator makes the links on the survey page; the demo project is otherwise set up in the app's own
database (`db_url` is the file `app_url` serves). Each phone is a browser context of its own (its own cookies).
Every response is read back from the database.
"""

import csv
import re

import pytest
from sqlmodel import select

from demo import load_demo
from surveys import service
from surveys.models import SurveyToken
from tests.browser.conftest import RUN_TIMEOUT_MS, rerun, wait_for_run
from tests.conftest import ROOT, skip_or_fail
from workshop import database

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
AXE = ROOT / "tests" / "browser" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
PAGE_BUDGET = 100_000  # bytes transferred for one page load, styles included
INDICATORS = 16  # in the demo, after its three profile questions


def demo_indicator_names() -> list[str]:
    with (ROOT / "data" / "demo" / "indicators.csv").open(encoding="utf-8", newline="") as source:
        return [row["name_fr"] for row in csv.DictReader(source)]


def new_phone(browser, **options):
    context = browser.new_context(viewport=PHONE, locale="fr-FR", is_mobile=True, has_touch=True, **options)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    return context


def demo_wave(db_url: str) -> tuple[int, int, str]:
    """The demo project loaded in the app's database: (project id, its newest wave, that wave's room code)."""
    with database.session_scope(db_url) as session:
        project = load_demo(session=session)
        wave = service.list_waves(session=session, project_id=project.id)[-1]
        code = service.room_code(session=session, project_id=project.id, wave_id=wave.id)
    return project.id, wave.id, code


def web_responses(db_url: str, project_id: int, wave_id: int) -> dict[str, dict]:
    """The responses sent from phones (code web-…): profile and levels by indicator id."""
    with database.read_scope(db_url) as session:
        answers = service.answers_frame(session=session, project_id=project_id, wave_id=wave_id)
    mine = answers[answers["code"].str.startswith("web-")]
    found: dict[str, dict] = {}
    for row in mine.to_dict("records"):
        entry = found.setdefault(row["code"], {"profile": row["profile"], "place": row["place"], "levels": {}})
        entry["levels"][row["indicator_id"]] = None if row["level"] != row["level"] else int(row["level"])
    return found


def room_phones(db_url: str, wave_id: int) -> list[str]:
    with database.read_scope(db_url) as session:
        query = select(SurveyToken.participant_token).where(SurveyToken.wave_id == wave_id)
        return sorted(token for token in session.exec(query) if token)


def answer_all(tab, tr, *, profile: str, place: str, level: int) -> None:
    """The whole questionnaire, one screen at a time, as a thumb would: profile, place, age band, each indicator."""
    from playwright.sync_api import expect

    following = tab.get_by_role("button", name=tr("answer.next"))
    tab.get_by_role("radio", name=profile).check()
    following.click()
    tab.get_by_label(tr("respondent.place")).fill(place)
    following.click()
    tab.get_by_role("radio", name="26-40").check()
    following.click()
    for number, name in enumerate(demo_indicator_names(), start=4):
        expect(tab.get_by_role("heading", name=name)).to_be_visible()
        expect(tab.locator("#progress")).to_have_text(tr("answer.progress").format(done=number, total=19))
        choice = tab.locator("input[name=reponse]").nth(level - 1)
        choice.check()
        following.click()
    expect(tab.get_by_role("heading", name=tr("answer.review_title"))).to_be_visible()


def test_a_phone_answers_its_link_and_the_dashboard_counts_it(page, db_url, browser, tr):
    from playwright.sync_api import expect

    rerun(page, lambda: page.get_by_role("button", name=tr("home.demo.load")).click(), timeout=120_000)
    expect(page.get_by_role("combobox", name=tr("project.current"))).to_have_value(re.compile("Valmont"))
    wait_for_run(page)  # the load ends with st.rerun(): let that second run finish before navigating
    rerun(page, lambda: page.get_by_role("link", name=tr("nav.dashboard")).click(), timeout=90_000)
    metric = page.get_by_test_id("stMetric").filter(has_text=tr("step3.respondents")).get_by_test_id("stMetricValue")
    expect(metric).to_have_text("208")  # the newest of the demo's two waves

    rerun(page, lambda: page.get_by_role("link", name=tr("nav.step3")).click())
    page.get_by_role("tab", name=tr("step3.links")).click()
    room = page.get_by_test_id("stCode").first.inner_text().strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/p/enquete/[A-Z0-9]{6}", room), room
    box = page.get_by_test_id("stImage").first.bounding_box()
    assert box and box["width"] >= 400  # the room's QR code, big enough for the back of the room
    rerun(page, lambda: page.get_by_role("button", name=tr("step3.links_create")).click())
    link = page.get_by_test_id("stCode").nth(1).inner_text().strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/p/q/[\w-]+", link), link

    context = new_phone(browser)
    try:
        tab = context.new_page()
        tab.goto(link)
        expect(tab.get_by_role("heading", name=tr("answer.title"))).to_be_visible()
        assert tab.locator("[data-testid=stApp]").count() == 0  # no Streamlit on a phone
        answer_all(tab, tr, profile="Commerçants", place="Centre-ville", level=4)
        expect(tab.get_by_text(tr("answer.review").format(answered=16, total=16))).to_be_visible()
        send = tab.get_by_role("button", name=tr("answer.send"))
        box = send.bounding_box()
        assert box and box["x"] + box["width"] <= PHONE["width"] and box["height"] >= 44  # a thumb's target
        send.click()
        expect(tab.get_by_text(tr("answer.thanks"))).to_be_visible()
        tab.reload()
        expect(tab.get_by_text(tr("answer.thanks"))).to_be_visible()
        expect(tab.get_by_role("button", name=tr("answer.send"))).to_have_count(0)
    finally:
        context.close()

    rerun(page, lambda: page.get_by_role("link", name=tr("nav.dashboard")).click())
    expect(metric).to_have_text("209")
    expect(page.get_by_test_id("stException")).to_have_count(0)
    with database.read_scope(db_url) as session:
        project_id = page_project(session)
        wave_id = service.list_waves(session=session, project_id=project_id)[-1].id
    (sent,) = web_responses(db_url, project_id, wave_id).values()
    assert sent["profile"] == "Commerçants" and sent["place"] == "Centre-ville"
    assert len(sent["levels"]) == INDICATORS and set(sent["levels"].values()) == {4}


def page_project(session) -> int:
    from workshop import projects

    (only,) = projects.list_projects(session=session)
    return only.id


def test_two_phones_answer_the_room_code_once_each(db_url, app_url, browser, tr):
    """One QR code on the projector: each phone its own response; the second phone without JavaScript."""
    from playwright.sync_api import expect

    project_id, wave_id, code = demo_wave(db_url)
    link = service.room_link(code, app_url)
    first, second = new_phone(browser), new_phone(browser, java_script_enabled=False)
    try:
        tabs = [first.new_page(), second.new_page()]
        for tab in tabs:
            tab.goto(link)
        answer_all(tabs[0], tr, profile="Commerçants", place="Gare", level=2)
        answer_all(tabs[1], tr, profile="Jeunes 16-25 ans", place="Nord", level=5)
        for tab in tabs:
            tab.get_by_role("button", name=tr("answer.send")).click()
            expect(tab.get_by_text(tr("answer.thanks"))).to_be_visible()
        tabs[0].goto(link)  # the same phone scans the code again: one response per phone
        expect(tabs[0].get_by_text(tr("answer.already"))).to_be_visible()
        expect(tabs[0].get_by_role("button", name=tr("answer.next"))).to_have_count(0)
        cookies = sorted(
            next(c["value"] for c in context.cookies() if c["name"] == "spirale_participant")
            for context in (first, second)
        )
    finally:
        first.close()
        second.close()
    sent = sorted(web_responses(db_url, project_id, wave_id).values(), key=lambda r: r["place"])
    assert [(r["profile"], r["place"]) for r in sent] == [("Commerçants", "Gare"), ("Jeunes 16-25 ans", "Nord")]
    assert [set(r["levels"].values()) for r in sent] == [{2}, {5}] and len(sent[0]["levels"]) == INDICATORS
    assert room_phones(db_url, wave_id) == cookies  # one response bound to each phone's cookie


def test_with_javascript_each_screen_is_one_request_and_back_works(db_url, app_url, browser, tr):
    """phone.js posts a screen and draws the next from the reply: no redirect, no second GET; the address bar
    and the phone's back button follow; the new question has the focus (a screen reader reads it next)."""
    from playwright.sync_api import expect

    _, _, code = demo_wave(db_url)
    link = service.room_link(code, app_url)
    phone = new_phone(browser)
    try:
        tab = phone.new_page()
        tab.goto(link)
        asked: list[tuple[str, str]] = []
        tab.on("request", lambda r: asked.append((r.method, r.url)) if "/p/enquete/" in r.url else None)
        statuses: list[int] = []
        tab.on("response", lambda r: statuses.append(r.status) if "/p/enquete/" in r.url else None)
        following = tab.get_by_role("button", name=tr("answer.next"))
        tab.get_by_role("radio", name="Commerçants").check()
        following.click()
        expect(tab.locator("h2.question")).to_be_focused()
        expect(tab.locator("h2.question")).to_have_text(tr("respondent.place"))
        tab.get_by_label(tr("respondent.place")).fill("Gare")
        following.click()
        expect(tab.locator("h2.question")).to_be_focused()
        expect(tab).to_have_url(re.compile(r"etape=2$"))
        assert [m for m, _ in asked] == ["POST", "POST"] and statuses == [200, 200]  # one request a screen
        tab.go_back()  # the phone's back button: the place screen again, what was typed still there
        expect(tab.get_by_label(tr("respondent.place"))).to_have_value("Gare")
        expect(tab).to_have_url(re.compile(r"etape=1$"))
        assert tab.evaluate("document.querySelectorAll('main').length") == 1
    finally:
        phone.close()


def test_a_closed_wave_is_refused_mid_questionnaire(db_url, app_url, browser, tr):
    from playwright.sync_api import expect

    project_id, wave_id, _ = demo_wave(db_url)
    with database.session_scope(db_url) as session:
        token = service.create_tokens(session=session, project_id=project_id, wave_id=wave_id, count=1)[0]
        before = service.respondent_count(session=session, project_id=project_id, wave_id=wave_id)
    context = new_phone(browser)
    try:
        tab = context.new_page()
        tab.goto(f"{app_url}/?survey={token}")  # a link mailed before the phone routes
        assert tab.url == f"{app_url}/p/q/{token}"
        tab.get_by_role("radio", name="Commerçants").check()
        tab.get_by_role("button", name=tr("answer.next")).click()
        expect(tab.get_by_label(tr("respondent.place"))).to_be_visible()
        with database.session_scope(db_url) as session:
            service.set_wave_status(session=session, project_id=project_id, wave_id=wave_id, status="closed")
        tab.get_by_label(tr("respondent.place")).fill("Centre-ville")
        tab.get_by_role("button", name=tr("answer.next")).click()
        expect(tab.get_by_text(tr("answer.closed"))).to_be_visible()
        expect(tab.get_by_role("button")).to_have_count(0)  # nothing left to fill in or send
        tab.reload()
        expect(tab.get_by_text(tr("answer.closed"))).to_be_visible()
        tab.goto(service.room_link(demo_wave_code(db_url, project_id, wave_id), app_url))
        expect(tab.get_by_text(tr("answer.closed"))).to_be_visible()  # the room's code closed with its wave
    finally:
        context.close()
    with database.read_scope(db_url) as session:
        assert service.respondent_count(session=session, project_id=project_id, wave_id=wave_id) == before
        assert service.token_state(session=session, token=token).draft["profile"] == {"profile": "Commerçants"}


def demo_wave_code(db_url: str, project_id: int, wave_id: int) -> str:
    with database.read_scope(db_url) as session:
        return next(w.room_code for w in service.list_waves(session=session, project_id=project_id) if w.id == wave_id)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_survey_screens_are_light_and_accessible(db_url, app_url, browser, lang):
    """WCAG 2.2 AA by axe-core (no serious or critical violation) on a choice, a text field, the review and the
    thanks; 200 % zoom without sideways scrolling; the page's language declared; under 100 KB a load."""
    if not AXE.exists():
        skip_or_fail(f"axe-core not installed ({AXE}: npm ci --prefix tests/browser/axe)", "SPIRALE_REQUIRE_BROWSER")
    project_id, wave_id, code = demo_wave(db_url)
    with database.session_scope(db_url) as session:
        token = service.create_tokens(session=session, project_id=project_id, wave_id=wave_id, count=1)[0]
        service.save_draft(session=session, token=token, draft={"step": 3, "levels": {}, "profile": {"place": "<b>"}})
        answered = service.create_tokens(session=session, project_id=project_id, wave_id=wave_id, count=1)[0]
        service.submit_token(session=session, token=answered, levels={}, profile={})
    context = new_phone(browser, bypass_csp=True)  # axe is injected as a script of the test's own
    try:
        paths = [f"/p/q/{token}?etape=0", f"/p/q/{token}?etape=1", f"/p/q/{token}?etape=3",
                 f"/p/q/{token}?etape=19", f"/p/q/{answered}", f"/p/enquete/{code}", "/p/q/nope"]  # fmt: skip
        for path in paths:
            tab = context.new_page()
            loaded: list[tuple[str, int]] = []
            tab.on("requestfinished", lambda request, loaded=loaded: loaded.append((request.url, _size(request))))
            tab.goto(f"{app_url}{path}{'&' if '?' in path else '?'}lang={lang}")
            tab.wait_for_load_state("networkidle")
            assert tab.evaluate("document.documentElement.lang") == lang
            assert sum(size for _, size in loaded) < PAGE_BUDGET, (path, loaded)
            tab.add_script_tag(path=str(AXE))
            result = tab.evaluate(
                "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
                "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
            )
            grave = [(v["id"], v["impact"], [n["html"][:80] for n in v["nodes"]]) for v in result["violations"]
                     if v["impact"] in ("serious", "critical")]  # fmt: skip
            assert grave == [], (path, lang, grave)
            tab.set_viewport_size({"width": PHONE["width"] // 2, "height": PHONE["height"] // 2})  # as at 200 % zoom
            wide = tab.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1")
            assert not wide, path
            tab.close()
    finally:
        context.close()


def _size(request) -> int:
    sizes = request.sizes()
    return sizes["responseBodySize"] + sizes["responseHeadersSize"]
