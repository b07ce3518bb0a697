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
from ui import access, notes, shell
from ui import board as drawing
from ui import board_tools as tools
from ui.shell import t
from workshop import grid

access.require_page(__file__)

BOARD_VIEW = "regroupements"  # the presentation's view of the board (pages/present.py)


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


def heading(project_id: int) -> None:
    title, present = st.columns([4, 1], vertical_alignment="bottom")
    title.title(t("board.title"))
    # The room's screen: a window of its own (drag it to the projector), following this board.
    present.link_button(
        t("board.present"),
        notes.presentation_address(project_id, view=BOARD_VIEW),
        icon="📽️",
        type="primary",
        help=t("board.present_help"),
        width="stretch",
    )


def settings_and_search(project_id: int, view: board.BoardView, projecting: bool) -> tuple[str, str]:
    """The finesse, the search, the view and folding: folded away in projector mode. (query, mode)"""
    if projecting:  # the room sees the notes on the first screen: the settings fold, undo stays one click away
        st.button(t("board.undo"), icon="↩️", on_click=tools.on_undo, args=(project_id,),
                  disabled=view.last_event_id is None)  # fmt: skip
        settings = st.expander(t("board.settings"), icon="⚙️")
    else:
        settings = st.container()
    with settings:
        if view.notes:
            tools.finesse_bar(project_id, view)
        row = st.columns([3, 2, 2, 2], vertical_alignment="bottom")
        query = row[0].text_input(t("board.search"), key="board_search", placeholder=t("board.search_hint")).strip()
        modes = [drawing.DRAG, drawing.CARDS] if drawing.sort_items else [drawing.CARDS]
        mode = row[1].radio(
            t("board.mode"), modes, format_func=lambda m: t(f"board.mode.{m}"), key="board_mode", horizontal=True
        )
        row[2].toggle(t("board.unfold"), value=True, key=drawing.UNFOLD_KEY)
        if not projecting:
            row[3].button(t("board.undo"), icon="↩️", on_click=tools.on_undo, args=(project_id,), width="stretch",
                          disabled=view.last_event_id is None)  # fmt: skip
    return query, mode


def counts(view: board.BoardView, diversity) -> None:  # noqa: ANN001 - indicators_service.Diversity
    pinned = sum(c.pinned for c in view.clusters)
    alone = len(view.unclustered)
    st.caption(t("board.counts", clusters=len(view.clusters), pinned=pinned, notes=len(view.notes), alone=alone))
    if diversity.uncarried_ids and view.notes:
        message = t("board.voices_left", count=len(diversity.uncarried_ids & {n.criterion_id for n in view.notes}))
        if diversity.unheard:
            message += " " + t("board.voices_unheard", names=", ".join(diversity.unheard))
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
    # The whole width for the notes (eight clusters a row on 1920 px); the tools fold above them.
    with st.expander(t("board.tools"), icon="✏️", expanded=bool(st.session_state.get(tools.CHOSEN_KEY))):
        panel, moving, past = st.columns([2, 2, 1])
        with panel:
            tools.cluster_panel(project_id, view, entries, reps)
        with moving:
            tools.move_panel(project_id, view)
        with past:
            tools.history_panel(project_id)
    if not shell.projector_on():
        st.caption(t("board.drag_help"))
    clusters = drawing.shown_clusters(view, query)
    round_ = st.session_state.get(tools.DRAG_ROUND_KEY, 0)
    drawn, dropped = drawing.draw_drag(view, clusters, reps, uncarried, query, round_)
    st.session_state[tools.DRAWN_KEY] = drawn
    if dropped is not None and tools.on_drop(project_id, dropped):
        st.rerun()


def cards_view(project_id: int, view: board.BoardView, entries, families, reps, uncarried, query: str) -> None:  # noqa: ANN001
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
heading(project_id)
projecting = shell.projector_on()
if not projecting:
    st.caption(t("board.intro"))

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

query, mode = settings_and_search(project_id, view, projecting)
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
