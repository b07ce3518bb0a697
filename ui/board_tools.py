"""The clustering board's controls: every gesture and button is one operation of the board's history, run with
the cluster versions this screen last showed (refused with a message when another screen changed them).

Callbacks take the project first; the page passes it. Messages wait in the session for the next drawing.
"""

from collections.abc import Callable

import streamlit as st

from indicators import board
from indicators.board import BoardView
from ui import board as drawing
from ui import shell
from ui.shell import t
from workshop import grid
from workshop.errors import SpiraleError

SEEN_KEY = "board_seen"  # cluster versions as this screen last drew them
EVENT_KEY = "board_last_event"  # the last operation this screen showed (what undo reverses)
CHOSEN_KEY = "board_chosen"  # the cluster the tools panel works on
DRAG_ROUND_KEY = "board_drag_round"  # a new drawing of the drag board after every drag, done or refused
DRAWN_KEY = "board_drawn"  # the drag board's containers as drawn: [(cluster id | None | NEW, [item, ...])]
ERROR_KEY = "board_error"
DONE_KEY = "board_done"
DRAFT_CLUSTERS_KEY = "indicator_from_clusters"  # read by pages/indicators.py
FINESSE_KEY = "board_finesse"
BOARD_VIEW = "regroupements"  # the presentation's view of the board (pages/present.py)
SCREEN_KEY = "board_screen"  # which of the presentation's two screens the room sees


# ---------- actions (callbacks) ----------


def keep(error: SpiraleError) -> None:
    st.session_state[ERROR_KEY] = error


def act(project_id: int, operation: Callable[..., int], done: str, **params) -> None:  # noqa: ANN003
    """Run a board operation with what this screen saw; keep the message for the next drawing."""
    if shell.attempt(operation, on_refusal=keep, project_id=project_id, **params)[0]:
        st.session_state[DONE_KEY] = done


def seen() -> dict[int, int]:
    return st.session_state.get(SEEN_KEY, {})


def on_suggest(project_id: int) -> None:
    with shell.read_session() as session:
        free = board.free_notes(session=session, project_id=project_id)
    finesse = st.session_state.get(FINESSE_KEY, drawing.FINESSE_DEFAULT)
    groups = drawing.suggestion(tuple(free), drawing.cut_factor_of(finesse), shell.lang())
    act(project_id, board.apply_suggestion, "board.done.suggest", groups=groups, seen=seen())


def on_undo(project_id: int) -> None:
    act(project_id, board.undo, "board.done.undo", event_id=st.session_state.get(EVENT_KEY))


def on_pin(project_id: int, cluster_id: int, pinned: bool) -> None:
    done = "board.done.pin" if pinned else "board.done.unpin"
    act(project_id, board.pin, done, cluster_id=cluster_id, pinned=pinned, seen=seen())


def on_choose(cluster_id: int) -> None:
    st.session_state[CHOSEN_KEY] = cluster_id


def on_rename(project_id: int, cluster_id: int) -> None:
    name = st.session_state[f"board_name_{cluster_id}"]
    act(project_id, board.rename, "board.done.rename", cluster_id=cluster_id, name=name, seen=seen())


def on_family(project_id: int, cluster_id: int, family_codes: tuple[str, ...]) -> None:
    code = st.session_state[f"board_family_{cluster_id}"]
    family, component = (code, None) if code is None or code in family_codes else (None, code)
    act(project_id, board.set_family, "board.done.family", cluster_id=cluster_id, family_code=family,
        component_code=component, seen=seen())  # fmt: skip


def on_merge(project_id: int, cluster_id: int) -> None:
    target = st.session_state[f"board_merge_into_{cluster_id}"]
    act(project_id, board.merge, "board.done.merge", source_id=cluster_id, target_id=target, seen=seen())


def on_split(project_id: int, cluster_id: int) -> None:
    chosen = st.session_state[f"board_split_notes_{cluster_id}"]
    act(project_id, board.split, "board.done.split", cluster_id=cluster_id, criterion_ids=chosen, seen=seen())


def on_move(project_id: int) -> None:
    target = st.session_state["board_move_to"]
    act(project_id, board.move_notes, "board.done.move", criterion_ids=st.session_state["board_move_notes"],
        target_id=None if target == drawing.NEW_CLUSTER else target, seen=seen())  # fmt: skip


