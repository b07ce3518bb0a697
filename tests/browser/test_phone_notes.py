"""Phones on the participants' light routes, in a real browser (Chromium at 390×844): what a citizen sees.

The meeting is set up in the app's own database (`db_url` is the file `app_url` serves); each phone is a
browser context of its own (its own cookies). No Streamlit on these pages: plain HTML, a small script.
"""

import re

import pytest

from groups import join, service
from groups.models import ILLBEING, WELLBEING
from tests.browser.conftest import RUN_TIMEOUT_MS
from tests.conftest import ROOT, skip_or_fail
from workshop import database, projects

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
AXE = ROOT / "tests" / "browser" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
FIRST_NOTE = "Avoir un logement décent"
PAGE_BUDGET = 100_000  # bytes transferred for one page load, styles and script included


@pytest.fixture
def meeting(db_url):
    """A project, a group with one note on the wall, its join code open: (project_id, group_id, code)."""
    with database.session_scope(db_url) as session:
        project = projects.create_project(session=session, name="Quartier des Tilleuls")
        group = service.create_group(session=session, project_id=project.id, profile="Parents seuls")
        service.add_criterion(
            session=session,
            project_id=project.id,
            group_id=group.id,
            question=ILLBEING,
            text="Avoir un logement décent",
        )
        code = join.open_join(session=session, project_id=project.id, group_id=group.id).join_code
    return project.id, group.id, code


def new_phone(browser, **options):
    context = browser.new_context(viewport=PHONE, locale="fr-FR", is_mobile=True, has_touch=True, **options)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    return context


@pytest.fixture
def phone(browser):
    context = new_phone(browser)
    try:
        yield context.new_page()
    finally:
        context.close()


def stored(db_url, project_id: int) -> list[tuple[str, str, str | None]]:
    """(question, shown text, participant token) of every live note, oldest first."""
    with database.session_scope(db_url) as session:
        notes = service.list_criteria(session=session, project_id=project_id)
    return [(c.question, c.shown_text, c.participant_token) for c in notes]


def test_a_phone_sees_already_said_sends_edits_and_keeps_its_notes(db_url, meeting, app_url, phone, tr, browser):
    from playwright.sync_api import expect

    project_id, _, code = meeting
    phone.goto(f"{app_url}/p/rejoindre?code={code[:3].lower()} {code[3:].lower()}")  # typed as people type
    assert phone.url.endswith(f"/p/{code}")
    expect(phone.get_by_text(tr("join.welcome").format(group="Parents seuls"))).to_be_visible()
    field = phone.get_by_label(tr("join.write"))
    field.click()
    phone.keyboard.type("un logement trop petit", delay=30)
    expect(phone.locator("#similar")).to_contain_text("Avoir un logement décent")  # before anything is sent
    phone.get_by_role("radio", name=re.compile("^" + tr("question.illbeing.short"))).check()
    phone.get_by_label(tr("step1.author")).fill("Léa")
    phone.get_by_role("button", name=tr("join.send")).click()
    expect(phone.locator("#outcome")).to_have_text(tr("join.sent"))
    expect(field).to_have_value("")  # emptied once stored, ready for the next idea
    expect(phone.locator("#mine .note-text")).to_have_text(["un logement trop petit"])
    notes = stored(db_url, project_id)
    assert [(q, text) for q, text, _ in notes] == [
        (ILLBEING, "Avoir un logement décent"),
        (ILLBEING, "un logement trop petit"),
    ]
    token = notes[1][2]
    cookie = next(c for c in phone.context.cookies() if c["name"] == "spirale_participant")
    assert cookie["value"] == token and cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    reference = phone.get_by_text(re.compile(tr("join.reference").split("{")[0])).inner_text()

    phone.reload()
    expect(phone.locator("#mine .note-text")).to_have_text(["un logement trop petit"])  # still its own
    expect(phone.get_by_text(reference.splitlines()[0])).to_be_visible()  # the same reference
    phone.get_by_text(tr("join.edit"), exact=True).click()
    phone.locator("#mine textarea").fill("Un logement trop petit pour quatre")
    phone.get_by_role("button", name=tr("join.save")).click()
    expect(phone.locator("#mine .note-text")).to_have_text(["Un logement trop petit pour quatre"])
    assert stored(db_url, project_id)[1][1] == "Un logement trop petit pour quatre"

    other = new_phone(browser)  # another phone: not its notes, and nothing of Léa's to edit
    try:
        stranger = other.new_page()
        stranger.goto(f"{app_url}/p/{code}")
        expect(stranger.get_by_text(tr("join.none"))).to_be_visible()
        expect(stranger.locator("#mine .note")).to_have_count(0)
    finally:
        other.close()

    phone.get_by_role("button", name=tr("join.withdraw")).click()
    expect(phone.get_by_text(tr("join.none"))).to_be_visible()
    assert [text for _, text, _ in stored(db_url, project_id)] == ["Avoir un logement décent"]


