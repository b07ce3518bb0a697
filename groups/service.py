"""Step 1 services: groups and the criteria they write (proposed, corrected, validated, soft-deleted)."""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pandas as pd
from sqlalchemy import bindparam
from sqlalchemy import text as sql_text
from sqlmodel import Session, col, select

from groups.models import (
    CRITERION_STATUSES,
    GROUP_KINDS,
    HIDE,
    HOMOGENEOUS,
    QUESTIONS,
    SHOW,
    VALIDATED,
    Criterion,
    CriterionRead,
    Group,
    GroupRead,
    NoteModeration,
    NoteModerationRead,
    QuestionWording,
    WallQuestion,
)
from workshop import i18n
from workshop.database import core_execute, project_row, utcnow
from workshop.errors import SpiraleError
from workshop.settings import LANGUAGES
from workshop.text import NAME_MAX, clean_name, clean_note, clean_optional

TIMER_MAX_MINUTES = 120
WORDING_MAX = 300


def create_group(
    *,
    session: Session,
    project_id: int,
    profile: str,
    kind: str = HOMOGENEOUS,
    planned_size: int | None = None,
    meeting_date: date | None = None,
    facilitator: str = "",
) -> GroupRead:
    if kind not in GROUP_KINDS:
        raise SpiraleError("error.group_kind", kind=kind)
    if planned_size is not None and not 1 <= int(planned_size) <= 500:
        raise SpiraleError("error.group_size")
    group = Group(
        project_id=project_id,
        kind=kind,
        profile=clean_name(profile),
        planned_size=planned_size,
        meeting_date=meeting_date,
        facilitator=clean_optional(facilitator, max_length=NAME_MAX),
    )
    session.add(group)
    session.flush()
    return GroupRead.model_validate(group)


def list_groups(*, session: Session, project_id: int, kind: str | None = None) -> list[GroupRead]:
    query = select(Group).where(Group.project_id == project_id)
    if kind:
        query = query.where(Group.kind == kind)
    return [GroupRead.model_validate(g) for g in session.exec(query.order_by(Group.id))]


def _group(session: Session, project_id: int, group_id: int) -> Group:
    return project_row(session, Group, group_id, project_id, "error.group_missing")


_GROUP_OF_PROJECT = select(Group.id).where(Group.id == bindparam("group"), Group.project_id == bindparam("project"))


def _check_group(session: Session, project_id: int, group_id: int) -> None:
    """The group is the project's (a prepared read, no ORM load: every phone's send asks, twice)."""
    if core_execute(session, _GROUP_OF_PROJECT, {"group": group_id, "project": project_id}).first() is None:
        raise SpiraleError("error.group_missing")


def _criterion(session: Session, project_id: int, criterion_id: int) -> Criterion:
    return project_row(session, Criterion, criterion_id, project_id, "error.criterion_missing")


# A double tap (or a resent form) within this many seconds stores one note.
DOUBLE_TAP_SECONDS = 10
# One phone may send at most this many notes per minute: enough to write fast, not to flood the wall.
RATE_LIMIT_NOTES = 12
RATE_WINDOW_SECONDS = 60


def add_criterion(
    *,
    session: Session,
    project_id: int,
    group_id: int,
    question: str,
    text: str,
    author: str = "",
    participant_token: str | None = None,
) -> CriterionRead:
    """A note proposed in a group: one idea, answering one of the three questions.

    The same text sent again by the same writer within DOUBLE_TAP_SECONDS returns the note already
    stored; a participant's phone may send at most RATE_LIMIT_NOTES per minute.
    """
    if question not in QUESTIONS:
        raise SpiraleError("error.question", question=question)
    written = clean_note(text)
    token = clean_optional(participant_token, max_length=64) or None
    _check_group(session, project_id, group_id)
    _one_writer_at_a_time(session, group_id, token)
    now = utcnow()
    since = now - timedelta(seconds=DOUBLE_TAP_SECONDS)
    same = core_execute(
        session,
        _SAME_NOTE if token is not None else _SAME_NOTE_UNSIGNED,
        {"project": project_id, "group": group_id, "question": question, "written": written, "phone": token,
         "since": since},
    ).first()  # fmt: skip
    if same is not None:
        return CriterionRead.model_validate(session.get(Criterion, same.id))
    if token is not None:
        _check_rate(session, token, now)
    return insert_criterion(
        session=session,
        project_id=project_id,
        group_id=group_id,
        question=question,
        text=written,
        author=author,
        participant_token=token,
    )


