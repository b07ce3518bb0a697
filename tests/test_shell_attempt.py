"""shell.attempt, the one way a page writes: committed before the rerun, a refusal shown in the user's language
and nothing written, a read that may be refused, a call without the database, a message kept for the next run."""

from streamlit.testing.v1 import AppTest

from workshop import database, i18n, projects


def _screen() -> None:
    import streamlit as st

    from ui import shell
    from workshop import projects, settings

    shell.show_flash()
    if st.button("save", key="save"):
        shell.attempt(projects.create_project, name="Quartier Nord", flash="saved", rerun=True)
    if st.button("refuse", key="refuse"):
        shell.attempt(projects.create_project, name="   ", rerun=True)
    if st.button("read", key="read"):
        ok, found = shell.attempt(projects.list_projects, opens=shell.read_session)
        st.text(f"{ok}:{[p.name for p in found]}")
    if st.button("setting", key="setting"):
        ok, _ = shell.attempt(settings.backup_every_minutes, opens=None)
        st.text(f"setting:{ok}")


def _stored(db_url: str) -> list[str]:
    with database.session_scope(db_url) as session:
        return [p.name for p in projects.list_projects(session=session)]


def test_a_write_is_committed_before_the_rerun_and_its_message_waits_for_the_next_run(db_url):
    app = AppTest.from_function(_screen, default_timeout=30).run()
    app.button(key="save").click().run()
    assert not app.exception and not app.error
    assert _stored(db_url) == ["Quartier Nord"]  # st.rerun() inside the session would have rolled it back
    assert [toast.value for toast in app.toast] == ["saved"]


def test_a_refusal_is_shown_in_the_users_language_and_writes_nothing(db_url):
    app = AppTest.from_function(_screen, default_timeout=30).run()
    app.button(key="refuse").click().run()
    assert [e.value for e in app.error] == [i18n.translate("error.text_empty", "fr")]
    assert _stored(db_url) == [] and not app.toast


def test_a_read_and_a_call_without_the_database(db_url, monkeypatch):
    with database.session_scope(db_url) as session:
        projects.create_project(session=session, name="Quartier Sud")
    app = AppTest.from_function(_screen, default_timeout=30).run()
    app.button(key="read").click().run()
    assert [t.value for t in app.text] == ["True:['Quartier Sud']"]
    monkeypatch.setenv("SPIRALE_BACKUP_EVERY_MINUTES", "tous les jours")
    app.button(key="setting").click().run()
    assert [t.value for t in app.text] == ["setting:False"] and len(app.error) == 1
