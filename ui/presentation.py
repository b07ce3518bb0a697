"""The presentation: what the room sees on the second screen, one HTML block that fills it.

No widget, no sidebar, no Streamlit chrome: large type, strong contrast, one column per question, cards sized
to their count so that every note stays inside the screen, the join code and QR code in a corner, counts per
question, a gentle highlight on what just arrived. Pure functions (data in, HTML out) so tests read them.

More notes than the smallest cards hold (type of 20 px on 1920x1080, two lines a card) take several screens,
each whole, shown one at a time: the facilitator's page says which (ui.presenting, as the board's).
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import segno

from groups.models import QUESTIONS, CriterionRead
from groups.service import WallColumn
from ui import shell
from ui.notes import QUESTION_COLOURS, shorten
from ui.shell import t

# Laid out for 1920x1080 (in viewport units, so any screen of that shape): the cards' area of one question.
SCREEN = (1920, 1080)
CARDS_HEIGHT_VH = 69.0  # what is left under the header and the question's heading (its wording on two lines)
COLUMN_WIDTH_PX = 590  # a third of the screen, less the margins
CARD_GAP_VH = 0.8
CHAR_WIDTH_EM = 0.5  # average width of a French character in the sans-serif font
LINE_HEIGHT = 1.18


@dataclass(frozen=True)
class Level:
    """How densely a question's cards are laid out: a grid of columns x rows, and the type size (in vh)."""

    columns: int
    rows: int
    font_vh: float

    @property
    def capacity(self) -> int:
        return self.columns * self.rows

    def lines(self, labelled: bool = False) -> int:
        """The note's lines a card holds at this size on a 1920x1080 screen; a labelled card's first line is its
        group's name."""
        font_px = self.font_vh * SCREEN[1] / 100
        card_height = (CARDS_HEIGHT_VH - CARD_GAP_VH * (self.rows - 1)) / self.rows * SCREEN[1] / 100
        return max(1, max(1, int((card_height - 0.5 * font_px) / (font_px * LINE_HEIGHT))) - labelled)

    def characters(self, labelled: bool = False) -> int:
        """About how many characters those lines hold (whole lines only)."""
        font_px = self.font_vh * SCREEN[1] / 100
        card_width = (COLUMN_WIDTH_PX - CARD_GAP_VH * SCREEN[1] / 100 * (self.columns - 1)) / self.columns
        per_line = max(8, int((card_width - 1.2 * font_px) / (font_px * CHAR_WIDTH_EM)))
        return self.lines(labelled) * per_line


# From a few big cards to many small ones; the largest type that holds the question's notes wins. The last is
# the smallest read from the back of a room (20 px, two lines a card): more notes go to another screen.
LEVELS = (
    Level(1, 4, 3.6),
    Level(1, 6, 3.1),
    Level(2, 6, 2.7),
    Level(2, 9, 2.35),
    Level(3, 10, 1.9),
)
# Cards with their group's name above the note (mutual knowledge): three lines each, so two for the note.
LABELLED_LEVELS = (
    Level(1, 3, 3.6),
    Level(1, 5, 3.1),
    Level(2, 5, 2.7),
    Level(2, 6, 2.35),
    Level(3, 8, 1.9),
)
PER_SCREEN = LEVELS[-1].capacity  # a question's notes on one screen, at most
PER_LABELLED_SCREEN = LABELLED_LEVELS[-1].capacity


def level_for(count: int, levels: Sequence[Level] = LEVELS) -> Level:
    return next((level for level in levels if count <= level.capacity), levels[-1])


def screens_for(counts: Iterable[int], per_screen: int = PER_SCREEN) -> int:
    """How many screens the questions' notes take (their counts): each question's share of a screen fits it."""
    return max(1, math.ceil(max(counts, default=0) / per_screen))


def wall_screens(columns: Sequence[WallColumn]) -> int:
    """How many screens a group's wall takes (a veiled question shows its count, whatever its notes)."""
    return screens_for(len(c.notes) for c in columns if not c.veiled)


