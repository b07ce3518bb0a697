"""AppTest of logins: login, wrong password, lockout, logout, the first administrator, roles and refusals."""

import pytest
from streamlit.testing.v1 import AppTest

from groups import join
from groups import service as groups_service
from tests.pages.conftest import APP, PASSWORD, by_label, login, raw_keys, stranger
from ui.access import TOKEN_KEY
from ui.shell import md_escape
from workshop import access, database, i18n, projects
from workshop.access_models import ANALYST, FACILITATOR, LEAD


def fr(key: str, **params) -> str:
    return i18n.translate(key, "fr", **params)


def button(app: AppTest, key: str, lang: str = "fr"):
    return by_label(app.button, i18n.translate(key, lang))


def registered(app: AppTest) -> dict[str, str | None]:
    """The navigation the app gave this session: address -> page file ("": a stand-in, not the page's file).

    The default page is at the root address "".
    """
    return {info["url_pathname"]: info.get("script_path") or "" for info in app._registered_pages.values()}


def open_address(app: AppTest, url_path: str) -> AppTest:
    """What typing /<url_path> in the browser does: the session asks for the page registered at that address."""
    (page_hash,) = [h for h, info in app._registered_pages.items() if info["url_pathname"] == url_path]
    app._page_hash = page_hash
    return app.run()


def log_in(app: AppTest, username: str, password: str, lang: str = "fr") -> AppTest:
    by_label(app.text_input, i18n.translate("access.username", lang)).set_value(username)
    by_label(app.text_input, i18n.translate("access.password", lang)).set_value(password)
    button(app, "access.login.submit", lang).click().run()
    assert not app.exception
    return app


@pytest.fixture
def quarter(db_url) -> int:
    with database.session_scope(db_url) as session:
        return projects.create_project(session=session, name="Quartier des Tilleuls").id


def test_login_then_logout(db_url):
    app = stranger().run()
    assert app.title[0].value == fr("access.login.title")
    assert set(registered(app)) >= {"", "groupes", "projet", "comptes"}
    assert [path for path in registered(app).values() if path] == [str(APP.parent / "pages" / "login.py")]
    log_in(app, "Admin", PASSWORD)  # the fixture's administrator; usernames ignore case
    assert not app.error
    assert app.title[0].value == fr("home.title")
    assert fr("access.signed_in", name="admin") in [c.value for c in app.sidebar.text]
    token = app.session_state[TOKEN_KEY]
    with database.session_scope(db_url) as session:
        assert access.account_for_token(session=session, token=token).username == "admin"
    button(app, "access.logout").click().run()
    app.run()
    assert app.title[0].value == fr("access.login.title")
    assert TOKEN_KEY not in app.session_state
    with database.session_scope(db_url) as session:
        assert access.account_for_token(session=session, token=token) is None  # revoked, cookie or not


def test_a_login_lasts_across_page_changes(app):
    app.switch_page("pages/synthesis.py").run()
    app.switch_page("pages/home.py").run()
    assert app.title[0].value == fr("home.title")
    assert [b for b in app.sidebar.button if b.label == fr("access.logout")]


def test_wrong_password_and_lockout_messages(db_url):
    app = stranger().run()
    log_in(app, "admin", "pas le bon mot de passe")
    assert app.error[0].value == fr("error.login_failed")
    log_in(app, "quelqu'un <b>d'autre</b>", PASSWORD)
    assert app.error[0].value == fr("error.login_failed")  # the same message: no hint that the name is unknown
    for _ in range(4):
        log_in(app, "admin", "toujours pas le bon")
    assert app.error[0].value == fr("error.login_locked", seconds=30)
    log_in(app, "admin", PASSWORD)  # even the right password waits
    assert app.error[0].value in {fr("error.login_locked", seconds=s) for s in range(1, 31)}
    assert app.title[0].value == fr("access.login.title")


def test_hostile_and_huge_input_on_the_login_form(db_url):
    app = stranger().run()
    for username, password in (("", ""), ("   ", PASSWORD), ("**x** <script>", "y" * 1024), ("z" * 64, PASSWORD)):
        log_in(app, username, password)
        assert app.error[0].value == fr("error.login_failed")
        assert raw_keys(app) == []


