"""Step 2, the clustering board on the projector: the engine suggests, the mixed group decides.

Every action is a callback that runs before the page is drawn again, with the cluster versions
this screen last showed: when another screen changed them meanwhile, the action is refused with
a message and nothing changes.
"""

from collections.abc import Callable

import streamlit as st

from groups.models import QUESTIONS
from indicators import board
from indicators.board import BoardView, ClusterView, NoteCard, SuggestedGroup
from indicators.engine import DEFAULT_THRESHOLD
from indicators.families import FamilySuggestion
from ui import access, shell
from ui.notes import QUESTION_COLOURS
from ui.shell import t
from workshop import grid
from workshop.errors import SpiraleError

access.require_page(__file__)

SEEN_KEY = "board_seen"  # cluster versions as this screen last drew them
EVENT_KEY = "board_last_event"  # the last operation this screen showed (what undo reverses)
CHOSEN_KEY = "board_chosen"  # the cluster the tools panel works on
ERROR_KEY = "board_error"
DONE_KEY = "board_done"
DRAFT_CLUSTERS_KEY = "indicator_from_clusters"  # read by pages/indicators.py
NEW_CLUSTER = -1
COLUMNS = 3


# ---------- engine results, cached per notes and settings ----------


@st.cache_data(max_entries=16, show_spinner=False)
def suggestion(notes: tuple[tuple[int, str], ...], threshold: float, lang: str) -> list[SuggestedGroup]:
    return board.suggest_groups(list(notes), threshold=threshold, lang=lang)


@st.cache_resource(max_entries=4, show_spinner=False)
def family_suggester(grid_rows: tuple[tuple[tuple[str, str], ...], ...], confirmed: tuple[tuple[str, str], ...]):  # noqa: ANN201
    return board.make_suggester(board.FamilyInputs([dict(row) for row in grid_rows], list(confirmed)))


@st.cache_data(max_entries=256, show_spinner=False)
def cluster_family(
    texts: tuple[str, ...], grid_rows: tuple[tuple[tuple[str, str], ...], ...], confirmed: tuple[tuple[str, str], ...]
) -> FamilySuggestion | None:
    return board.suggest_cluster_family(list(texts), family_suggester(grid_rows, confirmed))


# ---------- actions (callbacks) ----------


def act(operation: Callable[..., int], done: str, **params) -> None:  # noqa: ANN003
    """Run a board operation with what this screen saw; keep the message for the next drawing."""

    def keep(error: SpiraleError) -> None:
        st.session_state[ERROR_KEY] = error

    if shell.attempt(operation, on_refusal=keep, project_id=project_id, **params)[0]:
        st.session_state[DONE_KEY] = done


def seen() -> dict[int, int]:
    return st.session_state.get(SEEN_KEY, {})


def on_suggest() -> None:
    with shell.session() as session:
        free = board.free_notes(session=session, project_id=project_id)
    groups = suggestion(tuple(free), float(st.session_state["board_threshold"]), shell.lang())
    act(board.apply_suggestion, "board.done.suggest", groups=groups, seen=seen())


def on_undo() -> None:
    act(board.undo, "board.done.undo", event_id=st.session_state.get(EVENT_KEY))


def on_pin(cluster_id: int, pinned: bool) -> None:
    act(
        board.pin, "board.done.pin" if pinned else "board.done.unpin", cluster_id=cluster_id, pinned=pinned, seen=seen()
    )


def on_choose(cluster_id: int) -> None:
    st.session_state[CHOSEN_KEY] = cluster_id


def on_rename(cluster_id: int) -> None:
    name = st.session_state[f"board_name_{cluster_id}"]
    act(board.rename, "board.done.rename", cluster_id=cluster_id, name=name, seen=seen())


def on_family(cluster_id: int, family_codes: tuple[str, ...]) -> None:
    code = st.session_state[f"board_family_{cluster_id}"]
    family, component = (code, None) if code is None or code in family_codes else (None, code)
    act(
        board.set_family,
        "board.done.family",
        cluster_id=cluster_id,
        family_code=family,
        component_code=component,
        seen=seen(),
    )


