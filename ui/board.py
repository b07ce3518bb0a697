"""The clustering board's drawing: the engine's results cached per notes and settings, the compact cards, the
drag board's containers. Shared by the facilitator's board (pages/board.py) and the room's presentation of it
(pages/present.py), so both show the same names and the same note beside each one."""

from collections.abc import Sequence

import streamlit as st

from groups.models import QUESTIONS
from indicators import board
from indicators.board import CLUSTER, NEW, NOTE, BoardView, ClusterView, NoteCard, SuggestedGroup
from indicators.engine import DEFAULT_CUT_FACTOR
from indicators.families import FamilySuggestion
from ui import shell
from ui.notes import QUESTION_COLOURS
from ui.shell import t

try:  # a maintained drag-and-drop component; without it the board keeps its cards and tools
    from streamlit_sortables import sort_items
except ImportError:  # pragma: no cover - the package is in requirements.txt
    sort_items = None

NEW_CLUSTER = NEW
COLUMNS = 3
DRAG, CARDS = "drag", "cards"
UNFOLD_KEY = "board_unfold"
# Finesse: 1 = fewer, larger groups ... 9 = more, finer groups; 5 is the measured default cut, read from the notes.
FINESSE_STEPS = 9
FINESSE_DEFAULT = 5
FINESSE_STEP = 0.06  # of the engine's cut factor: a step moves the cut by about 5 %
MARKS = {"wellbeing": "+", "illbeing": "–", "action": "→"}  # a note's question, on the drag board's plain text
UNCARRIED_MARK = "◌"  # a note no indicator carries yet
DRAG_CHARS = 48  # a note on the drag board: eight clusters a row on 1920 px
PROJECTOR_DRAG_CHARS = 40  # six clusters a row, larger type: 200 notes within two screens' height
NOTE_CHARS = 70  # a compact card's text; the whole note is one click away (cards view) or in the tools


def cut_factor_of(finesse: int) -> float:
    """The engine's cut factor for a finesse step: finer groups are a lower factor (a tighter cut)."""
    return round(DEFAULT_CUT_FACTOR + (FINESSE_DEFAULT - int(finesse)) * FINESSE_STEP, 2)


# ---------- engine results, cached per notes and settings ----------


@st.cache_data(max_entries=16, show_spinner=False)
def suggestion(notes: tuple[tuple[int, str], ...], cut_factor: float, lang: str) -> list[SuggestedGroup]:
    return board.suggest_groups(list(notes), cut_factor=cut_factor, lang=lang)


@st.cache_data(max_entries=64, show_spinner=False)
def representatives(texts_by_cluster: tuple[tuple[str, ...], ...]) -> list[int | None]:
    return board.representatives([list(texts) for texts in texts_by_cluster])


def representative_notes(view: BoardView) -> dict[int, NoteCard]:
    """Per cluster, the note that says it best (read beside its name, to check the name says what notes say)."""
    index = representatives(tuple(tuple(n.text for n in c.notes) for c in view.clusters))
    return {c.id: c.notes[i] for c, i in zip(view.clusters, index, strict=True) if i is not None}


@st.cache_resource(max_entries=4, show_spinner=False)
def family_suggester(grid_rows: tuple[tuple[tuple[str, str], ...], ...], confirmed: tuple[tuple[str, str], ...]):  # noqa: ANN201
    return board.make_suggester(board.FamilyInputs([dict(row) for row in grid_rows], list(confirmed)))


@st.cache_data(max_entries=256, show_spinner=False)
def cluster_family(
    texts: tuple[str, ...], grid_rows: tuple[tuple[tuple[str, str], ...], ...], confirmed: tuple[tuple[str, str], ...]
) -> FamilySuggestion | None:
    return board.suggest_cluster_family(list(texts), family_suggester(grid_rows, confirmed))


# ---------- compact cards ----------


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
    opened = " open" if st.session_state.get(UNFOLD_KEY, True) else ""
    return (
        f"<div class='spirale-cluster' data-testid='cluster' style='border:3px solid {border};border-radius:8px;"
        f"padding:.4em;background:#fff;color:#111'><details{opened}>"
        f"<summary style='cursor:pointer'><span data-testid='cluster-name' style='font-size:1.25em;font-weight:700'>"
        f"{pin}{shell.escape(cluster.name or '—')}</span> <span>({len(cluster.notes)})</span>{said}"
        f"<span style='font-size:.8em;opacity:.85'>{shell.escape(groups)}{family}{left_line}</span></summary>"
        + "".join(note_html(n, uncarried) for n in cluster.notes)
        + "</details></div>"
    )