def test_first_administrator_form_only_on_an_empty_instance(empty_instance):
    app = stranger().run()
    assert app.title[0].value == fr("access.first.title")
    fields = app.text_input
    fields[0].set_value("<b>chef</b>")
    fields[2].set_value(PASSWORD)
    fields[3].set_value(PASSWORD)
    button(app, "access.first.create").click().run()
    assert app.error[0].value == fr("error.username_invalid", limit=64)
    app.text_input[0].set_value("claire")
    app.text_input[1].set_value("Claire *Durand*")
    app.text_input[2].set_value(PASSWORD)
    app.text_input[3].set_value("un autre mot de passe")
    button(app, "access.first.create").click().run()
    assert app.error[0].value == fr("error.password_mismatch")
    app.text_input[2].set_value(PASSWORD)
    app.text_input[3].set_value(PASSWORD)
    button(app, "access.first.create").click().run()
    assert not app.exception and not app.error
    assert app.title[0].value == fr("home.title")  # logged in at once
    assert fr("access.signed_in", name="Claire *Durand*") in [c.value for c in app.sidebar.text]
    with database.session_scope(empty_instance) as session:
        (claire,) = access.list_accounts(session=session)
        assert claire.is_admin
    later = stranger().run()  # anyone else now gets the login form, never a second first administrator
    assert later.title[0].value == fr("access.login.title")


def test_a_lead_sees_the_dashboard_but_not_the_groups_page(app_as, quarter):
    lead = app_as(LEAD, quarter)
    pages = registered(lead)
    assert pages["tableau-de-bord"] and pages["synthese"] and pages["rapport"]
    assert not pages["groupes"] and not pages["projet"] and not pages["comptes"]  # stand-ins, not the pages
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        lead.switch_page("pages/groups.py")
    lead.switch_page("pages/dashboard.py").run()
    assert lead.title[0].value == fr("dashboard.title")
    open_address(lead, "groupes")  # typing the address
    assert lead.error[0].value == fr("access.denied")
    assert not [t for t in lead.title if t.value == fr("step1.title")]
    lead.switch_page("pages/home.py").run()
    assert not [b for b in lead.button if b.label == fr("home.demo.load")]  # creating projects: administrators
    assert not [b for b in lead.button if b.label == fr("project.create")]


def test_a_page_run_without_the_router_still_refuses(db_url, quarter):
    page = AppTest.from_file(str(APP.parent / "pages" / "groups.py"), default_timeout=60)
    page.session_state[TOKEN_KEY] = login(db_url, "lea", role=LEAD, project_id=quarter)
    page.session_state["project_id"] = quarter
    page.run()
    assert page.error[0].value == fr("access.denied")
    assert not page.title


def test_a_lead_only_sees_projects_with_a_role(app_as, db_url, quarter):
    with database.session_scope(db_url) as session:
        projects.create_project(session=session, name="Autre quartier")
    lead = app_as(LEAD, quarter)
    picker = by_label(lead.sidebar.selectbox, fr("project.current"))
    assert picker.options == ["Quartier des Tilleuls"]


def test_an_analyst_exports_survey_data_but_does_not_import(app_as, db_url):
    import demo

    with database.session_scope(db_url) as session:
        project = demo.load_demo(session=session)
    analyst = app_as(ANALYST, project.id)
    analyst.switch_page("pages/survey_data.py").run()
    assert not analyst.exception
    assert analyst.title[0].value == fr("data.title")
    button(analyst, "data.prepare").click().run()
    assert analyst.get("download_button")
    assert fr("access.import_edit_only") in [i.value for i in analyst.info]
    assert not analyst.file_uploader
    with pytest.raises(ValueError):
        analyst.switch_page("pages/survey.py")  # entering answers: facilitators
    facilitator = app_as(FACILITATOR, project.id)
    facilitator.switch_page("pages/survey_data.py").run()
    assert facilitator.file_uploader


def test_a_logged_out_visitor_asking_for_a_facilitator_page_gets_the_login_form(db_url):
    app = stranger().run()
    with pytest.raises(ValueError):
        app.switch_page("pages/groups.py")
    for address in ("groupes", "projet", "comptes", "donnees"):
        open_address(app, address)
        assert app.title[0].value == fr("access.login.title")
        assert not app.error
    log_in(app, "admin", PASSWORD)
    app.run()
    assert app.info[0].value == fr("project.choose_first")  # back on the address asked (/donnees), no project yet
    assert registered(app)["donnees"]


def test_the_streamlit_router_has_no_participant_page(db_url, quarter):
    """Phones are served by the light routes (the server sends /?code=… there before Streamlit sees it:
    tests/participants/); a participant link that reaches the router anyway opens nothing but the login form."""
    with database.session_scope(db_url) as session:
        group = groups_service.create_group(session=session, project_id=quarter, profile="Parents seuls")
        code = join.open_join(session=session, project_id=quarter, group_id=group.id).join_code
    phone = stranger()
    phone.query_params["code"] = code
    phone.run()
    assert not phone.exception
    assert phone.title[0].value == fr("access.login.title")
    assert TOKEN_KEY not in phone.session_state
    with pytest.raises(ValueError):
        phone.switch_page("pages/groups.py")