def on_merge(cluster_id: int) -> None:
    target = st.session_state[f"board_merge_into_{cluster_id}"]
    act(board.merge, "board.done.merge", source_id=cluster_id, target_id=target, seen=seen())


def on_split(cluster_id: int) -> None:
    chosen = st.session_state[f"board_split_notes_{cluster_id}"]
    act(board.split, "board.done.split", cluster_id=cluster_id, criterion_ids=chosen, seen=seen())


def on_move() -> None:
    target = st.session_state["board_move_to"]
    act(
        board.move_notes,
        "board.done.move",
        criterion_ids=st.session_state["board_move_notes"],
        target_id=None if target == NEW_CLUSTER else target,
        seen=seen(),
    )


# ---------- drawing ----------


def note_html(note: NoteCard) -> str:
    return (
        f"<div class='spirale-board-note' data-testid='board-note' "
        f"style='background:{QUESTION_COLOURS[note.question]};border:1px solid #555;border-radius:6px;"
        f"padding:.35em .6em;margin:.25em 0;color:#111;font-size:1.1em'>{shell.escape(note.text)}"
        f"<div style='font-size:.75em;opacity:.75'>{shell.escape(note.group)} · "
        f"{shell.escape(t('question.' + note.question + '.short'))}</div></div>"
    )


def cluster_html(cluster: ClusterView, families: dict[str, str]) -> str:
    code = cluster.component_code or cluster.family_code
    family = (
        f"<div style='font-size:.85em'>🏷️ {shell.escape(code)} · {shell.escape(families.get(code, ''))}</div>"
        if code
        else ""
    )
    pin = "📌 " if cluster.pinned else ""
    border = "#0b5d1e" if cluster.pinned else "#333"
    groups = t("board.groups", count=len(cluster.groups), names=", ".join(cluster.groups))
    return (
        f"<div class='spirale-cluster' data-testid='cluster' style='border:3px solid {border};border-radius:8px;"
        f"padding:.5em;background:#fff;color:#111'>"
        f"<div style='font-size:1.35em;font-weight:700'>{pin}{shell.escape(cluster.name or '—')} "
        f"<span style='font-weight:400'>({len(cluster.notes)})</span></div>{family}"
        f"<div style='font-size:.8em;opacity:.8'>{shell.escape(groups)}</div>"
        + "".join(note_html(n) for n in cluster.notes)
        + "</div>"
    )


def legend() -> None:
    items = "".join(
        f"<span style='background:{QUESTION_COLOURS[q]};border:1px solid #555;border-radius:4px;padding:.1em .5em;"
        f"margin-right:.5em;color:#111'>{shell.escape(t('question.' + q + '.short'))}</span>"
        for q in QUESTIONS
    )
    st.html(f"<div data-testid='board-legend'>{items}</div>")


def draw_clusters(view: BoardView, families: dict[str, str]) -> None:
    chosen = st.session_state.get(CHOSEN_KEY)
    for start in range(0, len(view.clusters), COLUMNS):
        for column, cluster in zip(st.columns(COLUMNS), view.clusters[start : start + COLUMNS], strict=False):
            with column:
                st.html(cluster_html(cluster, families))
                # Side by side on a laptop; one above the other in projector mode, where labels are large.
                pin, choose = (st.container(), st.container()) if shell.projector_on() else st.columns(2)
                pin.button(
                    t("board.unpin") if cluster.pinned else t("board.pin"),
                    key=f"pin_{cluster.id}",
                    icon="📌",
                    on_click=on_pin,
                    args=(cluster.id, not cluster.pinned),
                    width="stretch",
                )
                choose.button(
                    t("board.choose"),
                    key=f"choose_{cluster.id}",
                    icon="✏️",
                    type="primary" if cluster.id == chosen else "secondary",
                    on_click=on_choose,
                    args=(cluster.id,),
                    width="stretch",
                )
    if view.unclustered:
        st.subheader(t("board.alone", count=len(view.unclustered)))
        columns = st.columns(COLUMNS)
        for index, note in enumerate(view.unclustered):
            columns[index % COLUMNS].html(note_html(note))


