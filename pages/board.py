"""Step 2, the clustering board: the engine suggests, the mixed group decides.

Two views of the same board: "drag" (a note dragged to another cluster moves it; a cluster's handle dropped
onto another cluster merges them) and "cards" (compact cards, folded and unfolded, each with its buttons).
Every gesture and every action is one operation of the board's history, run with the cluster versions this
screen last showed: when another screen changed them meanwhile, it is refused with a message and nothing
changes. The last one is undone in one click. The room sees the board in a presentation of its own (a new
window, /presentation?vue=regroupements), which follows every change made here.
Drawing is in ui/board.py, the controls in ui/board_tools.py.
"""

import streamlit as st

from indicators import board
from indicators import service as indicators_service
from ui import access, board_presentation, notes, presenting, shell
from ui import board as drawing
from ui import board_tools as tools
from ui.shell import t
from workshop import grid

access.require_page(__file__)

BOARD_VIEW = tools.BOARD_VIEW


def lay_out_first(project_id: int, view: board.BoardView) -> board.BoardView:
    """First visit: lay out the engine's suggestion at once (an operation like any other: undoable)."""
    with st.spinner(t("board.suggesting")):
        # The notes in the order free_notes gives them: the finesse bar's count at the default is the same result.
        texts = tuple(sorted((n.criterion_id, n.text) for n in view.notes))
        groups = drawing.suggestion(texts, drawing.cut_factor_of(drawing.FINESSE_DEFAULT), shell.lang())
    # Refused when another screen laid it out at the same moment: this screen shows that board.
    shell.attempt(board.apply_suggestion, on_refusal=lambda _: None, project_id=project_id, groups=groups,
                  seen=view.versions)  # fmt: skip
    with shell.read_session() as session:
        return board.load_board(session=session, project_id=project_id)


def present_button(project_id: int, where) -> None:  # noqa: ANN001 - a container
    # The room's screen: a window of its own (drag it to the projector), following this board.
    where.link_button(t("board.present"), notes.presentation_address(project_id, view=BOARD_VIEW), icon="📽️",
                      type="primary", help=t("board.present_help"), width="stretch")  # fmt: skip


def screen_picker(project_id: int, view: board.BoardView, where) -> None:  # noqa: ANN001 - a container
    """Which of the presentation's two screens the room sees (when the board takes two): driven from here."""
    if board_presentation.screens(view) < 2:
        where.caption(t("board.screen_one"))
        return
    presenting.screen_picker(project_id, BOARD_VIEW, 2, where, key=tools.SCREEN_KEY, help=t("board.screen_help"),
                             label_visibility="collapsed" if shell.projector_on() else "visible")  # fmt: skip


def heading(project_id: int, view: board.BoardView) -> None:
    title, screen, present = st.columns([4, 2, 2], vertical_alignment="bottom")
    title.title(t("board.title"))
    screen_picker(project_id, view, screen)
    present_button(project_id, present)


def settings(project_id: int, view: board.BoardView) -> tuple[str, str]:
    """The finesse, the search, the view and folding. (query, mode)"""
    if view.notes:
        tools.finesse_bar(project_id, view)
    row = st.columns([3, 2, 2, 2], vertical_alignment="bottom")
    query = row[0].text_input(t("board.search"), key="board_search", placeholder=t("board.search_hint")).strip()
    modes = [drawing.DRAG, drawing.CARDS] if drawing.sort_items else [drawing.CARDS]
    mode = row[1].radio(
        t("board.mode"), modes, format_func=lambda m: t(f"board.mode.{m}"), key="board_mode", horizontal=True
    )
    row[2].toggle(t("board.unfold"), value=True, key=drawing.UNFOLD_KEY)
    if not shell.projector_on():
        row[3].button(t("board.undo"), icon="↩️", on_click=tools.on_undo, args=(project_id,), width="stretch",
                      disabled=view.last_event_id is None)  # fmt: skip
    return query, mode


def cluster_tools(project_id: int, view: board.BoardView, entries, reps) -> None:  # noqa: ANN001
    panel, moving, past = st.columns([2, 2, 1])
    with panel:
        tools.cluster_panel(project_id, view, entries, reps)
    with moving:
        tools.move_panel(project_id, view)
    with past:
        tools.history_panel(project_id)


# Projector mode: the title, the screen shown, undo, the settings and the tools in one row (the last two open over
# the board), so that the notes start near the top: 200 of them within two screens of the page.
PROJECTOR_BAR = """<style>
.st-key-board_bar h1 { font-size: 1.5rem !important; padding: 0 !important; white-space: nowrap; }
.st-key-board_bar button p, .st-key-board_bar [data-testid="stLinkButton"] p { font-size: 1rem !important;
  white-space: nowrap !important; }
[data-testid="stMainBlockContainer"] { padding-top: 3.2rem !important; padding-bottom: 1rem !important; }
[data-testid="board-legend"] { font-size: .8rem; }
[data-testid="stPopoverBody"] { width: min(1600px, 88vw) !important; max-width: 88vw !important; }
</style>"""