def test_sending_works_with_javascript_off(db_url, meeting, app_url, browser, tr):
    from playwright.sync_api import expect

    project_id, _, code = meeting
    context = new_phone(browser, java_script_enabled=False)
    try:
        tab = context.new_page()
        tab.goto(f"{app_url}/p/{code}")
        tab.get_by_label(tr("join.write")).fill("Des bancs à l'ombre")
        tab.get_by_role("radio", name=re.compile("^" + tr("question.wellbeing.short"))).check()
        tab.get_by_role("button", name=tr("join.send")).click()
        expect(tab.get_by_text(tr("join.sent"))).to_be_visible()
        expect(tab.locator("#mine .note-text")).to_have_text(["Des bancs à l'ombre"])
        tab.reload()  # the send was a POST answered by a redirect: a reload sends nothing again
        assert [(q, t) for q, t, _ in stored(db_url, project_id)][-1] == (WELLBEING, "Des bancs à l'ombre")
        assert len(stored(db_url, project_id)) == 2
    finally:
        context.close()


def test_a_closed_code_refuses_the_send_and_keeps_the_text(db_url, meeting, app_url, phone, tr):
    from playwright.sync_api import expect

    project_id, group_id, code = meeting
    phone.goto(f"{app_url}/p/{code}")
    field = phone.get_by_label(tr("join.write"))
    field.fill("Une idée de trop")
    with database.session_scope(db_url) as session:
        join.close_join(session=session, project_id=project_id, group_id=group_id)
    phone.get_by_role("button", name=tr("join.send")).click()
    closed = tr("error.join_code_closed").format(code=code)
    expect(phone.locator("#outcome")).to_have_text(closed)
    expect(field).to_have_value("Une idée de trop")  # nothing typed is lost
    phone.reload()
    expect(phone.get_by_text(closed)).to_be_visible()
    expect(phone.get_by_role("button", name=tr("join.send"))).to_have_count(0)
    assert [text for _, text, _ in stored(db_url, project_id)] == ["Avoir un logement décent"]


def test_a_long_paste_is_kept_and_refused_with_the_limit(db_url, meeting, app_url, phone, tr):
    from playwright.sync_api import expect

    project_id, _, code = meeting
    phone.goto(f"{app_url}/p/{code}")
    long_text = ("Des logements accessibles aux personnes en fauteuil, " * 6).strip()  # over 280 characters
    field = phone.get_by_label(tr("join.write"))
    field.fill(long_text)
    expect(field).to_have_value(long_text)  # kept whole: no maxlength cuts a paste silently
    expect(phone.get_by_text(tr("step1.note_full").format(maximum=280))).to_be_visible()
    phone.get_by_role("button", name=tr("join.send")).click()
    expect(phone.locator("#outcome")).to_have_text(tr("error.text_too_long").format(length=len(long_text), limit=280))
    expect(field).to_have_value(long_text)
    assert len(stored(db_url, project_id)) == 1


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_phone_pages_are_light_and_accessible(db_url, meeting, app_url, browser, tr, lang):
    """WCAG 2.2 AA by axe-core (no serious or critical violation), 200 % zoom without sideways scrolling,
    the page's language declared, under 100 KB per load and nothing of Streamlit's bundle."""
    if not AXE.exists():
        skip_or_fail(f"axe-core not installed ({AXE}: npm ci --prefix tests/browser/axe)", "SPIRALE_REQUIRE_BROWSER")
    _, _, code = meeting
    context = new_phone(browser, bypass_csp=True)  # axe is injected as a script of the test's own
    try:
        for path in ("/p", f"/p/{code}", "/p/rejoindre?code=ZZZZZZ"):
            tab = context.new_page()
            loaded: list[tuple[str, int]] = []
            tab.on("requestfinished", lambda request, loaded=loaded: loaded.append((request.url, _size(request))))
            tab.goto(f"{app_url}{path}{'&' if '?' in path else '?'}lang={lang}")
            tab.wait_for_load_state("networkidle")
            assert tab.evaluate("document.documentElement.lang") == lang
            assert not [url for url, _ in loaded if "/static/js/" in url or "_stcore" in url], loaded
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
            assert tab.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")
            tab.close()
    finally:
        context.close()


def _size(request) -> int:
    sizes = request.sizes()
    return sizes["responseBodySize"] + sizes["responseHeadersSize"]
