"""The notes of one question: fast entry, the wall of notes, validation, delete with undo."""

import streamlit as st

from groups import service
from groups.models import VALIDATED, CriterionRead
from ui import shell
from ui.shell import t
from workshop.errors import SpiraleError

QUESTION_COLOURS = {"wellbeing": "#d9f2d9", "illbeing": "#f9d6d5", "action": "#d6e6fb"}
UNDO_KEY = "undo_criterion"


def question_column(project_id: int, group_id: int, question: str) -> None:
    with shell.session() as session:
        written = service.list_criteria(session=session, project_id=project_id, group_id=group_id, question=question)
    st.subheader(f"{t('question.' + question + '.short')} ({len(written)})")
    st.caption(t(f"question.{question}.text"))
    entry_form(project_id, group_id, question)
    for criterion in reversed(written):
        note_card(project_id, criterion, question)


def entry_form(project_id: int, group_id: int, question: str) -> None:
    """Type, Enter, next note: the form clears itself and keeps the field ready."""
    with st.form(f"note_{question}", clear_on_submit=True, border=False):
        text = st.text_area(
            t("step1.note"),
            key=f"note_text_{question}",
            height=80,
            max_chars=280,
            placeholder=t("step1.note_hint"),
            label_visibility="collapsed",
        )
        author = st.text_input(t("step1.author"), key=f"note_author_{question}", max_chars=60)
        submitted = st.form_submit_button(t("step1.add"), type="primary", width="stretch")
    if submitted:
        try:
            with shell.session() as session:
                service.add_criterion(
                    session=session,
                    project_id=project_id,
                    group_id=group_id,
                    question=question,
                    text=text,
                    author=author,
                )
        except SpiraleError as error:
            shell.show_error(error)
        else:
            st.rerun()


def note_card(project_id: int, criterion: CriterionRead, question: str) -> None:
    badge = "✅ " if criterion.status == VALIDATED else ""
    corrected = (
        f"<div style='opacity:.6;font-size:.8em'>{shell.escape(criterion.text)}</div>"
        if criterion.corrected_text
        else ""
    )
    st.html(
        f"<div class='spirale-note' data-testid='note' style='background:{QUESTION_COLOURS[question]};"
        f"border:1px solid #555;border-radius:6px;padding:.5em .7em;color:#111'>"
        f"{badge}{shell.escape(criterion.shown_text)}{corrected}</div>"
    )
    left, right = st.columns(2)
    if criterion.status != VALIDATED and left.button(t("step1.validate"), key=f"val_{criterion.id}", icon="✅"):
        _run(service.set_status, project_id=project_id, criterion_id=criterion.id, status=VALIDATED)
    if right.button(t("step1.delete"), key=f"del_{criterion.id}", icon="🗑️"):
        st.session_state[UNDO_KEY] = criterion.id
        _run(service.delete_criterion, project_id=project_id, criterion_id=criterion.id)


def undo_bar(project_id: int) -> None:
    """One click brings the last deleted note back."""
    deleted = st.session_state.get(UNDO_KEY)
    if deleted and st.button(t("step1.undo"), icon="↩️", type="secondary"):
        st.session_state[UNDO_KEY] = None
        _run(service.restore_criterion, project_id=project_id, criterion_id=deleted)


def _run(action, **params) -> None:  # noqa: ANN001, ANN003 - a groups service function and its arguments
    try:
        with shell.session() as session:
            action(session=session, **params)
    except SpiraleError as error:
        shell.show_error(error)
    else:
        st.rerun()