def note_label(view: BoardView) -> Callable[[int], str]:
    where = {n.criterion_id: c.name for c in view.clusters for n in c.notes}
    notes = {n.criterion_id: n for n in view.notes}

    def label(criterion_id: int) -> str:
        note = notes[criterion_id]
        return f"{note.text[:80]} · {note.group} [{where.get(criterion_id, t('board.none'))}]"

    return label


def move_panel(view: BoardView) -> None:
    """Selection-based moving: choose notes and a cluster, then one click (a form: no rerun per selection)."""
    st.subheader(t("board.move"))
    clusters = {c.id: c.name or "—" for c in view.clusters}
    with st.form("board_move", border=False, clear_on_submit=True):
        st.multiselect(
            t("board.move_notes"),
            [n.criterion_id for n in view.notes],
            format_func=note_label(view),
            key="board_move_notes",
            placeholder=t("board.pick_notes"),
        )
        st.selectbox(
            t("board.move_to"),
            [*clusters, NEW_CLUSTER],
            key="board_move_to",
            format_func=lambda cid: t("board.new_cluster") if cid == NEW_CLUSTER else clusters[cid],
        )
        st.form_submit_button(t("board.move_button"), icon="➡️", on_click=on_move, width="stretch")


def cluster_panel(view: BoardView, entries) -> None:  # noqa: ANN001 - the project's grid
    cluster = view.cluster(st.session_state.get(CHOSEN_KEY) or -2)
    if cluster is None:
        st.caption(t("board.choose_hint"))
        return
    st.markdown(f"**{t('board.chosen', name=shell.md_escape(cluster.name or '—'))}**")
    st.text_input(t("board.name"), value=cluster.name, key=f"board_name_{cluster.id}", max_chars=board.CLUSTER_NAME_MAX)
    st.button(t("board.rename"), icon="🔤", on_click=on_rename, args=(cluster.id,), width="stretch")

    codes = {e.code: f"{e.code} · {grid.label(e, shell.lang())}" for e in entries}
    rows = tuple(tuple((k, getattr(e, k) or "") for k in grid.GRID_COLUMNS) for e in entries)
    with shell.session() as session:
        confirmed = tuple(board.family_inputs(session=session, project_id=project_id).confirmed)
    suggested = cluster_family(tuple(n.text for n in cluster.notes), rows, confirmed)
    current = cluster.component_code or cluster.family_code
    default = current or (suggested.component or suggested.family if suggested else None)
    options = [None, *codes]
    if suggested:
        label = suggested.label_en if shell.lang() == "en" and suggested.label_en else suggested.label_fr
        st.caption(
            t(
                "board.family_suggested",
                code=suggested.component or suggested.family,
                label=label,
                confidence=round(suggested.confidence * 100),
            )
        )
    st.selectbox(
        t("board.family"),
        options,
        index=options.index(default) if default in options else 0,
        format_func=lambda c: codes[c] if c else "—",
        key=f"board_family_{cluster.id}",
    )
    family_codes = tuple(e.code for e in entries if e.code == e.family)
    st.button(t("board.set_family"), icon="🏷️", on_click=on_family, args=(cluster.id, family_codes), width="stretch")

    others = {c.id: c.name or "—" for c in view.clusters if c.id != cluster.id}
    if others:
        st.selectbox(t("board.merge_into"), list(others), format_func=others.get, key=f"board_merge_into_{cluster.id}")
        st.button(t("board.merge"), icon="🔗", on_click=on_merge, args=(cluster.id,), width="stretch")
    texts = {n.criterion_id: f"{n.text[:80]} · {n.group}" for n in cluster.notes}
    with st.form(f"board_split_{cluster.id}", border=False, clear_on_submit=True):
        st.multiselect(
            t("board.split_notes"),
            list(texts),
            format_func=texts.get,
            key=f"board_split_notes_{cluster.id}",
            placeholder=t("board.pick_notes"),
        )
        st.form_submit_button(t("board.split"), icon="✂️", on_click=on_split, args=(cluster.id,), width="stretch")
    if st.button(t("board.to_indicator"), icon="🌈", width="stretch"):
        st.session_state[DRAFT_CLUSTERS_KEY] = [cluster.id]
        st.switch_page("pages/indicators.py")


