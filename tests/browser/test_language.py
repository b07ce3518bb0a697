"""The sidebar's language control switches the whole interface, navigation included."""

import pytest

from tests.browser.conftest import open_page, rerun

pytestmark = pytest.mark.browser


def switch_to_english(page, tr) -> None:
    from playwright.sync_api import expect

    navigation = page.get_by_test_id("stSidebarNav")
    expect(navigation.get_by_role("link", name=tr("nav.step1"))).to_be_visible()
    picker = page.get_by_test_id("stSidebar").get_by_role("radiogroup", name="Langue / Language")
    expect(picker.get_by_role("radio", name="Français")).to_be_checked()
    rerun(page, lambda: picker.get_by_role("radio", name="English").click())
    expect(picker.get_by_role("radio", name="English")).to_be_checked()
    expect(navigation.get_by_role("link", name=tr("nav.step1", "en"))).to_be_visible()
    expect(navigation.get_by_role("link", name=tr("nav.step1"))).to_have_count(0)
    expect(page.get_by_role("heading", name=tr("home.title", "en"))).to_be_visible()

    rerun(page, lambda: navigation.get_by_role("link", name=tr("nav.step1", "en")).click())
    expect(page.get_by_text(tr("project.choose_first", "en"))).to_be_visible()  # still English on another page


def test_switch_to_english(browser, app_url, tr):
    """A facilitator's session once the server has served a first session."""
    with open_page(browser, app_url):
        pass
    with open_page(browser, app_url) as page:
        switch_to_english(page, tr)


def test_switch_to_english_in_first_session(page, tr):
    """The very first session of a new server (its first run has no page yet when the sidebar is drawn)."""
    switch_to_english(page, tr)