def test_accounts_page_creates_an_account_and_gives_it_a_role(app, db_url, quarter):
    app.run()
    app.switch_page("pages/accounts.py").run()
    assert not app.exception
    assert app.title[0].value == fr("accounts.title")
    by_label(app.text_input, fr("access.username")).set_value("lea")
    by_label(app.text_input, fr("access.display_name")).set_value("Léa <b>M.</b>")
    by_label(app.text_input, fr("access.password")).set_value("court")
    by_label(app.text_input, fr("access.password_again")).set_value("court")
    button(app, "accounts.create_submit").click().run()
    assert app.error[0].value == fr("error.password_too_short", minimum=10)
    by_label(app.text_input, fr("access.password")).set_value(PASSWORD)
    by_label(app.text_input, fr("access.password_again")).set_value(PASSWORD)
    button(app, "accounts.create_submit").click().run()
    assert app.success[0].value == fr("accounts.created", username="lea")
    with database.session_scope(db_url) as session:
        lea = next(a for a in access.list_accounts(session=session) if a.username == "lea")
    app.selectbox(key="role_account").set_value(lea.id)
    app.selectbox(key="role_role").set_value(LEAD)
    button(app, "accounts.roles.set").click().run()
    assert not app.error
    table = app.dataframe[1].value
    assert "Léa <b>M.</b>" in table.iloc[:, 0].tolist()  # shown literally, in a table
    with database.session_scope(db_url) as session:
        roles = access.project_roles(session=session, project_id=quarter)
    assert {(r.username, r.role) for r in roles} >= {("lea", LEAD)}
    app.run()
    app.selectbox(key="unrole_account").set_value(lea.id)
    button(app, "accounts.roles.remove").click().run()
    assert not app.error
    with database.session_scope(db_url) as session:
        assert "lea" not in {r.username for r in access.project_roles(session=session, project_id=quarter)}
        assert "lea" in {a.username for a in access.list_accounts(session=session)}  # the account stays


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_login_and_accounts_pages_speak_both_languages(db_url, lang):
    app = stranger().run()
    app.sidebar.button_group[0].set_value(lang).run()
    assert app.title[0].value == i18n.translate("access.login.title", lang)
    assert raw_keys(app) == []
    log_in(app, "admin", PASSWORD, lang)
    app.switch_page("pages/accounts.py").run()
    assert app.title[0].value == i18n.translate("accounts.title", lang)
    assert raw_keys(app) == []


def test_change_my_password_on_the_home_page(app, db_url):
    by_label(app.text_input, fr("access.change.current")).set_value("pas le bon")
    by_label(app.text_input, fr("access.change.new")).set_value("un nouveau mot de passe")
    by_label(app.text_input, fr("access.password_again")).set_value("un nouveau mot de passe")
    button(app, "access.change.submit").click().run()
    assert app.error[0].value == fr("error.password_wrong")
    by_label(app.text_input, fr("access.change.current")).set_value(PASSWORD)
    by_label(app.text_input, fr("access.change.new")).set_value("un nouveau mot de passe")
    by_label(app.text_input, fr("access.password_again")).set_value("un nouveau mot de passe")
    button(app, "access.change.submit").click().run()
    assert app.success[0].value == fr("access.change.done")
    with database.session_scope(db_url) as session:
        assert access.authenticate(session=session, username="admin", password="un nouveau mot de passe")[0].is_admin


def test_an_administrator_resets_a_password_and_archives_an_account(app, db_url, quarter):
    lea_token = login(db_url, "lea", role=LEAD, project_id=quarter)
    app.switch_page("pages/accounts.py").run()
    with database.session_scope(db_url) as session:
        lea = next(a for a in access.list_accounts(session=session) if a.username == "lea")
    app.selectbox(key="reset_account").set_value(lea.id)
    by_label(app.text_input, fr("access.change.new")).set_value("remis à neuf !")
    button(app, "accounts.reset.submit").click().run()
    assert app.success[0].value == fr("accounts.reset.done", name=md_escape("lea (lea)"))
    with database.session_scope(db_url) as session:
        assert access.account_for_token(session=session, token=lea_token) is None  # her open login closed
    app.selectbox(key="archive_account").set_value(lea.id)
    button(app, "accounts.archive.submit").click().run()
    assert app.error[0].value == fr("error.confirm_needed")
    by_label(app.checkbox, fr("accounts.archive.sure")).check()
    button(app, "accounts.archive.submit").click().run()
    assert not app.error
    with database.session_scope(db_url) as session:
        assert "lea" not in {a.username for a in access.list_accounts(session=session)}
    assert app.selectbox(key="archive_account").options == []  # nobody else to archive: not oneself