def insert_criterion(
    *,
    session: Session,
    project_id: int,
    group_id: int,
    question: str,
    text: str,
    author: str = "",
    participant_token: str | None = None,
) -> CriterionRead:
    """Store one note as it is, without the double-tap and rate checks (a paper file may repeat an idea)."""
    if question not in QUESTIONS:
        raise SpiraleError("error.question", question=question)
    _check_group(session, project_id, group_id)
    criterion = Criterion(
        project_id=project_id,
        group_id=group_id,
        question=question,
        text=clean_note(text),
        author=clean_optional(author, max_length=NAME_MAX),
        participant_token=participant_token,
    )
    session.add(criterion)
    session.flush()
    return CriterionRead.model_validate(criterion)


def _one_writer_at_a_time(session: Session, group_id: int, token: str | None) -> None:
    """Serialise one writer's sends, so that the double-tap and rate checks see each other.

    SQLite already runs one writing transaction at a time (BEGIN IMMEDIATE); PostgreSQL needs a lock,
    held until the transaction ends.
    """
    if session.get_bind().dialect.name == "postgresql":
        key = f"spirale-note:{group_id}:{token or ''}"
        session.execute(sql_text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})


# The reads of every phone's send, built once (building a statement costs more than SQLite takes to run it).
def _same_note(writer):  # noqa: ANN001, ANN202 - a SQL condition in, a select out
    """The same text by the same writer a moment ago, as a statement with its parameters bound later."""
    return select(Criterion.id).where(
        Criterion.project_id == bindparam("project"),
        col(Criterion.deleted_at).is_(None),
        Criterion.group_id == bindparam("group"),
        Criterion.question == bindparam("question"),
        Criterion.text == bindparam("written"),
        writer,
        Criterion.created_at >= bindparam("since"),
    ).limit(1)


_SAME_NOTE = _same_note(Criterion.participant_token == bindparam("phone"))
_SAME_NOTE_UNSIGNED = _same_note(col(Criterion.participant_token).is_(None))  # the facilitator's, without a phone
_RECENT_SENDS = (
    select(Criterion.created_at)
    .where(Criterion.participant_token == bindparam("phone"), Criterion.created_at >= bindparam("since"))
    .order_by(col(Criterion.created_at))
)


def _check_rate(session: Session, token: str, now: datetime) -> None:
    since = now - timedelta(seconds=RATE_WINDOW_SECONDS)
    recent = core_execute(session, _RECENT_SENDS, {"phone": token, "since": since}).scalars().all()
    if len(recent) >= RATE_LIMIT_NOTES:
        oldest = _aware(recent[-RATE_LIMIT_NOTES])
        wait = max(1, int((oldest + timedelta(seconds=RATE_WINDOW_SECONDS) - now).total_seconds()) + 1)
        raise SpiraleError("error.note_rate", seconds=wait)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def correct_criterion(*, session: Session, project_id: int, criterion_id: int, text: str) -> CriterionRead:
    """Correct a note; the text as written stays in `text`."""
    criterion = _criterion(session, project_id, criterion_id)
    corrected = clean_note(text)
    criterion.corrected_text = None if corrected == criterion.text else corrected
    criterion.updated_at = utcnow()
    session.add(criterion)
    session.flush()
    return CriterionRead.model_validate(criterion)


def set_status(*, session: Session, project_id: int, criterion_id: int, status: str) -> CriterionRead:
    if status not in CRITERION_STATUSES:
        raise SpiraleError("error.status", status=status)
    criterion = _criterion(session, project_id, criterion_id)
    criterion.status = status
    criterion.updated_at = utcnow()
    session.add(criterion)
    session.flush()
    return CriterionRead.model_validate(criterion)


def validate_group(*, session: Session, project_id: int, group_id: int) -> int:
    """The group approves all its proposed notes; return how many changed."""
    _group(session, project_id, group_id)
    changed = 0
    for criterion in session.exec(_live(project_id).where(Criterion.group_id == group_id)):
        if criterion.status != VALIDATED:
            criterion.status, criterion.updated_at = VALIDATED, utcnow()
            session.add(criterion)
            changed += 1
    session.flush()
    return changed


