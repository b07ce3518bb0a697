"""The presentation on the second screen: the group's live wall, or mutual knowledge, full screen, for the room.

Its address is /presentation (the file has another name: Streamlit would run a pages/ file whose name is the
address directly, without the router).

Opened in its own window from the facilitator's page, which drives it (reveal, hide a note, countdown): the
address names what it shows (?projet=…&groupe=…, &vue=synthese for mutual knowledge, &vue=regroupements for
the clustering board, &vue=tableau for the diagnosis dashboard, &vue=vote for the room's vote, &langue=…). No
widget, no sidebar. Reached from the menu without an address of its own, it lists what can be presented.
Every second a fragment reads one cheap "what changed since" value and rebuilds the view only when it moved
(the dashboard's: the selection its page published, and its answers' count).
"""

import time

import streamlit as st

from groups import join, service
from groups.models import QUESTIONS
from indicators import board
from surveys import analysis
from ui import access, board_presentation, notes, presentation, presenting, shell
from ui import board as board_drawing
from ui import dashboard as diagnosis_view
from ui import vote as room_vote
from ui import vote_screen
from ui.shell import t
from workshop import projects, settings
from workshop.errors import SpiraleError

access.require_page(__file__)

PROJECT_PARAM, GROUP_PARAM, VIEW_PARAM, LANGUAGE_PARAM = "projet", "groupe", "vue", "langue"
SYNTHESIS_VIEW, BOARD_VIEW, DASHBOARD_VIEW = "synthese", "regroupements", "tableau"
REFRESH_SECONDS = 1  # a phone's note is on the room's screen within this time
SYNTHESIS_REFRESH_SECONDS = 2
BOARD_REFRESH_SECONDS = 1  # a gesture on the board is on the room's screen within this time
DASHBOARD_REFRESH_SECONDS = 2  # an answer sent from a phone is on the room's dashboard within this time
CHART_HEIGHT_PX = 900  # a chart under the header on a 1920x1080 screen (the browser cannot tell us its height)
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


def _draw_wall(project_id: int, group_id: int, before: tuple | None, screen: int) -> tuple[str, frozenset[int], bool]:
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
        screen=screen,
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
    number, screen = presenting.shown_screen(project_id, presentation.wall_view(group_id))  # the group's page's
    key = (project_id, group_id, shell.lang(), changed, ticking, number)
    if before is None or before[0] != key:
        html, shown, running = _draw_wall(project_id, group_id, before, screen)
        before = st.session_state[DRAWN_KEY] = (key, html, shown, running)
    st.html(before[1])


@st.fragment(run_every=SYNTHESIS_REFRESH_SECONDS)
def mutual_knowledge(project_id: int, my_group: int | None) -> None:
    """Every group's notes (the others' when a group is named), each card with its group."""
    with shell.read_session() as session:
        changed = service.project_change(session=session, project_id=project_id)
    before = st.session_state.get(DRAWN_KEY)
    number, screen = presenting.shown_screen(project_id, SYNTHESIS_VIEW)  # the screen the synthesis page shows
    key = (project_id, my_group, shell.lang(), changed, number)
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
            screen=screen,
        )
        before = st.session_state[DRAWN_KEY] = (key, html, frozenset(), False)
    st.html(before[1])


@st.fragment(run_every=BOARD_REFRESH_SECONDS)
def board_wall(project_id: int) -> None:
    """The clustering board as the facilitator's page leaves it; changed clusters get a gentle highlight."""
    with shell.read_session() as session:
        changed = board.board_change(session=session, project_id=project_id)
    number, screen = presenting.shown_screen(project_id, BOARD_VIEW)  # the screen the facilitator's page shows
    before = st.session_state.get(DRAWN_KEY)
    key = (project_id, BOARD_VIEW, shell.lang(), changed, number)
    if before is None or before[0] != key:
        with shell.read_session() as session:
            view = board.load_board(session=session, project_id=project_id)
        reps = board_drawing.representative_notes(view)
        versions = before[2] if before and before[0][:3] == key[:3] else None
        fresh = board_presentation.changed_clusters(view, versions)
        html = board_presentation.board_html(view, reps, fresh, title=t("board.title"), screen=screen)
        before = st.session_state[DRAWN_KEY] = (key, html, view.versions, False)
    st.html(before[1])


