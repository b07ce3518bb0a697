"""The clustering board for the room: every cluster (its name, the note that says it best, its notes, compact)
in columns across the screen, large type, strong contrast, no control. Pure functions (data in, HTML out).

Sized to the count: the largest type that holds the board on one 1920x1080 screen, else on two screens shown one
after the other, each whole (its clusters never cut by the screen's edge). The facilitator's page says which
screen the room sees (workshop.presenting); 200 notes fit in two at 17 px type or more.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from groups.models import QUESTIONS
from indicators.board import BoardView, ClusterView, NoteCard
from ui import shell
from ui.notes import QUESTION_COLOURS, shorten
from ui.presentation import CSS as WALL_CSS
from ui.shell import t

SCREEN = (1920, 1080)
HEAD_VH = 9.0  # the header's height
PAD_VW = 1.2  # the page's side margins
GAP_VW = 1.0  # between columns
CHAR_WIDTH_EM = 0.5  # average width of a French character in the sans-serif font
NOTE_LINES = 2  # a note takes at most two lines; its whole text is in its title


@dataclass(frozen=True)
class Density:
    """How the board is laid out: columns across the screen and the notes' type size (vh of the screen)."""

    columns: int
    font_vh: float

    def column_px(self) -> float:
        width = SCREEN[0] * (1 - 2 * PAD_VW / 100) - (self.columns - 1) * GAP_VW * SCREEN[0] / 100
        return width / self.columns

    def per_line(self, scale: float = 1.0) -> int:
        """Characters on one line of a column, at this type size times `scale`, inside a card's padding."""
        font_px = self.font_vh * scale * SCREEN[1] / 100
        return max(10, int((self.column_px() - 2.2 * font_px) / (font_px * CHAR_WIDTH_EM)))

    def note_chars(self) -> int:
        return self.per_line() * NOTE_LINES


# From a few big cards to many small ones: the largest type that holds the board wins.
DENSITIES = (
    Density(3, 3.0),
    Density(4, 2.5),
    Density(5, 2.1),
    Density(5, 1.9),
    Density(6, 1.75),
    Density(6, 1.68),
    Density(6, 1.6),
)
LINE_HEIGHT = 1.15
NAME_SCALE = 1.3  # a cluster's name, against a note's size


def _lines(text: str, per_line: int, most: int) -> int:
    return min(most, max(1, math.ceil(len(text) / per_line)))


Block = tuple[str, Sequence[str], bool]  # a cluster's name, its notes' texts, whether it may break across columns


def _head_vh(name: str, density: Density) -> float:
    """A block's name (two lines at most) and its padding."""
    line = density.font_vh * LINE_HEIGHT
    return _lines(name, density.per_line(NAME_SCALE), 2) * line * NAME_SCALE + 2.2 * density.font_vh


def _note_vh(text: str, density: Density) -> float:
    return _lines(text, density.per_line(), NOTE_LINES) * density.font_vh * LINE_HEIGHT + 0.45 * density.font_vh


def _heights(block: Block, density: Density) -> list[float]:
    """A block's height (vh): its name (two lines at most), its notes (two lines each), its padding.

    A block that may break across columns comes as pieces: its head with its first note, then a note each.
    """
    name, notes, breaks = block
    head = _head_vh(name, density)
    cards = [_note_vh(n, density) for n in notes]
    if not breaks or not cards:
        return [head + sum(cards)]
    return [head + cards[0], *cards[1:]]


def estimated_vh(blocks: Sequence[Block], density: Density) -> float:
    """How tall the columns run (vh): the lowest height at which the blocks, in order, fill the columns.

    CSS columns fill one column, then the next, never breaking a cluster; this finds their balanced height.
    """
    pieces = [h for block in blocks for h in _heights(block, density)]
    if not pieces:
        return 0.0
    height = max(max(pieces), sum(pieces) / density.columns)
    while True:
        used, filled = 1, 0.0
        for piece in pieces:
            if filled + piece > height:
                used, filled = used + 1, 0.0
            filled += piece
        if used <= density.columns:
            return height
        height *= 1.02


ROOM_VH = 100 - HEAD_VH - 5  # what a screen holds under its header (a margin for the estimate)
Column = list[tuple[ClusterView | None, Sequence[NoteCard]]]  # (a cluster, or None: notes alone; the notes it shows)


def _blocks(view: BoardView) -> list[Block]:
    blocks: list[Block] = [(c.name or "—", [n.text for n in c.notes], False) for c in view.clusters]
    if view.unclustered:
        blocks.append((t("present.board_alone"), [n.text for n in view.unclustered], True))
    return blocks


