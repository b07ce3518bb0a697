"""Sidebar components: language, project picker and creator (administrators), projector mode."""

import streamlit as st
from sqlmodel import Session

from ui import access, shell
from ui.shell import t
from workshop import access as workshop_access
from workshop import projects, settings
from workshop.access_models import FACILITATOR
from workshop.models import ProjectRead

LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def language_picker() -> None:
    """French or English for the whole interface.

    Drawn after st.navigation: before it, the very first run of a new server has no page yet, the
    widget gets another identity on the next run and the first click is lost. A change reruns once,
    so that the navigation's titles follow it too.
    """
    choice = st.sidebar.segmented_control(
        "Langue / Language",
        settings.LANGUAGES,
        default=shell.lang(),  # a widget drawn anew (e.g. once logged in) keeps the language chosen
        format_func=LANGUAGE_NAMES.get,
        required=True,
        key="language_choice",
    )
    if choice != shell.lang():
        st.session_state[shell.LANG_KEY] = choice
        st.rerun()


def _visible_projects() -> list[ProjectRead]:
    account = access.current_account()
    if account is None:
        return []
    with shell.session() as session:
        return workshop_access.visible_projects(session=session, account_id=account.id)


def settle_project() -> None:
    """Before the navigation (whose pages depend on the person's role here): the current project.

    One the person has a role on; the picker's new choice counts already in the run it causes.
    """
    shell.settle_choice(shell.PROJECT_CHOICE_KEY)  # a project just created or loaded wins over the picker
    known = [p.id for p in _visible_projects()]
    choice = st.session_state.get(shell.PROJECT_CHOICE_KEY)
    current = choice if choice in known else shell.project_id()
    st.session_state[shell.PROJECT_KEY] = current if current in known else (known[0] if known else None)


def project_picker() -> None:
    known = _visible_projects()
    names = {p.id: p.name for p in known}
    if shell.project_id() not in names:
        st.session_state[shell.PROJECT_KEY] = known[0].id if known else None
    if known:
        # The widget's value is the current project (set before it is drawn, so no `index` beside it).
        st.session_state[shell.PROJECT_CHOICE_KEY] = shell.project_id()
        chosen = st.sidebar.selectbox(
            t("project.current"), list(names), format_func=names.get, key=shell.PROJECT_CHOICE_KEY
        )
        st.session_state[shell.PROJECT_KEY] = chosen
    elif not access.can(access.ADMIN):
        st.sidebar.info(t("access.no_project"))
    if access.can(access.ADMIN):  # a project is an administrator's to create
        with st.sidebar.expander(t("project.new"), expanded=not known):
            project_form()


def project_form() -> None:
    """Create a project and make it the current one; its creator is its first facilitator."""
    with st.form("new_project", clear_on_submit=True):
        name = st.text_input(t("project.name"), max_chars=120)
        place = st.text_input(t("project.place"), max_chars=120)
        language = st.selectbox(t("project.language"), settings.LANGUAGES, format_func=LANGUAGE_NAMES.get)
        if not st.form_submit_button(t("project.create"), type="primary"):
            return
    ok, project = shell.attempt(_create_as_facilitator, name=name, place=place, language=language)
    if ok:
        shell.make_current(project.id, t("project.now_current", name=project.name))
        st.rerun()


def _create_as_facilitator(*, session: Session, name: str, place: str, language: str) -> ProjectRead:
    project = projects.create_project(session=session, name=name, place=place, language=language)
    workshop_access.set_role(
        session=session, project_id=project.id, account_id=access.current_account().id, role=FACILITATOR
    )
    return project


def projector_toggle() -> None:
    st.sidebar.toggle(t("shell.projector"), key=shell.PROJECTOR_KEY, help=t("shell.projector_help"))