def projector_bar(project_id: int, view: board.BoardView, entries, reps) -> tuple[str, str]:  # noqa: ANN001
    """Everything above the board in one row; the settings and the tools in popovers. (query, mode)"""
    st.html(PROJECTOR_BAR)
    with st.container(key="board_bar"):
        title, screen, undo, tuning, working, present = st.columns([3.5, 2.3, 1.4, 1.65, 1.45, 2.8],
                                                                   vertical_alignment="center")  # fmt: skip
    title.title(t("board.title"))
    screen_picker(project_id, view, screen)
    undo.button(t("board.undo_short"), icon="↩️", on_click=tools.on_undo, args=(project_id,), width="stretch",
                help=t("board.undo"), disabled=view.last_event_id is None)  # fmt: skip
    with tuning.popover(t("board.settings_short"), icon="⚙️", help=t("board.settings"), width="stretch"):
        query, mode = settings(project_id, view)
    with working.popover(t("board.tools_short"), icon="✏️", help=t("board.tools"), width="stretch"):
        cluster_tools(project_id, view, entries, reps)
    present_button(project_id, present)
    return query, mode


def counts(view: board.BoardView, diversity) -> None:  # noqa: ANN001 - indicators_service.Diversity
    pinned = sum(c.pinned for c in view.clusters)
    alone = len(view.unclustered)
    line = t("board.counts", clusters=len(view.clusters), pinned=pinned, notes=len(view.notes), alone=alone)
    message = ""
    if diversity.uncarried_ids and view.notes:
        message = t("board.voices_left", count=len(diversity.uncarried_ids & {n.criterion_id for n in view.notes}))
        if diversity.unheard:
            message += " " + t("board.voices_unheard", names=", ".join(diversity.unheard))
    if shell.projector_on():  # one line under the bar: the questions' colours, the counts, the voices left
        drawing.legend(after=[line, f"📣 {message}" if message else ""])
    else:
        st.caption(line)
        if message:
            st.info(message, icon="📣")
        drawing.legend()
    if not view.notes:
        st.info(t("step2.no_criteria"))
    elif not view.clusters and view.last_event_id is None:
        st.info(t("board.empty"))


# The tools stay in view while the wall scrolls; in projector mode the notes stay wall-sized.
STICKY_TOOLS = """<style>
.st-key-board_tools { position: sticky; top: 3.5rem; max-height: 92vh; overflow-y: auto; }
[data-testid="stColumn"]:has(.st-key-board_tools) { align-self: flex-start; position: sticky; top: 3.5rem; }
</style>"""


def drag_view(project_id: int, view: board.BoardView, entries, reps, uncarried, query: str) -> None:  # noqa: ANN001
    # The whole width for the notes (eight clusters a row on 1920 px); the tools fold above them (projector mode:
    # in the bar's popover).
    if not shell.projector_on():
        with st.expander(t("board.tools"), icon="✏️", expanded=bool(st.session_state.get(tools.CHOSEN_KEY))):
            cluster_tools(project_id, view, entries, reps)
    if not shell.projector_on():
        st.caption(t("board.drag_help"))
    clusters = drawing.shown_clusters(view, query)
    round_ = st.session_state.get(tools.DRAG_ROUND_KEY, 0)
    drawn, dropped = drawing.draw_drag(view, clusters, reps, uncarried, query, round_)
    st.session_state[tools.DRAWN_KEY] = drawn
    if dropped is not None and tools.on_drop(project_id, dropped):
        st.rerun()


def cards_view(project_id: int, view: board.BoardView, entries, families, reps, uncarried, query: str) -> None:  # noqa: ANN001
    if shell.projector_on():  # the tools are in the bar's popover: the cards take the width
        tools.draw_cards(project_id, view, drawing.shown_clusters(view, query), families, reps, uncarried, query)
        return
    wall, side = st.columns([3, 1])
    with wall:
        tools.draw_cards(project_id, view, drawing.shown_clusters(view, query), families, reps, uncarried, query)
    with side, st.container(key="board_tools"):
        tools.cluster_panel(project_id, view, entries, reps)
        st.divider()
        tools.move_panel(project_id, view)
        st.divider()
        tools.history_panel(project_id)


project_id = shell.require_project()
projecting = shell.projector_on()
if error := st.session_state.pop(tools.ERROR_KEY, None):
    shell.show_error(error)
if done := st.session_state.pop(tools.DONE_KEY, None):
    st.toast(t(done), icon="✅")

with shell.read_session() as session:
    view = board.load_board(session=session, project_id=project_id)
    entries = grid.list_grid(session=session, project_id=project_id)
    never_laid_out = not board.history(session=session, project_id=project_id, limit=1)
if never_laid_out and view.notes:
    view = lay_out_first(project_id, view)
with shell.read_session() as session:
    diversity = indicators_service.diversity(session=session, project_id=project_id, lang=shell.lang())
families = {e.code: grid.label(e, shell.lang()) for e in entries}
reps = drawing.representative_notes(view)

if projecting:
    query, mode = projector_bar(project_id, view, entries, reps)
else:
    heading(project_id, view)
    st.caption(t("board.intro"))
    query, mode = settings(project_id, view)
counts(view, diversity)
st.html(STICKY_TOOLS)
if projecting:
    st.html("<style>.spirale-board-note { font-size: 1.05rem !important; }</style>")
if mode == drawing.DRAG and view.notes:
    drag_view(project_id, view, entries, reps, diversity.uncarried_ids, query)
else:
    cards_view(project_id, view, entries, families, reps, diversity.uncarried_ids, query)

# What this screen showed: the next action is checked against it.
st.session_state[tools.SEEN_KEY] = view.versions
st.session_state[tools.EVENT_KEY] = view.last_event_id
