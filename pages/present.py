"""The presentation on the second screen: the group's live wall, or mutual knowledge, full screen, for the room.

Its address is /presentation (the file has another name: Streamlit would run a pages/ file whose name is the
address directly, without the router).

Opened in its own window from the facilitator's page, which drives it (reveal, hide a note, countdown): the
address names what it shows (?projet=…&groupe=…, &vue=synthese for mutual knowledge, &langue=…). No widget,
no sidebar. Reached from the menu without an address of its own, it lists what can be presented.
Every second a fragment reads one cheap "what changed since" value and rebuilds the wall only when it moved.
"""

import time

import streamlit as st

from groups import join, service
from groups.models import QUESTIONS
from ui import access, notes, presentation, shell
from ui.shell import t
from workshop import projects, settings
from workshop.errors import SpiraleError

access.require_page(__file__)

PROJECT_PARAM, GROUP_PARAM, VIEW_PARAM, LANGUAGE_PARAM = "projet", "groupe", "vue", "langue"
SYNTHESIS_VIEW = "synthese"
REFRESH_SECONDS = 1  # a phone's note is on the room's screen within this time
SYNTHESIS_REFRESH_SECONDS = 2
DRAWN_KEY = "presentation_drawn"  # (what it was drawn from, its HTML, the notes it showed, countdown running)


def presented_project() -> int:
    """The project the address names, if the person may see it; else the current project."""
    raw = st.query_params.get(PROJECT_PARAM)
    if raw is None:
        return shell.require_project()
    if not raw.isdigit() or access.VIEW not in access.permissions(int(raw)):
        access.refuse()
    return int(raw)


def presented_group(project_id: int) -> int | None:
    raw = st.query_params.get(GROUP_PARAM, "")
    if raw.isdigit():
        return int(raw)
    with shell.read_session() as session:
        groups = service.list_groups(session=session, project_id=project_id)
    return groups[0].id if groups else None


def _wordings(session, project_id: int) -> dict[str, str]:  # noqa: ANN001 - a Session
    cycle = projects.get_project(session=session, project_id=project_id).cycle
    wordings = service.question_wordings(session=session, project_id=project_id, cycle=cycle)
    return {q: notes.question_text(wordings, q) for q in QUESTIONS}


def _draw_wall(project_id: int, group_id: int, before: tuple | None) -> tuple[str, frozenset[int], bool]:
    with shell.read_session() as session:
        group = service.get_group(session=session, project_id=project_id, group_id=group_id)
        columns = service.wall(session=session, project_id=project_id, group_id=group_id)
        wordings = _wordings(session, project_id)
    shown = frozenset(c.id for column in columns for c in column.notes)
    fresh = set(shown - before[2]) if before else set()  # what arrived since the last drawing
    code = group.join_code if join.is_open(group) else None
    timer, late, running = None, False, False
    if group.timer_question:
        left = service.seconds_left(group, group.timer_question) or 0
        running, late = left > 0, left < 60
        question = t(f"question.{group.timer_question}.short")
        timer = (
            t("present.timer", question=question, time=f"{left // 60}:{left % 60:02d}")
            if left
            else t("step1.timer.over")
        )
    html = presentation.wall_html(
        title=group.profile,
        columns=columns,
        wordings=wordings,
        fresh=fresh,
        code=code,
        link=join.join_link(code, st.context.url) if code else None,
        timer=timer,
        timer_late=late,
    )
    return html, shown, running


@st.fragment(run_every=REFRESH_SECONDS)
def live_wall(project_id: int, group_id: int) -> None:
    """Redrawn from the database only when the group's "what changed since" value moved (or a countdown runs)."""
    with shell.read_session() as session:
        changed = service.wall_change(session=session, project_id=project_id, group_id=group_id)
    if changed is None:
        st.html(presentation.message_html(t("error.group_missing")))
        return
    before = st.session_state.get(DRAWN_KEY)
    ticking = int(time.time()) if before and before[3] else 0
    key = (project_id, group_id, shell.lang(), changed, ticking)
    if before is None or before[0] != key:
        html, shown, running = _draw_wall(project_id, group_id, before)
        before = st.session_state[DRAWN_KEY] = (key, html, shown, running)
    st.html(before[1])


@st.fragment(run_every=SYNTHESIS_REFRESH_SECONDS)
def mutual_knowledge(project_id: int, my_group: int | None) -> None:
    """Every group's notes (the others' when a group is named), each card with its group."""
    with shell.read_session() as session:
        changed = service.project_change(session=session, project_id=project_id)
    before = st.session_state.get(DRAWN_KEY)
    key = (project_id, my_group, shell.lang(), changed)
    if before is None or before[0] != key:
        with shell.read_session() as session:
            groups = {g.id: g.profile for g in service.list_groups(session=session, project_id=project_id)}
            written = service.list_criteria(session=session, project_id=project_id)
            wordings = _wordings(session, project_id)
        shown = [c for c in written if not c.hidden_at and c.group_id != my_group]
        others = my_group is not None and my_group in groups
        html = presentation.synthesis_html(
            title=t("synthesis.others") if others else t("present.synthesis"),
            subtitle=t("present.synthesis_counts", groups=len({c.group_id for c in shown}), notes=len(shown)),
            notes=shown,
            groups=groups,
            wordings=wordings,
        )
        before = st.session_state[DRAWN_KEY] = (key, html, frozenset(), False)
    st.html(before[1])


def launcher(project_id: int) -> None:
    """Reached from the menu, in the facilitator's own window: which presentation to open in a new one."""
    st.title(t("present.title"))
    st.caption(t("present.launcher"))
    with shell.read_session() as session:
        groups = service.list_groups(session=session, project_id=project_id)
    if not groups:
        st.info(t("step1.no_group"))
        return
    for group in groups:
        st.link_button(
            group.profile, notes.presentation_address(project_id, group.id), icon="📽️", help=t("step1.present_help")
        )
    st.link_button(
        t("synthesis.present"), notes.presentation_address(project_id, view=SYNTHESIS_VIEW), icon="🔄", type="primary"
    )


def follow_language() -> None:
    """The language of the window that opened it (a new window is a new session, in the default language)."""
    chosen = st.query_params.get(LANGUAGE_PARAM)
    if chosen in settings.LANGUAGES:
        st.session_state[shell.LANG_KEY] = chosen


if PROJECT_PARAM not in st.query_params:
    launcher(shell.require_project())
    st.stop()
project_id = presented_project()
follow_language()
# The page's name for screen readers and tests; the room sees the wall's own header.
with st.container(key="presentation_title"):
    st.title(t("present.title"))
st.html(f"<style>{presentation.CSS} .st-key-presentation_title {{ display: none; }}</style>")
try:
    if st.query_params.get(VIEW_PARAM) == SYNTHESIS_VIEW:
        raw = st.query_params.get(GROUP_PARAM, "")
        mutual_knowledge(project_id, int(raw) if raw.isdigit() else None)
    elif (group_id := presented_group(project_id)) is None:
        st.html(presentation.message_html(t("step1.no_group")))
    else:
        live_wall(project_id, group_id)
except SpiraleError as error:
    st.html(presentation.message_html(t(error.key, **error.params)))
