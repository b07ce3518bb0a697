"""Step 2, the clustering board on the projector: the engine suggests, the mixed group decides.

Two views of the same board: "drag" (a note dragged to another cluster moves it; a cluster's handle dropped
onto another cluster merges them) and "cards" (compact cards, folded and unfolded, each with its buttons).
Every gesture and every action is one operation of the board's history, run with the cluster versions this
screen last showed: when another screen changed them meanwhile, it is refused with a message and nothing
changes. The last one is undone in one click.
"""

from collections.abc import Callable

import streamlit as st

from groups.models import QUESTIONS
from indicators import board
from indicators import service as indicators_service
from indicators.board import CLUSTER, NEW, NOTE, BoardView, ClusterView, NoteCard, SuggestedGroup
from indicators.engine import DEFAULT_THRESHOLD
from indicators.families import FamilySuggestion
from ui import access, shell
from ui.notes import QUESTION_COLOURS
from ui.shell import t
from workshop import grid
from workshop.errors import SpiraleError

try:  # a maintained drag-and-drop component; without it the board keeps its cards and tools
    from streamlit_sortables import sort_items
except ImportError:  # pragma: no cover - the package is in requirements.txt
    sort_items = None

access.require_page(__file__)

SEEN_KEY = "board_seen"  # cluster versions as this screen last drew them
EVENT_KEY = "board_last_event"  # the last operation this screen showed (what undo reverses)
CHOSEN_KEY = "board_chosen"  # the cluster the tools panel works on
DRAG_ROUND_KEY = "board_drag_round"  # a new drawing of the drag board after every drag, done or refused
DRAWN_KEY = "board_drawn"  # the drag board's containers as drawn: [(cluster id | None | NEW, [item, ...])]
ERROR_KEY = "board_error"
DONE_KEY = "board_done"
DRAFT_CLUSTERS_KEY = "indicator_from_clusters"  # read by pages/indicators.py
NEW_CLUSTER = NEW
COLUMNS = 3
DRAG, CARDS = "drag", "cards"
# Finesse: 1 = fewer, larger groups ... 9 = more, finer groups; 5 is the measured default threshold.
FINESSE_STEPS = 9
FINESSE_DEFAULT = 5
FINESSE_STEP = 0.06
MARKS = {"wellbeing": "+", "illbeing": "–", "action": "→"}  # a note's question, on the drag board's plain text
UNCARRIED_MARK = "◌"  # a note no indicator carries yet
DRAG_CHARS = 48  # a note on the drag board: eight clusters a row on 1920 px
NOTE_CHARS = 70  # a compact card's text; the whole note is one click away (cards view) or in the tools


def threshold_of(finesse: int) -> float:
    """The engine's distance threshold for a finesse step: finer groups are a lower threshold."""
    return round(DEFAULT_THRESHOLD + (FINESSE_DEFAULT - int(finesse)) * FINESSE_STEP, 2)


# ---------- engine results, cached per notes and settings ----------


@st.cache_data(max_entries=16, show_spinner=False)
def suggestion(notes: tuple[tuple[int, str], ...], threshold: float, lang: str) -> list[SuggestedGroup]:
    return board.suggest_groups(list(notes), threshold=threshold, lang=lang)


@st.cache_data(max_entries=64, show_spinner=False)
def representatives(texts_by_cluster: tuple[tuple[str, ...], ...]) -> list[int | None]:
    return board.representatives([list(texts) for texts in texts_by_cluster])


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
    with shell.read_session() as session:
        free = board.free_notes(session=session, project_id=project_id)
    groups = suggestion(tuple(free), threshold_of(st.session_state.get("board_finesse", FINESSE_DEFAULT)), shell.lang())
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