def on_drop(project_id: int, dropped: list[list[board.Item]]) -> bool:
    """One drag on the board: a note moved, or a cluster dropped onto another (merged); one undoable operation.

    False when the drag changed no note's or cluster's place (an order inside a cluster means nothing).
    """
    read, drop = shell.attempt(
        board.read_drop, opens=None, on_refusal=keep, drawn=st.session_state.get(DRAWN_KEY, []), dropped=dropped
    )
    if read and drop is None:
        return False
    # Done or refused, the drag board is drawn again from what the database holds.
    st.session_state[DRAG_ROUND_KEY] = st.session_state.get(DRAG_ROUND_KEY, 0) + 1
    if drop is None:
        return True
    if drop.kind == "merge":
        act(project_id, board.merge, "board.done.merge", source_id=drop.item, target_id=drop.target, seen=seen())
    else:
        target = None if drop.target == drawing.NEW_CLUSTER else drop.target
        act(project_id, board.move_notes, "board.done.move", criterion_ids=[drop.item], target_id=target,
            seen=seen())  # fmt: skip
    return True


# ---------- the cards view and the tools ----------


def draw_cards(project_id: int, view: BoardView, clusters, families, reps, uncarried, query: str) -> None:  # noqa: ANN001
    chosen = st.session_state.get(CHOSEN_KEY)
    for start in range(0, len(clusters), drawing.COLUMNS):
        row = zip(st.columns(drawing.COLUMNS), clusters[start : start + drawing.COLUMNS], strict=False)
        for column, cluster in row:
            with column:
                st.html(drawing.cluster_html(cluster, families, reps.get(cluster.id), uncarried))
                # Side by side on a laptop; one above the other in projector mode, where labels are large.
                pin, choose = (st.container(), st.container()) if shell.projector_on() else st.columns(2)
                pin.button(
                    t("board.unpin") if cluster.pinned else t("board.pin"),
                    key=f"pin_{cluster.id}",
                    icon="📌",
                    on_click=on_pin,
                    args=(project_id, cluster.id, not cluster.pinned),
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
    alone = [n for n in view.unclustered if drawing.matches(n, query)]
    if alone:
        st.subheader(t("board.alone", count=len(alone)))
        columns = st.columns(drawing.COLUMNS)
        for index, note in enumerate(alone):
            columns[index % drawing.COLUMNS].html(drawing.note_html(note, uncarried))


def note_label_for(view: BoardView) -> Callable[[int], str]:
    where = {n.criterion_id: c.name for c in view.clusters for n in c.notes}
    notes = {n.criterion_id: n for n in view.notes}

    def label(criterion_id: int) -> str:
        note = notes[criterion_id]
        return f"{note.text[:80]} · {note.group} [{where.get(criterion_id, t('board.none'))}]"

    return label


def move_panel(project_id: int, view: BoardView) -> None:
    """Selection-based moving, from the keyboard too: choose notes and a cluster, then one click (a form)."""
    st.subheader(t("board.move"))
    clusters = {c.id: c.name or "—" for c in view.clusters}
    with st.form("board_move", border=False, clear_on_submit=True):
        st.multiselect(
            t("board.move_notes"),
            [n.criterion_id for n in view.notes],
            format_func=note_label_for(view),
            key="board_move_notes",
            placeholder=t("board.pick_notes"),
        )
        st.selectbox(
            t("board.move_to"),
            [*clusters, drawing.NEW_CLUSTER],
            key="board_move_to",
            format_func=lambda cid: t("board.new_cluster") if cid == drawing.NEW_CLUSTER else clusters[cid],
        )
        st.form_submit_button(
            t("board.move_button"), icon="➡️", on_click=on_move, args=(project_id,), width="stretch"
        )


def _family_picker(project_id: int, cluster, entries) -> None:  # noqa: ANN001 - a ClusterView, the project's grid
    codes = {e.code: f"{e.code} · {grid.label(e, shell.lang())}" for e in entries}
    rows = tuple(tuple((k, getattr(e, k) or "") for k in grid.GRID_COLUMNS) for e in entries)
    with shell.read_session() as session:
        confirmed = tuple(board.family_inputs(session=session, project_id=project_id).confirmed)
    suggested = drawing.cluster_family(tuple(n.text for n in cluster.notes), rows, confirmed)
    current = cluster.component_code or cluster.family_code
    default = current or (suggested.component or suggested.family if suggested else None)
    options = [None, *codes]
    if suggested:
        label = suggested.label_en if shell.lang() == "en" and suggested.label_en else suggested.label_fr
        code = suggested.component or suggested.family
        st.caption(t("board.family_suggested", code=code, label=label, confidence=round(suggested.confidence * 100)))
    st.selectbox(
        t("board.family"),
        options,
        index=options.index(default) if default in options else 0,
        format_func=lambda c: codes[c] if c else "—",
        key=f"board_family_{cluster.id}",
    )
    family_codes = tuple(e.code for e in entries if e.code == e.family)
    st.button(t("board.set_family"), icon="🏷️", on_click=on_family, args=(project_id, cluster.id, family_codes),
              width="stretch")  # fmt: skip


def cluster_panel(project_id: int, view: BoardView, entries, reps) -> None:  # noqa: ANN001 - the project's grid
    names = {c.id: f"{'📌 ' if c.pinned else ''}{c.name or '—'} ({len(c.notes)})" for c in view.clusters}
    if st.session_state.get(CHOSEN_KEY) not in names:
        st.session_state[CHOSEN_KEY] = None  # before the widget is drawn: no cluster chosen yet
    st.selectbox(
        t("board.chosen_pick"), list(names), format_func=names.get, key=CHOSEN_KEY, placeholder=t("board.pick_cluster")
    )
    cluster = view.cluster(st.session_state.get(CHOSEN_KEY) or -2)
    if cluster is None:
        return
    st.markdown(f"**{t('board.chosen', name=shell.md_escape(cluster.name or '—'))}**")
    if rep := reps.get(cluster.id):
        st.caption(t("board.representative"))
        st.text(f"« {rep.text} »")
    st.button(
        t("board.unpin") if cluster.pinned else t("board.pin"),
        key=f"panel_pin_{cluster.id}",
        icon="📌",
        on_click=on_pin,
        args=(project_id, cluster.id, not cluster.pinned),
        width="stretch",
    )
    st.text_input(t("board.name"), value=cluster.name, key=f"board_name_{cluster.id}", max_chars=board.CLUSTER_NAME_MAX)
    st.button(t("board.rename"), icon="🔤", on_click=on_rename, args=(project_id, cluster.id), width="stretch")
    _family_picker(project_id, cluster, entries)

    others = {c.id: c.name or "—" for c in view.clusters if c.id != cluster.id}
    if others:
        st.selectbox(t("board.merge_into"), list(others), format_func=others.get, key=f"board_merge_into_{cluster.id}")
        st.button(t("board.merge"), icon="🔗", on_click=on_merge, args=(project_id, cluster.id), width="stretch")
    texts = {n.criterion_id: f"{n.text[:80]} · {n.group}" for n in cluster.notes}
    with st.form(f"board_split_{cluster.id}", border=False, clear_on_submit=True):
        st.multiselect(
            t("board.split_notes"),
            list(texts),
            format_func=texts.get,
            key=f"board_split_notes_{cluster.id}",
            placeholder=t("board.pick_notes"),
        )
        st.form_submit_button(
            t("board.split"), icon="✂️", on_click=on_split, args=(project_id, cluster.id), width="stretch"
        )
    if st.button(t("board.to_indicator"), icon="🌈", width="stretch"):
        st.session_state[DRAFT_CLUSTERS_KEY] = [cluster.id]
        st.switch_page("pages/indicators.py")


def history_panel(project_id: int) -> None:
    with shell.read_session() as session:
        events = board.history(session=session, project_id=project_id)
    with st.expander(t("board.history", count=len(events))):
        for event in events:
            names = ", ".join(event.names)
            line = t(f"board.kind.{event.kind}") + (f" · {names}" if names else "")
            st.text(("✗ " if event.undone else "• ") + f"{event.created_at:%H:%M:%S} {line}")


def finesse_bar(project_id: int, view: BoardView) -> None:
    """The engine's setting in the facilitator's words, with the count it gives before anything changes."""
    left, middle, right, apply = st.columns([2, 4, 2, 3], vertical_alignment="center")
    left.html(f"<div style='text-align:right'>{shell.escape(t('board.finesse_fewer'))}</div>")
    finesse = middle.slider(
        t("step2.threshold"),
        1,
        drawing.FINESSE_STEPS,
        drawing.FINESSE_DEFAULT,
        1,
        key=FINESSE_KEY,
        help=t("board.threshold_help"),
        label_visibility="collapsed",
    )
    right.html(f"<div>{shell.escape(t('board.finesse_finer'))}</div>")
    with shell.read_session() as session:
        free = board.free_notes(session=session, project_id=project_id)
    with st.spinner(t("board.suggesting")):
        groups = drawing.suggestion(tuple(free), drawing.cut_factor_of(finesse), shell.lang())
    pinned = sum(c.pinned for c in view.clusters)
    alone = len(free) - sum(len(g.criterion_ids) for g in groups)
    apply.button(
        t("board.finesse_apply", count=pinned + len(groups)),
        icon="🪄",
        on_click=on_suggest,
        args=(project_id,),
        width="stretch",
        type="primary",
        key="board_suggest",
    )
    st.caption(t("board.finesse_preview", count=pinned + len(groups), pinned=pinned, alone=alone))
