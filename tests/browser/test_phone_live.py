"""A phone in a real browser: a survey link once its wave closes (the notes' phone pages: test_phone_notes.py).

The meeting is set up in the app's own database (the `db_url` fixture is the file `app_url` serves),
so these tests need no facilitator screen; the phones are their own browser contexts.
"""

import pytest

from surveys import service as surveys
from tests.browser.conftest import RUN_COUNTER_JS, RUN_TIMEOUT_MS, rerun
from tests.browser.test_step1_notes import settled
from workshop import database

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


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