def on_drop(dropped: list[list[board.Item]]) -> bool:
    """One drag on the board: a note moved, or a cluster dropped onto another (merged); one undoable operation.

    False when the drag changed no note's or cluster's place (an order inside a cluster means nothing).
    """
    try:
        drop = board.read_drop(st.session_state.get(DRAWN_KEY, []), dropped)
    except SpiraleError as error:
        st.session_state[ERROR_KEY] = error
        drop = None
    else:
        if drop is None:
            return False
    # Done or refused, the drag board is drawn again from what the database holds.
    st.session_state[DRAG_ROUND_KEY] = st.session_state.get(DRAG_ROUND_KEY, 0) + 1
    if drop is None:
        return True
    if drop.kind == "merge":
        act(board.merge, "board.done.merge", source_id=drop.item, target_id=drop.target, seen=seen())
    else:
        target = None if drop.target == NEW_CLUSTER else drop.target
        act(board.move_notes, "board.done.move", criterion_ids=[drop.item], target_id=target, seen=seen())
    return True


# ---------- drawing ----------


def short(text: str, limit: int = NOTE_CHARS) -> str:
    """A compact card's text: cut on a word, with an ellipsis (the whole text stays one click away)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"


def note_html(note: NoteCard, uncarried: frozenset[int]) -> str:
    mark = f" <span title='{shell.escape(t('board.uncarried'))}'>{UNCARRIED_MARK}</span>" if (
        note.criterion_id in uncarried
    ) else ""  # fmt: skip
    return (
        f"<div class='spirale-board-note' data-testid='board-note' title='{shell.escape(note.text)}' "
        f"style='background:{QUESTION_COLOURS[note.question]};border:1px solid #555;border-radius:5px;"
        f"padding:.2em .45em;margin:.2em 0;color:#111;font-size:1em;line-height:1.25'>{shell.escape(short(note.text))}"
        f"<span style='font-size:.75em;opacity:.8'> · {shell.escape(note.group)}</span>{mark}</div>"
    )


def cluster_html(
    cluster: ClusterView, families: dict[str, str], rep: NoteCard | None, uncarried: frozenset[int]
) -> str:
    """A compact card that folds: its name, the note that says it best, its groups; the notes when unfolded."""
    code = cluster.component_code or cluster.family_code
    family = f" · 🏷️ {shell.escape(code)} {shell.escape(families.get(code, ''))}" if code else ""
    pin = "📌 " if cluster.pinned else ""
    border = "#0b5d1e" if cluster.pinned else "#333"
    groups = t("board.groups", count=len(cluster.groups), names=", ".join(cluster.groups))
    left = sum(n.criterion_id in uncarried for n in cluster.notes)
    left_line = f" · {UNCARRIED_MARK} {shell.escape(t('board.uncarried_count', count=left))}" if left else ""
    said = (
        f"<div data-testid='cluster-representative' style='font-style:italic;margin:.15em 0'>"
        f"« {shell.escape(short(rep.text, 110))} »</div>"
        if rep
        else ""
    )
    opened = " open" if st.session_state.get("board_unfold", True) else ""
    return (
        f"<div class='spirale-cluster' data-testid='cluster' style='border:3px solid {border};border-radius:8px;"
        f"padding:.4em;background:#fff;color:#111'><details{opened}>"
        f"<summary style='cursor:pointer'><span data-testid='cluster-name' style='font-size:1.25em;font-weight:700'>"
        f"{pin}{shell.escape(cluster.name or '—')}</span> <span>({len(cluster.notes)})</span>{said}"
        f"<span style='font-size:.8em;opacity:.85'>{shell.escape(groups)}{family}{left_line}</span></summary>"
        + "".join(note_html(n, uncarried) for n in cluster.notes)
        + "</details></div>"
    )


def legend() -> None:
    items = "".join(
        f"<span style='background:{QUESTION_COLOURS[q]};border:1px solid #555;border-radius:4px;padding:.1em .5em;"
        f"margin-right:.5em;color:#111'>{MARKS[q]} {shell.escape(t('question.' + q + '.short'))}</span>"
        for q in QUESTIONS
    )
    items += f"<span style='margin-left:.5em'>{UNCARRIED_MARK} {shell.escape(t('board.uncarried'))}</span>"
    st.html(f"<div data-testid='board-legend'>{items}</div>")


def matches(note: NoteCard, query: str) -> bool:
    return not query or query.casefold() in f"{note.text} {note.group}".casefold()


def shown_clusters(view: BoardView, query: str) -> list[ClusterView]:
    """The clusters a search leaves on the board: those whose name or one of whose notes matches."""
    if not query:
        return view.clusters
    folded = query.casefold()
    return [c for c in view.clusters if folded in c.name.casefold() or any(matches(n, query) for n in c.notes)]


def draw_cards(view: BoardView, clusters: list[ClusterView], families: dict[str, str], reps, uncarried, query) -> None:  # noqa: ANN001
    chosen = st.session_state.get(CHOSEN_KEY)
    for start in range(0, len(clusters), COLUMNS):
        for column, cluster in zip(st.columns(COLUMNS), clusters[start : start + COLUMNS], strict=False):
            with column:
                st.html(cluster_html(cluster, families, reps.get(cluster.id), uncarried))
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
    alone = [n for n in view.unclustered if matches(n, query)]
    if alone:
        st.subheader(t("board.alone", count=len(alone)))
        columns = st.columns(COLUMNS)
        for index, note in enumerate(alone):
            columns[index % COLUMNS].html(note_html(note, uncarried))


def unique(labels: list[str]) -> list[str]:
    """Labels the drag component tells apart (it returns texts): a repeated one gets a discreet number."""
    seen_: dict[str, int] = {}
    out = []
    for label in labels:
        seen_[label] = seen_.get(label, 0) + 1
        out.append(label if seen_[label] == 1 else f"{label} ({seen_[label]})")
    return out


DRAG_STYLE = """
.sortable-component.vertical .sortable-container { flex: 0 0 12.4%; min-width: 160px; padding: 3px; }
.sortable-container-header { font-style: italic; font-size: 13px; line-height: 1.2; color: #333; }
.sortable-container-body { min-height: 34px; }
.sortable-item, .sortable-item:hover { background: #fff; color: #111; border: 1px solid #666; border-radius: 4px;
  margin: 2px; padding: 1px 5px; font-size: 13px; line-height: 1.2; text-align: left; }
.sortable-item:first-child { background: #0b3d91; color: #fff; font-weight: 700; font-size: 15px; }
"""


# Projector mode: larger type, five clusters a row, read from the back of the room.
PROJECTOR_DRAG_STYLE = """
.sortable-component.vertical .sortable-container { flex: 0 0 19.8%; }
.sortable-item, .sortable-item:hover { font-size: 18px; border: 2px solid #111; }
.sortable-item:first-child { font-size: 20px; }
.sortable-container-header { font-size: 17px; color: #000; }
"""


def draw_drag(view: BoardView, clusters: list[ClusterView], reps, uncarried, query) -> None:  # noqa: ANN001
    """The drag board: one container per cluster (its handle first, then its notes), the notes alone, a new one."""
    unfold = st.session_state.get("board_unfold", True)
    containers: list[tuple[int | None, list[board.Item]]] = []
    headers, labels = [], []

    def note_label(note: NoteCard) -> str:
        mark = f" {UNCARRIED_MARK}" if note.criterion_id in uncarried else ""
        return f"{MARKS[note.question]} {short(note.text, DRAG_CHARS)} · {note.group}{mark}"

    for cluster in clusters:
        notes = [n for n in cluster.notes if matches(n, query)] if unfold else []
        rep = reps.get(cluster.id)
        said = f" · « {short(rep.text, 60)} »" if rep else ""
        # The name is on the cluster's handle (the first item), which is what one drags to merge.
        headers.append(f"{'📌 ' if cluster.pinned else ''}{t('board.notes_count', count=len(cluster.notes))}{said}")
        containers.append((cluster.id, [(CLUSTER, cluster.id), *((NOTE, n.criterion_id) for n in notes)]))
        labels += [f"⇄ {cluster.name or '—'} ({len(cluster.notes)})", *(note_label(n) for n in notes)]
    alone = [n for n in view.unclustered if matches(n, query)] if unfold else []
    headers.append(t("board.alone", count=len(view.unclustered)))
    containers.append((board.ALONE, [(NOTE, n.criterion_id) for n in alone]))
    labels += [note_label(n) for n in alone]
    headers.append(t("board.drop_new"))
    containers.append((NEW_CLUSTER, []))

    labels = unique(labels)
    flat = [item for _, items in containers for item in items]
    by_label = dict(zip(labels, flat, strict=True))
    payload, index = [], 0
    for header, (_, items) in zip(headers, containers, strict=True):
        payload.append({"header": header, "items": labels[index : index + len(items)]})
        index += len(items)
    # A new key whenever the board changes: the component starts again from what the database holds.
    round_ = st.session_state.get(DRAG_ROUND_KEY, 0)
    key = f"board_drag_{round_}_{view.last_event_id}_{hash((query, unfold, tuple(sorted(view.versions.items()))))}"
    style = DRAG_STYLE + (PROJECTOR_DRAG_STYLE if shell.projector_on() else "")
    result = sort_items(payload, multi_containers=True, direction="vertical", custom_style=style, key=key)
    st.session_state[DRAWN_KEY] = containers
    if result and result != payload:
        dropped = [[by_label[label] for label in container["items"] if label in by_label] for container in result]
        if on_drop(dropped):
            st.rerun()


def note_label_for(view: BoardView) -> Callable[[int], str]:
    where = {n.criterion_id: c.name for c in view.clusters for n in c.notes}
    notes = {n.criterion_id: n for n in view.notes}

    def label(criterion_id: int) -> str:
        note = notes[criterion_id]
        return f"{note.text[:80]} · {note.group} [{where.get(criterion_id, t('board.none'))}]"

    return label


def move_panel(view: BoardView) -> None:
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
            [*clusters, NEW_CLUSTER],
            key="board_move_to",
            format_func=lambda cid: t("board.new_cluster") if cid == NEW_CLUSTER else clusters[cid],
        )
        st.form_submit_button(t("board.move_button"), icon="➡️", on_click=on_move, width="stretch")


def cluster_panel(view: BoardView, entries, reps) -> None:  # noqa: ANN001 - the project's grid
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
        args=(cluster.id, not cluster.pinned),
        width="stretch",
    )
    st.text_input(t("board.name"), value=cluster.name, key=f"board_name_{cluster.id}", max_chars=board.CLUSTER_NAME_MAX)
    st.button(t("board.rename"), icon="🔤", on_click=on_rename, args=(cluster.id,), width="stretch")

    codes = {e.code: f"{e.code} · {grid.label(e, shell.lang())}" for e in entries}
    rows = tuple(tuple((k, getattr(e, k) or "") for k in grid.GRID_COLUMNS) for e in entries)
    with shell.read_session() as session:
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
    with shell.read_session() as session:
        events = board.history(session=session, project_id=project_id)
    with st.expander(t("board.history", count=len(events))):
        for event in events:
            names = ", ".join(event.names)
            line = t(f"board.kind.{event.kind}") + (f" · {names}" if names else "")
            st.text(("✗ " if event.undone else "• ") + f"{event.created_at:%H:%M:%S} {line}")


def finesse_bar(view: BoardView) -> None:
    """The engine's setting in the facilitator's words, with the count it gives before anything changes."""
    left, middle, right, apply = st.columns([2, 4, 2, 3], vertical_alignment="center")
    left.html(f"<div style='text-align:right'>{shell.escape(t('board.finesse_fewer'))}</div>")
    finesse = middle.slider(
        t("step2.threshold"),
        1,
        FINESSE_STEPS,
        FINESSE_DEFAULT,
        1,
        key="board_finesse",
        help=t("board.threshold_help"),
        label_visibility="collapsed",
    )
    right.html(f"<div>{shell.escape(t('board.finesse_finer'))}</div>")
    with shell.read_session() as session:
        free = board.free_notes(session=session, project_id=project_id)
    with st.spinner(t("board.suggesting")):
        groups = suggestion(tuple(free), threshold_of(finesse), shell.lang())
    pinned = sum(c.pinned for c in view.clusters)
    alone = len(free) - sum(len(g.criterion_ids) for g in groups)
    apply.button(
        t("board.finesse_apply", count=pinned + len(groups)),
        icon="🪄",
        on_click=on_suggest,
        width="stretch",
        type="primary",
        key="board_suggest",
    )
    st.caption(t("board.finesse_preview", count=pinned + len(groups), pinned=pinned, alone=alone))


project_id = shell.require_project()
st.title(t("board.title"))
projecting = shell.projector_on()
if not projecting:
    st.caption(t("board.intro"))

if error := st.session_state.pop(ERROR_KEY, None):
    shell.show_error(error)
if done := st.session_state.pop(DONE_KEY, None):
    st.toast(t(done), icon="✅")

with shell.read_session() as session:
    view = board.load_board(session=session, project_id=project_id)
    entries = grid.list_grid(session=session, project_id=project_id)
    never_laid_out = not board.history(session=session, project_id=project_id, limit=1)
if never_laid_out and view.notes:
    # First visit: lay out the engine's suggestion at once (it is an operation like any other: undoable).
    with st.spinner(t("board.suggesting")):
        # The notes in the order free_notes gives them: the finesse bar's count at the default is the same result.
        notes = tuple(sorted((n.criterion_id, n.text) for n in view.notes))
        groups = suggestion(notes, threshold_of(FINESSE_DEFAULT), shell.lang())
    try:
        with shell.session() as session:
            board.apply_suggestion(session=session, project_id=project_id, groups=groups, seen=view.versions)
            view = board.load_board(session=session, project_id=project_id)
    except SpiraleError:
        pass  # another screen laid it out at the same moment: this screen shows that board on its next run
with shell.read_session() as session:
    diversity = indicators_service.diversity(session=session, project_id=project_id, lang=shell.lang())
families = {e.code: grid.label(e, shell.lang()) for e in entries}
by_id = {n.criterion_id: n for n in view.notes}
rep_index = representatives(tuple(tuple(n.text for n in c.notes) for c in view.clusters))
reps = {c.id: c.notes[i] for c, i in zip(view.clusters, rep_index, strict=True) if i is not None}

if projecting:  # the room sees the notes on the first screen: the settings fold, undo stays one click away
    st.button(t("board.undo"), icon="↩️", on_click=on_undo, disabled=view.last_event_id is None)
    settings = st.expander(t("board.settings"), icon="⚙️")
else:
    settings = st.container()
with settings:
    if view.notes:
        finesse_bar(view)
    tools = st.columns([3, 2, 2, 2], vertical_alignment="bottom")
    query = tools[0].text_input(t("board.search"), key="board_search", placeholder=t("board.search_hint")).strip()
    modes = [DRAG, CARDS] if sort_items else [CARDS]
    mode = tools[1].radio(
        t("board.mode"), modes, format_func=lambda m: t(f"board.mode.{m}"), key="board_mode", horizontal=True
    )
    tools[2].toggle(t("board.unfold"), value=True, key="board_unfold")
    if not projecting:
        tools[3].button(
            t("board.undo"), icon="↩️", on_click=on_undo, width="stretch", disabled=view.last_event_id is None
        )
pinned = sum(c.pinned for c in view.clusters)
st.caption(
    t("board.counts", clusters=len(view.clusters), pinned=pinned, notes=len(view.notes), alone=len(view.unclustered))
)
if diversity.uncarried_ids and view.notes:
    message = t("board.voices_left", count=len(diversity.uncarried_ids & set(by_id)))
    if diversity.unheard:
        message += " " + t("board.voices_unheard", names=", ".join(diversity.unheard))
    st.info(message, icon="📣")
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
if projecting:
    st.html("<style>.spirale-board-note { font-size: 1.05rem !important; }</style>")
clusters = shown_clusters(view, query)
if mode == DRAG and view.notes:
    # The whole width for the notes (eight clusters a row on 1920 px); the tools fold above them.
    with st.expander(t("board.tools"), icon="✏️", expanded=bool(st.session_state.get(CHOSEN_KEY))):
        panel, moving, past = st.columns([2, 2, 1])
        with panel:
            cluster_panel(view, entries, reps)
        with moving:
            move_panel(view)
        with past:
            history_panel()
    if not projecting:
        st.caption(t("board.drag_help"))
    draw_drag(view, clusters, reps, diversity.uncarried_ids, query)
else:
    wall, side = st.columns([3, 1])
    with wall:
        draw_cards(view, clusters, families, reps, diversity.uncarried_ids, query)
    with side, st.container(key="board_tools"):
        cluster_panel(view, entries, reps)
        st.divider()
        move_panel(view)
        st.divider()
        history_panel()

# What this screen showed: the next action is checked against it.
st.session_state[SEEN_KEY] = view.versions
st.session_state[EVENT_KEY] = view.last_event_id