def legend(after: Sequence[str] = ()) -> None:
    """The questions' colours and the mark of a note no indicator carries; then `after` (projector mode: the counts
    on the same line)."""
    items = "".join(
        f"<span style='background:{QUESTION_COLOURS[q]};border:1px solid #555;border-radius:4px;padding:.1em .5em;"
        f"margin-right:.5em;color:#111'>{MARKS[q]} {shell.escape(t('question.' + q + '.short'))}</span>"
        for q in QUESTIONS
    )
    items += f"<span style='margin-left:.5em'>{UNCARRIED_MARK} {shell.escape(t('board.uncarried'))}</span>"
    items += "".join(f"<span style='margin-left:1.2em'>{shell.escape(text)}</span>" for text in after if text)
    st.html(f"<div data-testid='board-legend'>{items}</div>")


def matches(note: NoteCard, query: str) -> bool:
    return not query or query.casefold() in f"{note.text} {note.group}".casefold()


def shown_clusters(view: BoardView, query: str) -> list[ClusterView]:
    """The clusters a search leaves on the board: those whose name or one of whose notes matches."""
    if not query:
        return view.clusters
    folded = query.casefold()
    return [c for c in view.clusters if folded in c.name.casefold() or any(matches(n, query) for n in c.notes)]


# ---------- the drag board ----------


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
/* The notes alone (the second last container) have no handle: their first item is a note like the others. */
.sortable-container:nth-last-child(2 of .sortable-container) .sortable-item:first-child {
  background: #fff; color: #111; font-weight: 400; }
"""


# Projector mode: larger type, six columns read from the back of the room, the clusters packed in them one
# under the other (no row as tall as its tallest cluster), their notes close up: 200 notes within two screens.
PROJECTOR_DRAG_STYLE = """
.sortable-component.vertical { display: block; column-count: 6; column-gap: 4px; }
.sortable-component.vertical .sortable-container { display: inline-block; width: 100%; break-inside: avoid;
  min-width: 0; padding: 2px; margin: 0 0 6px; }
.sortable-item, .sortable-item:hover { font-size: 17px; line-height: 1.15; border: 1px solid #111; margin: 1px;
  padding: 1px 4px; }
.sortable-item:first-child { font-size: 19px; }
.sortable-container:nth-last-child(2 of .sortable-container) .sortable-item:first-child { font-size: 17px; }
.sortable-container-header { font-size: 15px; color: #000; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; padding: 0 2px; }
"""

Container = tuple[int | None, list[board.Item]]


def drag_payload(
    view: BoardView, clusters: list[ClusterView], reps, uncarried, query: str, *, unfold: bool, chars: int,  # noqa: ANN001
    groups: bool = True,
) -> tuple[list[dict], list[Container], dict[str, board.Item]]:
    """Pure: the component's containers (header, item labels), what each one holds, and each label's item.

    One container per cluster (its handle first, then its notes), the notes alone, an empty one for a new cluster.
    Without `groups`, a note's label leaves out its group (projector mode: the room reads the notes).
    """
    containers: list[Container] = []
    headers, labels = [], []

    def note_label(note: NoteCard) -> str:
        mark = f" {UNCARRIED_MARK}" if note.criterion_id in uncarried else ""
        origin = f" · {note.group}" if groups else ""
        return f"{MARKS[note.question]} {short(note.text, chars)}{origin}{mark}"

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
    return payload, containers, by_label


def draw_drag(
    view: BoardView, clusters: list[ClusterView], reps, uncarried, query: str, round_: int  # noqa: ANN001
) -> tuple[list[Container], list[list[board.Item]] | None]:
    """The drag board; what it holds as drawn, and where the items sit after a drag (None: no drag)."""
    unfold = st.session_state.get(UNFOLD_KEY, True)
    projecting = shell.projector_on()
    chars = PROJECTOR_DRAG_CHARS if projecting else DRAG_CHARS
    payload, containers, by_label = drag_payload(
        view, clusters, reps, uncarried, query, unfold=unfold, chars=chars, groups=not projecting
    )
    # A new key whenever the board changes: the component starts again from what the database holds.
    # Projector mode too: its style and labels are the component's arguments when it starts.
    drawn = hash((query, unfold, projecting, tuple(sorted(view.versions.items()))))
    key = f"board_drag_{round_}_{view.last_event_id}_{drawn}"
    style = DRAG_STYLE + (PROJECTOR_DRAG_STYLE if projecting else "")
    result = sort_items(payload, multi_containers=True, direction="vertical", custom_style=style, key=key)
    if not result or result == payload:
        return containers, None
    return containers, [[by_label[label] for label in c["items"] if label in by_label] for c in result]