def classify_criterion(
    *,
    session: Session,
    project_id: int,
    criterion_id: int,
    family_code: str | None,
    component_code: str | None = None,
) -> CriterionRead:
    criterion = _criterion(session, project_id, criterion_id)
    if component_code and family_code and not component_code.startswith(family_code):
        raise SpiraleError("error.grid_code_family", code=component_code, family=family_code)
    criterion.family_code, criterion.component_code = family_code or None, component_code or None
    criterion.updated_at = utcnow()
    session.add(criterion)
    session.flush()
    return CriterionRead.model_validate(criterion)


def delete_criterion(*, session: Session, project_id: int, criterion_id: int) -> CriterionRead:
    """Soft delete: the note disappears from the wall but stays in the database, for undo."""
    criterion = _criterion(session, project_id, criterion_id)
    criterion.deleted_at = criterion.updated_at = utcnow()  # updated_at: the wall sees the change
    session.add(criterion)
    session.flush()
    return CriterionRead.model_validate(criterion)


def restore_criterion(*, session: Session, project_id: int, criterion_id: int) -> CriterionRead:
    criterion = _criterion(session, project_id, criterion_id)
    criterion.deleted_at, criterion.updated_at = None, utcnow()
    session.add(criterion)
    session.flush()
    return CriterionRead.model_validate(criterion)


def _live(project_id: int):  # noqa: ANN202 - a SQLModel select
    return select(Criterion).where(Criterion.project_id == project_id, col(Criterion.deleted_at).is_(None))


def list_criteria(
    *,
    session: Session,
    project_id: int,
    group_id: int | None = None,
    question: str | None = None,
) -> list[CriterionRead]:
    query = _live(project_id)
    if group_id is not None:
        query = query.where(Criterion.group_id == group_id)
    if question is not None:
        query = query.where(Criterion.question == question)
    return [CriterionRead.model_validate(c) for c in session.exec(query.order_by(Criterion.id))]


def criteria_frame(*, session: Session, project_id: int) -> pd.DataFrame:
    """All live criteria of a project with their group's profile, one row per note."""
    groups = {g.id: g.profile for g in list_groups(session=session, project_id=project_id)}
    rows = [
        {
            "id": c.id,
            "group_id": c.group_id,
            "group": groups.get(c.group_id, ""),
            "question": c.question,
            "text": c.shown_text,
            "written_text": c.text,
            "status": c.status,
            "family": c.family_code or "",
            "component": c.component_code or "",
        }
        for c in list_criteria(session=session, project_id=project_id)
    ]
    columns = ["id", "group_id", "group", "question", "text", "written_text", "status", "family", "component"]
    return pd.DataFrame(rows, columns=columns)


def count_by_question(*, session: Session, project_id: int, group_id: int) -> dict[str, int]:
    counts = dict.fromkeys(QUESTIONS, 0)
    for criterion in list_criteria(session=session, project_id=project_id, group_id=group_id):
        counts[criterion.question] += 1
    return counts


@dataclass(frozen=True)
class AuthorCount:
    """Who has written how many live notes in a group: a phone (by its alias) or the facilitator's entry."""

    name: str
    notes: int
    from_phone: bool


def count_by_author(*, session: Session, project_id: int, group_id: int) -> list[AuthorCount]:
    """One line per phone (its latest alias) and per name typed by the facilitator, most notes first."""
    rows = session.exec(_live(project_id).where(Criterion.group_id == group_id).order_by(col(Criterion.id))).all()
    counts: dict[tuple[bool, str], int] = {}
    names: dict[tuple[bool, str], str] = {}
    for criterion in rows:
        key = (True, criterion.participant_token) if criterion.participant_token else (False, criterion.author)
        counts[key] = counts.get(key, 0) + 1
        names[key] = criterion.author or names.get(key, "")
    found = [AuthorCount(names[key], number, key[0]) for key, number in counts.items()]
    return sorted(found, key=lambda a: (-a.notes, a.name))


def start_timer(*, session: Session, project_id: int, group_id: int, question: str, minutes: float) -> GroupRead:
    """A countdown for the question the group is working on (one at a time per group)."""
    if question not in QUESTIONS:
        raise SpiraleError("error.question", question=question)
    if not 0 < float(minutes) <= TIMER_MAX_MINUTES:
        raise SpiraleError("error.timer_minutes", limit=TIMER_MAX_MINUTES)
    group = _group(session, project_id, group_id)
    group.timer_question, group.timer_ends_at = question, utcnow() + timedelta(minutes=float(minutes))
    session.add(group)
    session.flush()
    return GroupRead.model_validate(group)


