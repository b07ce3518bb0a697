"""Logins in a real browser: log in, change page, reload (still logged in), log out (the login form after a reload),
and a fresh browser typing a facilitator page's address gets the login form, never the page."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import ADMIN_NAME, ADMIN_PASSWORD, CHROMIUM, CHROMIUM_ARGS, open_page, rerun, wait_for_run

pytestmark = pytest.mark.browser


@pytest.fixture
def own_browser(browser: Any) -> Iterator[Any]:
    """A Chromium of these tests' own: the shared one, after these logins, logouts and reloads, has been seen to
    send a later test's first navigation click to the wrong page."""
    chromium = browser.browser_type.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture
def logged_out_page(own_browser: Any, app_url: str) -> Iterator[Any]:
    with open_page(own_browser, app_url, logged_in=False) as tab:
        yield tab


def log_in(tab, tr, password: str = ADMIN_PASSWORD) -> None:
    from playwright.sync_api import expect

    expect(tab.get_by_role("heading", name=tr("access.login.title"))).to_be_visible()
    tab.get_by_label(tr("access.username"), exact=True).fill(ADMIN_NAME)
    tab.get_by_label(tr("access.password"), exact=True).fill(password)
    rerun(tab, lambda: tab.get_by_role("button", name=tr("access.login.submit")).click())


def reload(tab) -> None:
    tab.reload()
    wait_for_run(tab)


def test_login_survives_page_changes_and_reloads_and_logout_sticks(logged_out_page, tr):
    from playwright.sync_api import expect

    tab = logged_out_page
    expect(tab.get_by_test_id("stSidebarNav")).to_have_count(0)  # nothing to navigate before logging in
    log_in(tab, tr, password="pas le bon mot de passe")
    expect(tab.get_by_text(tr("error.login_failed"))).to_be_visible()
    log_in(tab, tr)
    expect(tab.get_by_role("heading", name=tr("home.title"))).to_be_visible()
    navigation = tab.get_by_test_id("stSidebarNav")
    rerun(tab, lambda: navigation.get_by_role("link", name=tr("nav.synthesis")).click())
    expect(tab.get_by_text(tr("project.choose_first"))).to_be_visible()
    assert tab.url.endswith("/synthese")

    reload(tab)  # a new Streamlit session: the login comes back from the cookie
    expect(tab.get_by_text(tr("project.choose_first"))).to_be_visible()
    expect(tab.get_by_role("heading", name=tr("access.login.title"))).to_have_count(0)
    expect(navigation.get_by_role("link", name=tr("nav.accounts"))).to_be_visible()

    sidebar = tab.get_by_test_id("stSidebar")
    rerun(tab, lambda: sidebar.get_by_role("button", name=tr("access.logout")).click())
    expect(tab.get_by_role("heading", name=tr("access.login.title"))).to_be_visible()
    reload(tab)
    expect(tab.get_by_role("heading", name=tr("access.login.title"))).to_be_visible()
    expect(tab.get_by_text(tr("project.choose_first"))).to_have_count(0)
    expect(tab.get_by_test_id("stSidebarNav")).to_have_count(0)
    cookies = {c["name"]: c["value"] for c in tab.context.cookies()}
    assert not cookies.get("spirale_session")  # the browser dropped it


def test_a_fresh_browser_typing_a_facilitator_address_gets_the_login_form(own_browser, app_url, tr):
    from playwright.sync_api import expect

    # Streamlit's very first session of a new server resolves a typed address against the pages/ folder's file
    # names before the app's navigation, and says "Page not found" whatever the app does: serve one session first.
    with open_page(own_browser, app_url, logged_in=False):
        pass
    for address in ("groupes", "comptes", "projet"):
        with open_page(own_browser, f"{app_url}/{address}", logged_in=False) as tab:
            expect(tab.get_by_role("heading", name=tr("access.login.title"))).to_be_visible()
            expect(tab.get_by_role("heading", name=tr("step1.title"))).to_have_count(0)
            expect(tab.get_by_role("heading", name=tr("accounts.title"))).to_have_count(0)
            expect(tab.get_by_test_id("stSidebarNav")).to_have_count(0)
            expect(tab.get_by_text("Page not found")).to_have_count(0)
            if address == "comptes":  # once logged in, the address asked for opens
                log_in(tab, tr)
                expect(tab.get_by_role("heading", name=tr("accounts.title"))).to_be_visible()


def test_a_page_file_name_typed_as_the_address_gets_the_router_not_the_page_alone(browser, app_url, tr):
    """/data_safety is the file pages/data_safety.py: on a freshly started server, the first browser typing it must
    get the router (its menu in French, its rights checked), not Streamlit running that file by itself."""
    from playwright.sync_api import expect

    from tests.browser.conftest import _LOGINS, RUN_COUNTER_JS, SESSION_COOKIE

    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.add_init_script(RUN_COUNTER_JS)
    context.add_cookies([{"name": SESSION_COOKIE, "value": _LOGINS[app_url], "url": app_url}])  # an administrator
    try:
        tab = context.new_page()
        tab.goto(f"{app_url}/data_safety")  # the server's very first session
        wait_for_run(tab)
        sidebar = tab.get_by_test_id("stSidebar")
        expect(sidebar.get_by_role("link", name=tr("nav.data_safety"))).to_be_visible()  # the router's menu
        for raw in ("data safety", "router", "present"):  # Streamlit's own menu of the pages/ folder's files
            expect(sidebar.get_by_role("link", name=raw, exact=True)).to_have_count(0)
        expect(tab.get_by_role("heading", name=tr("safety.title"))).to_have_count(0)
        expect(tab.get_by_test_id("stException")).to_have_count(0)
        tab.goto(f"{app_url}/present")
        wait_for_run(tab)
        expect(tab.get_by_test_id("stSidebar").get_by_role("link", name="present", exact=True)).to_have_count(0)
        expect(tab.get_by_role("heading", name=tr("present.title"))).to_have_count(0)
    finally:
        context.close()