def on_screen(notes: Sequence[CriterionRead], screen: int, screens: int) -> Sequence[CriterionRead]:
    """A question's notes on one of the screens (1-based): its notes in their order, shared evenly."""
    size = math.ceil(len(notes) / screens)
    return notes[(screen - 1) * size : screen * size]


def wall_view(group_id: int) -> str:
    """The name under which a group's page publishes its wall's presentation state (workshop.presenting)."""
    return f"mur-{group_id}"


def qr_data_uri(link: str) -> str:
    return segno.make(link, error="m").png_data_uri(scale=6, border=2)


CSS = """
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
[data-testid="stToastContainer"], footer { display: none !important; }
html, body, [data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"] {
  background: #fff !important; overflow: hidden !important; }
[data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: none !important; }
[data-testid="stMain"] { padding: 0 !important; }
.spz { box-sizing: border-box; height: 100vh; width: 100vw; padding: 1.6vh 1.5vw; display: flex;
  flex-direction: column; gap: 1.2vh; color: #000; background: #fff; font-family: "Source Sans", sans-serif; }
.spz * { box-sizing: border-box; }
.spz-head { height: 13vh; display: flex; align-items: center; justify-content: space-between; gap: 2vw; }
.spz-title { font-size: 4.6vh; font-weight: 800; line-height: 1.1; overflow: hidden; display: -webkit-box;
  -webkit-line-clamp: 2; -webkit-box-orient: vertical; }
.spz-sub { font-size: 2.4vh; color: #222; margin-top: .4vh; }
.spz-timer { font-size: 3.6vh; font-weight: 800; white-space: nowrap; }
.spz-timer.spz-late { color: #8a1c1c; }
.spz-join { display: flex; align-items: center; gap: 1vw; flex: none; }
.spz-join-text { text-align: right; font-size: 2.2vh; line-height: 1.25; }
.spz-code { font-size: 6vh; font-weight: 800; letter-spacing: .12em; line-height: 1; }
.spz-join img { height: 13vh; width: 13vh; image-rendering: pixelated; }
.spz-cols { flex: 1; min-height: 0; display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 1.5vw; }
.spz-col { min-height: 0; display: flex; flex-direction: column; gap: 1vh; }
.spz-qhead { flex: none; border-bottom: .5vh solid #000; padding-bottom: .7vh; display: flex;
  flex-direction: column; gap: .4vh; }
.spz-qname { font-size: 3.6vh; font-weight: 800; display: flex; justify-content: space-between; gap: 1vw; }
.spz-count { min-width: 2.2em; text-align: center; border-radius: 1em; background: #000; color: #fff;
  padding: 0 .5em; }
.spz-qtext { font-size: 1.9vh; line-height: 1.3; color: #222; min-height: 2.6em; overflow-wrap: break-word; }
.spz-cards { flex: 1; min-height: 0; display: grid; gap: 0.8vh; overflow: hidden; }
.spz-card { min-height: 0; min-width: 0; overflow: hidden; border: .25vh solid #333; border-radius: .8vh;
  padding: .25em .6em; color: #000; line-height: 1.18; display: flex; flex-direction: column;
  justify-content: center; }
.spz-card .spz-text { overflow: hidden; overflow-wrap: break-word; display: -webkit-box; -webkit-box-orient: vertical; }
.spz-card .spz-who { font-size: .7em; font-weight: 700; color: #222; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.spz-fresh { animation: spz-arrived 8s ease-out 1; }
@keyframes spz-arrived { 0% { box-shadow: 0 0 0 .9vh #f2b705; transform: scale(1.03); }
  20% { transform: scale(1); } 100% { box-shadow: 0 0 0 0 rgba(242, 183, 5, 0); } }
.spz-veiled, .spz-empty { flex: 1; display: flex; flex-direction: column; align-items: center;
  justify-content: center; text-align: center; gap: 1.5vh; }
.spz-veiled { border: .4vh dashed #000; border-radius: 1.5vh; }
.spz-veiled-count { font-size: 16vh; font-weight: 800; line-height: 1; }
.spz-veiled-text, .spz-empty { font-size: 3vh; padding: 0 1vw; }
.spz-empty { color: #333; }
"""