def stop_timer(*, session: Session, project_id: int, group_id: int) -> GroupRead:
    group = _group(session, project_id, group_id)
    group.timer_question, group.timer_ends_at = None, None
    session.add(group)
    session.flush()
    return GroupRead.model_validate(group)


def get_group(*, session: Session, project_id: int, group_id: int) -> GroupRead:
    return GroupRead.model_validate(_group(session, project_id, group_id))


def seconds_left(group: GroupRead, question: str) -> int | None:
    """Whole seconds left on the question's countdown (0 once over); None when it has none."""
    if group.timer_question != question or group.timer_ends_at is None:
        return None
    return max(0, math.ceil((_aware(group.timer_ends_at) - utcnow()).total_seconds()))


_WORDINGS = select(QuestionWording.question, QuestionWording.text_fr, QuestionWording.text_en).where(
    QuestionWording.project_id == bindparam("project"), QuestionWording.cycle == bindparam("cycle")
)  # (built once: every phone page reads it)


def question_wordings(*, session: Session, project_id: int, cycle: int) -> dict[str, dict[str, str]]:
    """The three questions' words for a project's cycle, {question: {lang: text}}; the catalog's by default."""
    wordings = {q: {lang: i18n.translate(f"question.{q}.text", lang) for lang in LANGUAGES} for q in QUESTIONS}
    for row in core_execute(session, _WORDINGS, {"project": project_id, "cycle": cycle}):
        if row.question in wordings:
            for lang, value in (("fr", row.text_fr), ("en", row.text_en)):
                if value:
                    wordings[row.question][lang] = value
    return wordings


def set_question_wording(
    *, session: Session, project_id: int, cycle: int, question: str, text_fr: str, text_en: str
) -> dict[str, str]:
    """Reword a question for a cycle; an empty language falls back to the catalog's wording."""
    if question not in QUESTIONS:
        raise SpiraleError("error.question", question=question)
    if int(cycle) < 1:
        raise SpiraleError("error.cycle")
    french = clean_optional(text_fr, max_length=WORDING_MAX)
    english = clean_optional(text_en, max_length=WORDING_MAX)
    row = session.exec(
        select(QuestionWording).where(
            QuestionWording.project_id == project_id,
            QuestionWording.cycle == cycle,
            QuestionWording.question == question,
        )
    ).first() or QuestionWording(project_id=project_id, cycle=int(cycle), question=question)
    row.text_fr, row.text_en = french, english
    session.add(row)
    session.flush()
    return question_wordings(session=session, project_id=project_id, cycle=cycle)[question]


def set_question_wordings(
    *, session: Session, project_id: int, cycle: int, typed: Mapping[tuple[str, str], str]
) -> dict[str, dict[str, str]]:
    """The three questions reworded from one form, {(question, "fr" or "en"): text}: all of them or, on a
    refusal, none (one transaction)."""
    for question in QUESTIONS:
        set_question_wording(
            session=session,
            project_id=project_id,
            cycle=cycle,
            question=question,
            text_fr=typed.get((question, "fr"), ""),
            text_en=typed.get((question, "en"), ""),
        )
    return question_wordings(session=session, project_id=project_id, cycle=cycle)


def synthesis(*, session: Session, project_id: int) -> pd.DataFrame:
    """Live notes counted per group, question and family (family "" until classified), for mutual knowledge."""
    frame = criteria_frame(session=session, project_id=project_id)
    columns = ["group_id", "group", "question", "family", "notes"]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    counted = frame.groupby(["group_id", "group", "question", "family"], as_index=False).size()
    return counted.rename(columns={"size": "notes"})[columns]


# ---------- the projected wall: veiled questions, moderation, "what changed since" ----------


def wall_veils(*, session: Session, project_id: int, group_id: int) -> dict[str, bool]:
    """{question: veiled}: a veiled question's notes show on the wall as a count only, until revealed."""
    _group(session, project_id, group_id)
    veils = dict.fromkeys(QUESTIONS, False)
    rows = session.exec(select(WallQuestion).where(WallQuestion.group_id == group_id))
    veils.update({row.question: row.veiled for row in rows if row.question in veils})
    return veils