@st.fragment(run_every=DASHBOARD_REFRESH_SECONDS)
def dashboard_charts(project_id: int) -> None:
    """The chart, wave and filters the dashboard's page chose, at the screen's size."""
    number, selection = diagnosis_view.published(project_id)
    # Redrawn when the page chose another wave, filter or chart, and when answers arrive (a phone's, an import).
    key = (project_id, DASHBOARD_VIEW, shell.lang(), number, diagnosis_view.answers_change(project_id))
    before = st.session_state.get(DRAWN_KEY)
    if before is None or before[0] != key:
        labels = diagnosis_view.waves(project_id)
        found = diagnosis_view.diagnosis(project_id, selection, labels) if labels else None
        before = st.session_state[DRAWN_KEY] = (key, found, None, False)
    found = before[1]
    if found is None or not found.figures:
        st.html(presentation.message_html(t("step3.no_wave") if found is None else t("step3.no_answer")))
        return
    respondents = analysis.respondents(found.answers)
    subtitle = t("present.dashboard_counts", wave=found.wave_label, respondents=respondents)
    st.html(presentation.heading_html(t("dashboard.title"), subtitle))
    figure = found.figures[min(selection.chart, len(found.figures) - 1)]
    st.plotly_chart(diagnosis_view.for_the_room(figure, CHART_HEIGHT_PX), width="stretch", key="presented_chart",
                    theme=None, config={"displayModeBar": False, "staticPlot": True})  # fmt: skip


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
    st.link_button(t("present.open_board"), notes.presentation_address(project_id, view=BOARD_VIEW), icon="🧩")
    st.link_button(t("present.open_dashboard"), notes.presentation_address(project_id, view=DASHBOARD_VIEW), icon="📈")
    st.link_button(t("vote.present"), notes.presentation_address(project_id, view=room_vote.VOTE_VIEW), icon="🗳️")


def follow_language() -> None:
    """The language of the window that opened it (a new window is a new session, in the default language)."""
    chosen = st.query_params.get(LANGUAGE_PARAM)
    if chosen in settings.LANGUAGES:
        st.session_state[shell.LANG_KEY] = chosen


def present(project_id: int) -> None:
    """The view the address asks for."""
    if st.query_params.get(VIEW_PARAM) == BOARD_VIEW:
        board_wall(project_id)
    elif st.query_params.get(VIEW_PARAM) == room_vote.VOTE_VIEW:
        vote_screen.vote_screen(project_id)
    elif st.query_params.get(VIEW_PARAM) == DASHBOARD_VIEW:
        dashboard_charts(project_id)
    elif st.query_params.get(VIEW_PARAM) == SYNTHESIS_VIEW:
        raw = st.query_params.get(GROUP_PARAM, "")
        mutual_knowledge(project_id, int(raw) if raw.isdigit() else None)
    elif (group_id := presented_group(project_id)) is None:
        st.html(presentation.message_html(t("step1.no_group")))
    else:
        live_wall(project_id, group_id)


def say_on_screen(error: SpiraleError) -> None:
    """A refusal (a group gone, a project closed to this account) in the room's own type, not an error box."""
    st.html(presentation.message_html(t(error.key, **error.params)))


if PROJECT_PARAM not in st.query_params:
    launcher(shell.require_project())
    st.stop()
project_id = presented_project()
follow_language()
# The page's name for screen readers and tests; the room sees the wall's own header.
with st.container(key="presentation_title"):
    st.title(t("present.title"))
st.html(f"<style>{presentation.CSS} .st-key-presentation_title {{ display: none; }}</style>")
shell.attempt(present, opens=None, on_refusal=say_on_screen, project_id=project_id)