def _card(criterion: CriterionRead, level: Level, *, fresh: bool, who: str = "") -> str:
    whole = " ".join(criterion.shown_text.split())  # one paragraph: the card's lines are the screen's
    # The browser ends the text where its lines end (line-clamp, with "…"): the estimate of characters is only
    # a cap, set high, since a cautious one cut cards whose text would have fit ("Garder la santé, surtout les…").
    lines = level.lines(labelled=bool(who))
    shown = shorten(whole, max(24, 2 * level.characters(labelled=bool(who))))
    label = f"<div class='spz-who'>{shell.escape(who)}</div>" if who else ""
    return (
        f"<div class='spz-card{' spz-fresh' if fresh else ''}' data-testid='presented-note' "
        f"data-note='{criterion.id}' title='{shell.escape(whole)}' "
        f"style='background:{QUESTION_COLOURS[criterion.question]};font-size:{level.font_vh}vh'>"
        f"{label}<div class='spz-text' style='-webkit-line-clamp:{lines}'>{shell.escape(shown)}</div></div>"
    )


def _cards(notes: Sequence[CriterionRead], fresh: set[int], who: dict[int, str] | None = None) -> str:
    # A screen's share of a question: its level holds it (screens_for).
    levels = LABELLED_LEVELS if who else LEVELS
    level = level_for(len(notes), levels)
    rows = max(level.rows, math.ceil(len(notes) / level.columns))
    cells = "".join(_card(c, level, fresh=c.id in fresh, who=(who or {}).get(c.id, "")) for c in notes)
    return (
        f"<div class='spz-cards' data-level='{levels.index(level)}' style='grid-template-columns:"
        f"repeat({level.columns},minmax(0,1fr));grid-template-rows:repeat({rows},minmax(0,1fr))'>{cells}</div>"
    )


def _question_head(question: str, count: int, wording: str) -> str:
    return (
        f"<div class='spz-qhead'><div class='spz-qname'><span>{shell.escape(t('question.' + question + '.short'))}"
        f"</span><span class='spz-count' data-testid='presented-count' data-question='{question}'>{count}</span></div>"
        f"<div class='spz-qtext'>{shell.escape(wording)}</div></div>"
    )


def _column(column: WallColumn, wording: str, fresh: set[int], screen: tuple[int, int]) -> str:
    if column.veiled:
        body = (
            f"<div class='spz-veiled' data-testid='veiled'><div class='spz-veiled-count'>{column.count}</div>"
            f"<div class='spz-veiled-text'>{shell.escape(t('present.veiled', count=column.count))}</div></div>"
        )
    elif not column.notes:
        body = f"<div class='spz-empty'>{shell.escape(t('present.waiting'))}</div>"
    else:
        body = _cards(on_screen(column.notes, *screen), fresh)
    return _section(column.question, _question_head(column.question, column.count, wording), body)


def _section(question: str, head: str, body: str) -> str:
    return f"<section class='spz-col' data-question='{question}'>{head}{body}</section>"


def _frame(head: str, body: str, screen: tuple[int, int] = (1, 1)) -> str:
    return (
        f"<style>{CSS}</style><div class='spz' data-testid='presentation' data-screen='{screen[0]}' "
        f"data-screens='{screen[1]}'>{head}"
        f"<div class='spz-cols'>{body}</div></div>"
    )


def _join_corner(code: str | None, link: str | None) -> str:
    if not code or not link:
        return ""
    return (
        f"<div class='spz-join'><div class='spz-join-text'>{shell.escape(t('present.join'))}<br>"
        f"<span class='spz-code' data-testid='presented-code'>{shell.escape(code)}</span></div>"
        f"<img src='{qr_data_uri(link)}' alt='{shell.escape(t('step1.join.qr'))}'></div>"
    )