def history_panel() -> None:
    with shell.session() as session:
        events = board.history(session=session, project_id=project_id)
    with st.expander(t("board.history", count=len(events))):
        for event in events:
            names = ", ".join(event.names)
            line = t(f"board.kind.{event.kind}") + (f" · {names}" if names else "")
            st.text(("✗ " if event.undone else "• ") + f"{event.created_at:%H:%M:%S} {line}")


project_id = shell.require_project()
st.title(t("board.title"))
st.caption(t("board.intro"))

if error := st.session_state.pop(ERROR_KEY, None):
    shell.show_error(error)
if done := st.session_state.pop(DONE_KEY, None):
    st.toast(t(done), icon="✅")

with shell.session() as session:
    view = board.load_board(session=session, project_id=project_id)
    entries = grid.list_grid(session=session, project_id=project_id)
    never_laid_out = not board.history(session=session, project_id=project_id, limit=1)
if never_laid_out and view.notes:
    # First visit: lay out the engine's suggestion at once (it is an operation like any other: undoable).
    with st.spinner(t("board.suggesting")):
        groups = suggestion(tuple((n.criterion_id, n.text) for n in view.notes), DEFAULT_THRESHOLD, shell.lang())
    try:
        with shell.session() as session:
            board.apply_suggestion(session=session, project_id=project_id, groups=groups, seen=view.versions)
            view = board.load_board(session=session, project_id=project_id)
    except SpiraleError:
        pass  # another screen laid it out at the same moment: this screen shows that board on its next run
families = {e.code: grid.label(e, shell.lang()) for e in entries}

controls = st.columns([3, 2, 2])
controls[0].slider(
    t("step2.threshold"),
    0.05,
    1.0,
    DEFAULT_THRESHOLD,
    0.05,
    help=t("board.threshold_help"),
    key="board_threshold",
    on_change=on_suggest,  # moving the threshold re-suggests what is not pinned
)
controls[1].button(t("board.suggest"), icon="🪄", on_click=on_suggest, width="stretch", type="primary")
controls[2].button(t("board.undo"), icon="↩️", on_click=on_undo, width="stretch", disabled=view.last_event_id is None)
pinned = sum(c.pinned for c in view.clusters)
st.caption(
    t("board.counts", clusters=len(view.clusters), pinned=pinned, notes=len(view.notes), alone=len(view.unclustered))
)
legend()

if not view.notes:
    st.info(t("step2.no_criteria"))
elif not view.clusters and view.last_event_id is None:
    st.info(t("board.empty"))

# The tools stay in view while the wall scrolls; in projector mode the notes stay wall-sized.
st.html(
    """<style>
    .st-key-board_tools { position: sticky; top: 3.5rem; max-height: 92vh; overflow-y: auto; }
    [data-testid="stColumn"]:has(.st-key-board_tools) { align-self: flex-start; position: sticky; top: 3.5rem; }
    </style>"""
)
if shell.projector_on():
    st.html("<style>.spirale-board-note { font-size: 1.05rem !important; }</style>")
wall, side = st.columns([3, 1])
with wall:
    draw_clusters(view, families)
with side, st.container(key="board_tools"):
    move_panel(view)
    st.divider()
    cluster_panel(view, entries)
    st.divider()
    history_panel()

# What this screen showed: the next action is checked against it.
st.session_state[SEEN_KEY] = view.versions
st.session_state[EVENT_KEY] = view.last_event_id