def _cluster_vh(cluster: ClusterView, density: Density) -> float:
    return _head_vh(cluster.name or "—", density) + sum(_note_vh(n.text, density) for n in cluster.notes)


def _packed(view: BoardView, density: Density, order: Sequence[ClusterView]) -> list[Column] | None:
    """Two screens' columns (the first screen's come first), each as high as a screen holds: every cluster whole
    in the first column with room for it, then the notes alone in the room left, a part in each column. None when
    two screens do not hold the board at this density."""
    columns: list[Column] = [[] for _ in range(2 * density.columns)]
    room = [ROOM_VH] * len(columns)
    for cluster in order:
        height = _cluster_vh(cluster, density)
        place = next((i for i, left in enumerate(room) if left >= height), None)
        if place is None:
            return None
        columns[place].append((cluster, cluster.notes))
        room[place] -= height
    alone, head = list(view.unclustered), _head_vh(t("present.board_alone"), density)
    for place, column in enumerate(columns):
        used, part = head, []
        while alone and used + _note_vh(alone[0].text, density) <= room[place]:
            used += _note_vh(alone[0].text, density)
            part.append(alone.pop(0))
        if part:
            column.append((None, part))
    return None if alone else columns


def two_screens(view: BoardView, density: Density) -> list[Column] | None:
    """The board over two screens: in the board's order when that holds, else the largest clusters first."""
    return _packed(view, density, view.clusters) or _packed(
        view, density, sorted(view.clusters, key=lambda c: -_cluster_vh(c, density))
    )


def layout(view: BoardView) -> tuple[Density, list[Column] | None]:
    """The largest type that holds the board on one screen (balanced CSS columns: None), else on two screens
    (their columns, six a screen); at the smallest type, the second screen runs on and its window scrolls."""
    blocks = _blocks(view)
    for density in DENSITIES:
        if estimated_vh(blocks, density) <= ROOM_VH:
            return density, None
    for density in DENSITIES:
        if (columns := two_screens(view, density)) is not None:
            return density, columns
    density = DENSITIES[-1]
    columns: list[Column] = [[] for _ in range(2 * density.columns)]
    for index, cluster in enumerate(view.clusters):
        columns[index % len(columns)].append((cluster, cluster.notes))
    if view.unclustered:
        columns[-1].append((None, view.unclustered))
    return density, columns


def screens(view: BoardView) -> int:
    """How many screens the board's presentation takes (1 or 2): the facilitator's page offers to switch."""
    return 1 if layout(view)[1] is None else 2


CSS = """
html, body, [data-testid="stApp"], [data-testid="stAppViewContainer"] { overflow: hidden !important; }
[data-testid="stMain"] { overflow-y: auto !important; scrollbar-width: none; }
.spz.spz-board { height: auto; min-height: 100vh; gap: .8vh; }
.spz-board .spz-head { height: 9vh; }
.spz-legend { display: flex; gap: 1vw; font-size: 2.2vh; font-weight: 700; }
.spz-legend span { border: .25vh solid #000; border-radius: .6vh; padding: .2vh .8vw; color: #000; }
.spz-clusters { column-gap: 1vw; column-fill: balance; }
.spz-cluster { break-inside: avoid; border: .35vh solid #000; border-radius: 1vh; padding: .5em .55em .35em;
  margin: 0 0 1.1vh; background: #fff; color: #000; line-height: 1.15; }
.spz-cluster.spz-pinned { border-color: #0b5d1e; border-width: .6vh; }
.spz-cname { font-weight: 800; display: flex; justify-content: space-between; gap: .6em; line-height: 1.1;
  overflow-wrap: break-word; }
.spz-cname .spz-count { flex: none; font-size: .8em; align-self: flex-start; }
.spz-cluster.spz-alone { break-inside: auto; }
.spz-bcols { display: flex; gap: 1vw; align-items: flex-start; }
.spz-bcol { flex: 1 1 0; min-width: 0; }
.spz-bnote { border: .2vh solid #333; border-radius: .5vh; padding: .06em .4em; margin: .2em 0 0; color: #000;
  overflow-wrap: break-word; overflow: hidden; display: -webkit-box; -webkit-line-clamp: 2;
  -webkit-box-orient: vertical; }
.spz-bnote.spz-said { font-style: italic; font-weight: 600; border-width: .35vh; border-color: #000; }
.spz-fresh { animation: spz-arrived 8s ease-out 1; }
"""