def _timer(text: str | None, late: bool) -> str:
    return f"<div class='spz-timer{' spz-late' if late else ''}'>{shell.escape(text)}</div>" if text else ""


def wall_html(
    *,
    title: str,
    columns: Sequence[WallColumn],
    wordings: dict[str, str],
    fresh: set[int],
    code: str | None = None,
    link: str | None = None,
    timer: str | None = None,
    timer_late: bool = False,
    screen: int = 1,
) -> str:
    """A group's live wall for the room: header (group, total, countdown, join code and QR), a column a question;
    the screen asked for when its notes take several."""
    shown = _screen(screen, wall_screens(columns))
    subtitle = t("present.total", count=sum(c.count for c in columns)) + _screen_text(shown)
    head = (
        f"<header class='spz-head'><div><div class='spz-title'>{shell.escape(title)}</div>"
        f"<div class='spz-sub'>{shell.escape(subtitle)}</div></div>"
        f"{_timer(timer, timer_late)}{_join_corner(code, link)}</header>"
    )
    return _frame(head, "".join(_column(c, wordings[c.question], fresh, shown) for c in columns), shown)


def _screen(asked: int, screens: int) -> tuple[int, int]:
    """(the screen shown, how many): the one asked for, within those there are."""
    return min(max(1, asked), screens), screens


def _screen_text(shown: tuple[int, int]) -> str:
    return " · " + t("present.board_screen", screen=shown[0], screens=shown[1]) if shown[1] > 1 else ""


def synthesis_screens(notes: Sequence[CriterionRead]) -> int:
    """How many screens mutual knowledge takes for these notes."""
    return screens_for((sum(c.question == q for c in notes) for q in QUESTIONS), PER_LABELLED_SCREEN)


def synthesis_html(
    *, title: str, subtitle: str, notes: Sequence[CriterionRead], groups: dict[int, str], wordings: dict[str, str],
    screen: int = 1,
) -> str:  # fmt: skip
    """Mutual knowledge for the room: every group's notes, a column a question, each card with its group; the
    screen asked for when the notes take several."""
    who = {c.id: groups.get(c.group_id, "") for c in notes}
    shown = _screen(screen, synthesis_screens(notes))
    body = ""
    for question in QUESTIONS:
        mine = [c for c in notes if c.question == question]
        cards = (
            _cards(on_screen(mine, *shown), set(), who)
            if mine
            else f"<div class='spz-empty'>{shell.escape(t('present.none'))}</div>"
        )
        body += _section(question, _question_head(question, len(mine), wordings[question]), cards)
    head = (
        f"<header class='spz-head'><div><div class='spz-title'>{shell.escape(title)}</div>"
        f"<div class='spz-sub'>{shell.escape(subtitle + _screen_text(shown))}</div></div></header>"
    )
    return _frame(head, body, shown)


def message_html(text: str) -> str:
    """A presentation with nothing to show yet (no group, a group gone): one sentence, big, centred."""
    return (
        f"<style>{CSS}</style><div class='spz' data-testid='presentation'>"
        f"<div class='spz-empty' style='font-size:4vh'>{shell.escape(text)}</div></div>"
    )


def heading_html(title: str, subtitle: str) -> str:
    """A presentation's header alone, above a chart drawn by Streamlit (the dashboard's)."""
    return (
        f"<style>{CSS} .spz.spz-heading {{ height: auto; padding-bottom: 0; }}</style>"
        f"<div class='spz spz-heading' data-testid='presentation'><header class='spz-head' style='height:9vh'><div>"
        f"<div class='spz-title'>{shell.escape(title)}</div><div class='spz-sub'>{shell.escape(subtitle)}</div>"
        "</div></header></div>"
    )
