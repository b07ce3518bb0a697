"""Step 1, the facilitator's meeting screen: the three questions, fast entry, the live wall, phones joining."""

import streamlit as st

from groups import service
from groups.models import GROUP_KINDS, QUESTIONS
from ui import access, notes, paper, presenting, shell
from ui.shell import t
from workshop import formats, projects

access.require_page(__file__)

project_id = shell.require_project()

with shell.session() as session:
    groups = service.list_groups(session=session, project_id=project_id)
    project = projects.get_project(session=session, project_id=project_id)
    wordings = service.question_wordings(session=session, project_id=project_id, cycle=project.cycle)

by_id = {g.id: g for g in groups}
shell.settle_choice("group_id")  # a group just created is the one shown
if groups and st.session_state.get("group_id") not in by_id:
    st.session_state["group_id"] = groups[0].id

heading, joining = st.columns([3, 1])
heading.title(t("step1.title"))
if groups:
    group_id = heading.selectbox(
        t("step1.group"),
        list(by_id),
        key="group_id",
        format_func=lambda gid: f"{by_id[gid].profile} · {t('group.kind.' + by_id[gid].kind)}",
    )
    # The room's screen: a window of its own (drag it to the projector), driven from this page.
    heading.link_button(
        t("step1.present"),
        notes.presentation_address(project_id, group_id),
        icon="📽️",
        type="primary",
        help=t("step1.present_help"),
    )
    with joining:
        notes.join_panel(project_id, by_id[group_id])


def new_group_form() -> None:
    with st.form("new_group", clear_on_submit=True):
        profile = st.text_input(t("group.profile"), max_chars=120, placeholder=t("group.profile_hint"))
        kind = st.selectbox(t("group.kind"), GROUP_KINDS, format_func=lambda k: t(f"group.kind.{k}"))
        size = st.number_input(t("group.planned_size"), min_value=1, max_value=500, value=10)
        meeting = st.date_input(t("group.meeting_date"), value=None, format=formats.DATE_INPUT)
        facilitator = st.text_input(t("group.facilitator"), max_chars=120)
        if not st.form_submit_button(t("step1.create_group"), type="primary"):
            return
    ok, created = shell.attempt(
        service.create_group,
        project_id=project_id,
        profile=profile,
        kind=kind,
        planned_size=int(size),
        meeting_date=meeting,
        facilitator=facilitator,
    )
    if ok:
        shell.choose_later("group_id", created.id)
        st.rerun()


def wording_form() -> None:
    """The three questions' words for this project's cycle, in French and English."""
    with st.form("wordings"):
        typed = {
            (question, lang): st.text_input(
                t(f"step1.wording.{lang}", question=t(f"question.{question}.short")),
                value=wordings[question][lang],
                max_chars=service.WORDING_MAX,
            )
            for question in QUESTIONS
            for lang in ("fr", "en")
        }
        if not st.form_submit_button(t("step1.wording.save")):
            return
    shell.attempt(
        service.set_question_wordings,
        project_id=project_id,
        cycle=project.cycle,
        typed=typed,
        flash=t("step1.wording.saved"),
        rerun=True,
    )


def timer_form(group_id: int) -> None:
    """An optional countdown for the question the group is working on."""
    with st.form("timer", border=False):
        question = st.selectbox(t("step1.timer.question"), QUESTIONS, format_func=lambda q: t(f"question.{q}.short"))
        minutes = st.number_input(t("step1.timer.minutes"), min_value=1, max_value=service.TIMER_MAX_MINUTES, value=10)
        start = st.form_submit_button(t("step1.timer.start"), icon="⏳")
    stop = bool(by_id[group_id].timer_ends_at) and st.button(t("step1.timer.stop"), icon="⏹️")
    if not (start or stop):
        return
    if start:
        shell.attempt(
            service.start_timer,
            project_id=project_id,
            group_id=group_id,
            question=question,
            minutes=minutes,
            rerun=True,
        )
    else:
        shell.attempt(service.stop_timer, project_id=project_id, group_id=group_id, rerun=True)


with st.expander(t("step1.new_group"), expanded=not groups):
    new_group_form()
if not groups:
    st.info(t("step1.no_group"))
    st.stop()

settings, countdown, files = st.columns(3)
with settings.expander(t("step1.wording.title", cycle=project.cycle)):
    wording_form()
with countdown.expander(t("step1.timer.title")):
    timer_form(group_id)
with files.expander(t("step1.paper.title")):
    paper.paper_panel(project_id, by_id[group_id], groups)

notes.undo_bar(project_id)
notes.note_entry(project_id, group_id, wordings)

notes.wall_watch(project_id, group_id, presenting.wall_picker)  # and which screen the room sees, when several

st.divider()
if st.button(t("step1.validate_all"), icon="✅"):
    shell.attempt(
        service.validate_group,
        project_id=project_id,
        group_id=group_id,
        flash=lambda changed: t("step1.validated", count=changed),
        rerun=True,
    )