def _note(note: NoteCard, density: Density, *, said: bool = False) -> str:
    whole = " ".join(note.text.split())
    shown = shorten(whole, density.note_chars())
    label = f"«\u00a0{shown}\u00a0»" if said else shown  # non-breaking: no lone "»" on a line of its own
    return (
        f"<div class='spz-bnote{' spz-said' if said else ''}' data-testid='presented-note' "
        f"data-note='{note.criterion_id}' data-said='{'yes' if said else 'no'}' "
        f"title='{shell.escape(whole)} · {shell.escape(note.group)}' "
        f"style='background:{QUESTION_COLOURS[note.question]}'>{shell.escape(label)}</div>"
    )


def _block(
    name: str, notes: Sequence[NoteCard], said: NoteCard | None, density: Density, *, pinned: bool, fresh: bool,
    cluster_id: int | None,
) -> str:  # fmt: skip
    """A cluster: its name and count, the note that says it best first (in quotes), then its other notes."""
    others = [n for n in notes if said is None or n.criterion_id != said.criterion_id]
    cards = (_note(said, density, said=True) if said is not None else "") + "".join(_note(n, density) for n in others)
    classes = "spz-cluster" + (" spz-pinned" if pinned else "") + (" spz-fresh" if fresh else "")
    classes += " spz-alone" if cluster_id is None else ""
    marker = f" data-cluster='{cluster_id}'" if cluster_id is not None else ""
    return (
        f"<div class='{classes}' data-testid='presented-cluster'{marker} style='font-size:{density.font_vh}vh'>"
        f"<div class='spz-cname' style='font-size:{NAME_SCALE}em'><span data-testid='presented-cluster-name'>"
        f"{shell.escape(name)}</span><span class='spz-count'>{len(notes)}</span></div>{cards}</div>"
    )


def board_html(view: BoardView, reps: dict[int, NoteCard], fresh: set[int], *, title: str, screen: int = 1) -> str:
    """The board for the room: a header (title, counts, the questions' colours), then the clusters of the screen
    asked for (the first, or the second when the board takes two; the notes alone may run from one to the next)."""
    density, columns = layout(view)

    def block(cluster: ClusterView | None, notes: Sequence[NoteCard]) -> str:
        if cluster is None:
            return _block(t("present.board_alone"), notes, None, density, pinned=False, fresh=False, cluster_id=None)
        return _block(cluster.name or "—", notes, reps.get(cluster.id), density, pinned=cluster.pinned,
                      fresh=cluster.id in fresh, cluster_id=cluster.id)  # fmt: skip

    total = 1 if columns is None else 2
    screen = min(max(1, screen), total)
    if columns is None:
        body = "".join(block(c, c.notes) for c in view.clusters)
        body += block(None, view.unclustered) if view.unclustered else ""
        shown = f"<div class='spz-clusters' style='column-count:{density.columns}'>{body}</div>"
    else:
        mine = columns[: density.columns] if screen == 1 else columns[density.columns :]
        body = "".join(f"<div class='spz-bcol'>{''.join(block(c, n) for c, n in column)}</div>" for column in mine)
        shown = f"<div class='spz-clusters spz-bcols'>{body}</div>"
    if not view.notes and not view.clusters:
        shown = f"<div class='spz-empty'>{shell.escape(t('present.board_empty'))}</div>"
    legend = "".join(
        f"<span style='background:{QUESTION_COLOURS[q]}'>{shell.escape(t('question.' + q + '.short'))}</span>"
        for q in QUESTIONS
    )
    counts = t("present.board_counts", clusters=len(view.clusters), notes=len(view.notes), alone=len(view.unclustered))
    if total == 2:
        counts += " · " + t("present.board_screen", screen=screen, screens=total)
    return (
        f"<style>{WALL_CSS}{CSS}</style><div class='spz spz-board' data-testid='presentation' "
        f"data-screens='{total}' data-screen='{screen}' data-columns='{density.columns}'>"
        f"<header class='spz-head'><div><div class='spz-title'>{shell.escape(title)}</div>"
        f"<div class='spz-sub'>{shell.escape(counts)}</div></div><div class='spz-legend'>{legend}</div></header>"
        f"{shown}</div>"
    )


def changed_clusters(view: BoardView, before: dict[int, int] | None) -> set[int]:
    """The clusters new or changed since the last drawing (none on the first): gently highlighted."""
    if before is None:
        return set()
    return {cid for cid, version in view.versions.items() if before.get(cid) != version}
