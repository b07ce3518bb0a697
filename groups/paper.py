"""Paper workshops: post-its typed after the meeting come in from CSV or XLSX; a group's notes go out the same way.

Import is all or nothing: every line is checked first (a report with line numbers), and the notes
are written in the caller's one transaction only when the whole file is valid.
"""

import io
import unicodedata
from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session

from groups import service
from groups.models import ACTION, ILLBEING, WELLBEING, GroupRead
from workshop import cells, uploads
from workshop.errors import SpiraleError
from workshop.text import NAME_MAX, clean_note, clean_optional
from workshop.uploads import Problem  # the one problem type of every import (ui/paper.py names it paper.Problem)

MAX_BYTES = 5 * 1024 * 1024
COLUMNS = ("group", "question", "text", "author")
REQUIRED = ("group", "question", "text")
_HEADERS = {
    "group": "group",
    "groupe": "group",
    "question": "question",
    "text": "text",
    "texte": "text",
    "note": "text",
    "post-it": "text",
    "author": "author",
    "auteur": "author",
}
_QUESTIONS = {
    "wellbeing": WELLBEING,
    "well-being": WELLBEING,
    "bien-etre": WELLBEING,
    "bienetre": WELLBEING,
    "illbeing": ILLBEING,
    "ill-being": ILLBEING,
    "mal-etre": ILLBEING,
    "maletre": ILLBEING,
    "action": ACTION,
    "actions": ACTION,
}


@dataclass(frozen=True)
class PaperNote:
    row: int  # the spreadsheet's row, as in uploads.Problem
    group_id: int
    group: str
    question: str
    text: str
    author: str


@dataclass(frozen=True)
class PaperCheck:
    """The file read and checked: the notes it would add, and every problem found."""

    notes: list[PaperNote]
    problems: list[Problem]

    @property
    def valid(self) -> bool:
        return bool(self.notes) and not self.problems


def _plain(value: str) -> str:
    """Lower case without accents or surrounding spaces: 'Bien-être ' -> 'bien-etre'."""
    decomposed = unicodedata.normalize("NFKD", str(value).strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace(" ", "-").replace("_", "-")


def read_table(name: str, data: bytes) -> pd.DataFrame:
    """The file's rows as text, with the columns renamed to group/question/text/author."""
    frame = uploads.read_table(data, name, max_bytes=MAX_BYTES)
    frame = frame.rename(columns=lambda c: _HEADERS.get(_plain(c), _plain(c)))
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise SpiraleError("error.file_columns", columns=missing)
    if "author" not in frame.columns:
        frame["author"] = ""
    frame = frame[list(COLUMNS)]
    if frame.empty:
        raise SpiraleError("error.file_no_rows")
    return frame


def check_file(*, session: Session, project_id: int, name: str, data: bytes) -> PaperCheck:
    """Read and check every line against the project's groups; write nothing."""
    frame = read_table(name, data)
    groups = {_plain(g.profile): g for g in service.list_groups(session=session, project_id=project_id)}
    known = sorted(g.profile for g in groups.values())
    notes: list[PaperNote] = []
    problems: list[Problem] = []
    for number, row in zip(uploads.rows(frame), frame.itertuples(index=False), strict=True):
        found = _check_line(number, row, groups, known, problems)  # blank lines between post-its keep their number
        if found:
            notes.append(found)
    if not notes and not problems:
        raise SpiraleError("error.file_no_rows")
    return PaperCheck(notes, problems)


def _check_line(
    number: int, row: tuple, groups: dict[str, GroupRead], known: list[str], problems: list[Problem]
) -> PaperNote | None:
    group_name, question_name, text, author = (str(v) for v in row)
    before = len(problems)
    group = groups.get(_plain(group_name))
    if group is None:
        problems.append(Problem(number, "error.import_group", {"group": group_name.strip(), "known": known}))
    question = _QUESTIONS.get(_plain(question_name))
    if question is None:
        problems.append(Problem(number, "error.import_question", {"question": question_name.strip()}))
    for check, value in ((clean_note, text), (lambda v: clean_optional(v, max_length=NAME_MAX), author)):
        try:
            check(value)
        except SpiraleError as error:
            problems.append(Problem(number, error.key, error.params))
    if len(problems) > before or group is None or question is None:
        return None
    return PaperNote(
        number, group.id, group.profile, question, clean_note(text), clean_optional(author, max_length=NAME_MAX)
    )


def import_file(*, session: Session, project_id: int, name: str, data: bytes) -> int:
    """Add every note of a valid file, in the caller's transaction; refuse the whole file otherwise."""
    checked = check_file(session=session, project_id=project_id, name=name, data=data)
    if not checked.valid:
        first = checked.problems[0]
        raise SpiraleError(first.key, **first.params)
    for note in checked.notes:
        # Straight to the table: the double-tap rule is for live sending, a paper file may repeat an idea.
        service.insert_criterion(
            session=session,
            project_id=project_id,
            group_id=note.group_id,
            question=note.question,
            text=note.text,
            author=note.author,
        )
    return len(checked.notes)


def notes_frame(*, session: Session, project_id: int, group_id: int) -> pd.DataFrame:
    """A group's live notes in the import's own columns, plus the correction and status."""
    group = service.get_group(session=session, project_id=project_id, group_id=group_id)
    rows = [
        {
            "group": group.profile,
            "question": c.question,
            "text": c.text,
            "author": c.author,
            "corrected_text": c.corrected_text or "",
            "status": c.status,
        }
        for c in service.list_criteria(session=session, project_id=project_id, group_id=group_id)
    ]
    return pd.DataFrame(rows, columns=[*COLUMNS, "corrected_text", "status"])


def to_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM, so that Excel opens accents right."""
    return cells.safe_frame(frame).to_csv(index=False).encode("utf-8-sig")  # "=…" notes stay text


def to_xlsx(frame: pd.DataFrame, sheet: str = "notes") -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        cells.safe_frame(frame).to_excel(writer, index=False, sheet_name=sheet[:31])  # openpyxl: "=…" is a formula
    return buffer.getvalue()
