"""Phones in a real browser: close notes while typing, the same participant after a reload, closed links.

The meeting is set up in the app's own database (the `db_url` fixture is the file `app_url` serves),
so these tests need no facilitator screen; the phones are their own browser contexts.
"""

import re

import pytest

from groups import join, service
from groups.models import ILLBEING
from surveys import service as surveys
from tests.browser.conftest import RUN_COUNTER_JS, RUN_TIMEOUT_MS, rerun
from tests.browser.test_step1_notes import settled
from workshop import database, projects

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


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


@pytest.fixture
def phone(browser):
    """A phone-sized browser context (its own cookies, its own Streamlit sessions)."""
    context = browser.new_context(viewport=PHONE, locale="fr-FR", is_mobile=True, has_touch=True)
    context.set_default_timeout(RUN_TIMEOUT_MS)
    context.add_init_script(RUN_COUNTER_JS)
    try:
        yield context.new_page()
    finally:
        context.close()


def open_link(tab, url: str) -> None:
    tab.goto(url)
    settled(tab)


def notes_of(db_url, project_id: int) -> list[str]:
    with database.session_scope(db_url) as session:
        return [c.shown_text for c in service.list_criteria(session=session, project_id=project_id)]


def test_close_notes_show_while_typing_before_any_send(db_url, meeting, app_url, phone, tr):
    from playwright.sync_api import expect

    project_id, _, code = meeting
    open_link(phone, f"{app_url}/?code={code}")
    field = phone.locator(".st-key-join_text input")
    field.click()
    phone.keyboard.type("un logement trop petit", delay=40)  # no Enter, no Send: a pause is enough
    similar = phone.get_by_test_id("similar")
    expect(similar).to_contain_text("Avoir un logement décent", timeout=30_000)
    expect(field).to_have_value("un logement trop petit")
    expect(field).to_be_focused()  # the live reruns neither steal the focus nor lose a character
    assert notes_of(db_url, project_id) == ["Avoir un logement décent"]


def test_a_phone_finds_its_notes_after_a_reload(db_url, meeting, app_url, phone, tr):
    from playwright.sync_api import expect

    project_id, _, code = meeting
    open_link(phone, f"{app_url}/?code={code}")
    label = tr("join.reference").split("{")[0]
    reference = phone.get_by_text(re.compile(label))
    expect(reference).to_have_count(1)
    shown = re.search(label + r"([A-Z0-9_-]{8})", reference.inner_text()).group(1)
    phone.locator(".st-key-join_text input").fill("<b>Un toit</b> pour chacun")
    rerun(phone, lambda: phone.get_by_role("button", name=tr("join.send")).click())
    expect(phone.get_by_test_id("note")).to_have_text(["<b>Un toit</b> pour chacun"])
    assert "spirale_participant" in {cookie["name"] for cookie in phone.context.cookies()}

    phone.reload()
    settled(phone)
    expect(phone.get_by_test_id("note")).to_have_text(["<b>Un toit</b> pour chacun"])  # still its own
    expect(reference).to_contain_text(label + shown)  # the same reference
    phone.get_by_role("button", name=tr("join.edit")).click()
    phone.get_by_test_id("stPopoverBody").locator("textarea").fill("Un toit pour chacun, vite")
    rerun(phone, lambda: phone.get_by_role("button", name=tr("join.save")).click())
    expect(phone.get_by_test_id("note")).to_contain_text("Un toit pour chacun, vite")
    assert sorted(notes_of(db_url, project_id)) == ["Avoir un logement décent", "Un toit pour chacun, vite"]

    other = phone.context.browser.new_context(viewport=PHONE)  # another phone: not its notes
    try:
        stranger = other.new_page()
        stranger.add_init_script(RUN_COUNTER_JS)
        open_link(stranger, f"{app_url}/?code={code}")
        expect(stranger.get_by_text(tr("join.none"))).to_be_visible()
    finally:
        other.close()


def test_a_join_link_stops_working_once_closed(db_url, meeting, app_url, phone, tr):
    from playwright.sync_api import expect

    project_id, group_id, code = meeting
    open_link(phone, f"{app_url}/?code={code}")
    phone.locator(".st-key-join_text input").fill("Une idée de trop")
    phone.wait_for_timeout(600)  # the live field's own run (300 ms debounce) starts, then settles
    settled(phone)
    with database.session_scope(db_url) as session:
        join.close_join(session=session, project_id=project_id, group_id=group_id)
    # Judged by what the phone shows, not by counting runs: a click that lands in a run already going
    # is folded into it and starts none the counter could see.
    phone.get_by_role("button", name=tr("join.send")).click()
    closed = tr("error.join_code_closed").format(code=code)
    expect(phone.get_by_text(closed)).to_be_visible(timeout=RUN_TIMEOUT_MS)
    expect(phone.get_by_role("button", name=tr("join.send"))).to_have_count(0)
    phone.reload()
    settled(phone)
    expect(phone.get_by_text(closed)).to_be_visible()
    expect(phone.get_by_role("button", name=tr("join.send"))).to_have_count(0)
    assert notes_of(db_url, project_id) == ["Avoir un logement décent"]


def test_a_survey_link_stops_working_once_its_wave_closes(db_url, app_url, phone, tr):
    from playwright.sync_api import expect

    from demo import load_demo

    with database.session_scope(db_url) as session:
        project = load_demo(session=session)
        wave = surveys.list_waves(session=session, project_id=project.id)[0]
        token = surveys.create_tokens(session=session, project_id=project.id, wave_id=wave.id, count=1)[0]
        before = surveys.respondent_count(session=session, project_id=project.id, wave_id=wave.id)
    open_link(phone, f"{app_url}/?survey={token}")
    phone.get_by_test_id("stRadio").get_by_text("Commerçants").click()
    rerun(phone, lambda: phone.get_by_role("button", name=tr("answer.next")).click())
    expect(phone.get_by_role("heading", name=tr("respondent.place"))).to_be_visible()
    with database.session_scope(db_url) as session:
        surveys.set_wave_status(session=session, project_id=project.id, wave_id=wave.id, status="closed")
    phone.get_by_role("textbox").fill("Centre-ville")
    rerun(phone, lambda: phone.get_by_role("button", name=tr("answer.next")).click())
    expect(phone.get_by_text(tr("answer.closed"))).to_be_visible()
    expect(phone.get_by_role("button", name=tr("answer.next"))).to_have_count(0)
    phone.reload()
    settled(phone)
    expect(phone.get_by_text(tr("answer.closed"))).to_be_visible()
    expect(phone.get_by_role("button", name=tr("answer.next"))).to_have_count(0)
    with database.session_scope(db_url) as session:
        assert surveys.respondent_count(session=session, project_id=project.id, wave_id=wave.id) == before