def set_veil(*, session: Session, project_id: int, group_id: int, question: str, veiled: bool) -> dict[str, bool]:
    """Veil a question's notes on the wall (everyone writes alone), or reveal them to the group."""
    if question not in QUESTIONS:
        raise SpiraleError("error.question", question=question)
    _group(session, project_id, group_id)
    row = session.exec(
        select(WallQuestion).where(WallQuestion.group_id == group_id, WallQuestion.question == question)
    ).first() or WallQuestion(project_id=project_id, group_id=group_id, question=question)
    row.veiled, row.updated_at = bool(veiled), utcnow()
    session.add(row)
    session.flush()
    return wall_veils(session=session, project_id=project_id, group_id=group_id)


def _moderate(
    session: Session, project_id: int, criterion_id: int, action: str, account_id: int | None
) -> CriterionRead:
    criterion = _criterion(session, project_id, criterion_id)
    if criterion.deleted_at is not None:
        raise SpiraleError("error.criterion_missing")
    now = utcnow()
    criterion.hidden_at, criterion.updated_at = (now if action == HIDE else None), now
    session.add(criterion)
    session.add(
        NoteModeration(project_id=project_id, criterion_id=criterion.id, action=action, account_id=account_id, at=now)
    )
    session.flush()
    return CriterionRead.model_validate(criterion)


def hide_criterion(
    *, session: Session, project_id: int, criterion_id: int, account_id: int | None = None
) -> CriterionRead:
    """Keep a note off the projected wall; the note and its author's words stay, the hiding is logged."""
    return _moderate(session, project_id, criterion_id, HIDE, account_id)


def show_criterion(
    *, session: Session, project_id: int, criterion_id: int, account_id: int | None = None
) -> CriterionRead:
    """Put a hidden note back on the wall (logged too)."""
    return _moderate(session, project_id, criterion_id, SHOW, account_id)


def moderation_log(*, session: Session, project_id: int, criterion_id: int | None = None) -> list[NoteModerationRead]:
    """Every hiding and showing of the project's notes (of one note if given), oldest first."""
    query = select(NoteModeration).where(NoteModeration.project_id == project_id)
    if criterion_id is not None:
        query = query.where(NoteModeration.criterion_id == criterion_id)
    return [NoteModerationRead.model_validate(row) for row in session.exec(query.order_by(NoteModeration.id))]


@dataclass(frozen=True)
class WallColumn:
    """One question on the projected wall: its notes in arrival order (none while veiled) and their count."""

    question: str
    veiled: bool
    count: int
    notes: tuple[CriterionRead, ...]


def wall(*, session: Session, project_id: int, group_id: int) -> list[WallColumn]:
    """What the room sees of a group: per question, the notes not hidden, or only their count while veiled."""
    veils = wall_veils(session=session, project_id=project_id, group_id=group_id)
    shown = [c for c in list_criteria(session=session, project_id=project_id, group_id=group_id) if not c.hidden_at]
    columns = []
    for question in QUESTIONS:
        notes = tuple(c for c in shown if c.question == question)
        columns.append(WallColumn(question, veils[question], len(notes), () if veils[question] else notes))
    return columns


# One statement: the group's own row (code, countdown) and the newest change of its notes and veils, read from
# the indexes on criterion (group_id, updated_at) and wall_question (group_id); no note row is read.
_WALL_CHANGE = sql_text(
    """
    SELECT g.join_code, g.join_until, g.timer_question, g.timer_ends_at,
      (SELECT count(*) FROM criterion c WHERE c.group_id = g.id),
      (SELECT max(c.updated_at) FROM criterion c WHERE c.group_id = g.id),
      (SELECT max(w.updated_at) FROM wall_question w WHERE w.group_id = g.id)
    FROM citizen_group g WHERE g.id = :group_id AND g.project_id = :project_id
    """
)


def wall_change(*, session: Session, project_id: int, group_id: int) -> tuple | None:
    """A value that changes whenever anything the wall shows of the group changes: compare it, redraw if new.

    Every change of a note bumps its updated_at (added, corrected, validated, classified, removed, restored,
    hidden, shown); an erased note lowers the count. None when the group is not (or no longer) there.
    """
    row = core_execute(session, _WALL_CHANGE, {"group_id": group_id, "project_id": project_id}).first()
    return tuple(row) if row is not None else None


_PROJECT_CHANGE = sql_text("SELECT count(*), max(updated_at) FROM criterion WHERE project_id = :project_id")


def project_change(*, session: Session, project_id: int) -> tuple:
    """The same for all the project's notes (the mutual-knowledge view): their count and newest change."""
    return tuple(core_execute(session, _PROJECT_CHANGE, {"project_id": project_id}).one())
