"""Sidebar components: language, project picker and creator, projector mode."""

import streamlit as st

from ui import shell
from ui.shell import t
from workshop import projects, settings
from workshop.errors import SpiraleError

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
        default=settings.default_language(),
        format_func=LANGUAGE_NAMES.get,
        required=True,
        key="language_choice",
    )
    if choice != shell.lang():
        st.session_state[shell.LANG_KEY] = choice
        st.rerun()


def project_picker() -> None:
    with shell.session() as session:
        known = projects.list_projects(session=session)
    names = {p.id: p.name for p in known}
    if shell.project_id() not in names:
        st.session_state[shell.PROJECT_KEY] = known[0].id if known else None
    if known:
        chosen = st.sidebar.selectbox(
            t("project.current"),
            list(names),
            index=list(names).index(shell.project_id()),
            format_func=names.get,
            key="project_choice",
        )
        st.session_state[shell.PROJECT_KEY] = chosen
    with st.sidebar.expander(t("project.new"), expanded=not known):
        project_form()


def project_form() -> None:
    """Create a project and make it the current one."""
    with st.form("new_project", clear_on_submit=True):
        name = st.text_input(t("project.name"), max_chars=120)
        place = st.text_input(t("project.place"), max_chars=120)
        language = st.selectbox(t("project.language"), settings.LANGUAGES, format_func=LANGUAGE_NAMES.get)
        if not st.form_submit_button(t("project.create"), type="primary"):
            return
    try:
        with shell.session() as session:
            project = projects.create_project(session=session, name=name, place=place, language=language)
    except SpiraleError as error:
        shell.show_error(error)
        return
    st.session_state[shell.PROJECT_KEY] = project.id
    st.session_state.pop("project_choice", None)
    st.rerun()


def projector_toggle() -> None:
    st.sidebar.toggle(t("shell.projector"), key=shell.PROJECTOR_KEY, help=t("shell.projector_help"))
