"""Step 1 services: groups and the criteria they write (proposed, corrected, validated, soft-deleted)."""

from datetime import date

import pandas as pd
from sqlmodel import Session, col, select

from groups.models import (
    CRITERION_STATUSES,
    GROUP_KINDS,
    HOMOGENEOUS,
    QUESTIONS,
    VALIDATED,
    Criterion,
    CriterionRead,
    Group,
    GroupRead,
)
from workshop.database import utcnow
from workshop.errors import SpiraleError
from workshop.text import NAME_MAX, clean_name, clean_note, clean_optional


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
    group = session.get(Group, group_id)
    if group is None or group.project_id != project_id:
        raise SpiraleError("error.group_missing")
    return group


def _criterion(session: Session, project_id: int, criterion_id: int) -> Criterion:
    criterion = session.get(Criterion, criterion_id)
    if criterion is None or criterion.project_id != project_id:
        raise SpiraleError("error.criterion_missing")
    return criterion


def add_criterion(
    *,
    session: Session,
    project_id: int,
    group_id: int,
    question: str,
    text: str,
    author: str = "",
) -> CriterionRead:
    """A note proposed in a group: one idea, answering one of the three questions."""
    if question not in QUESTIONS:
        raise SpiraleError("error.question", question=question)
    _group(session, project_id, group_id)
    criterion = Criterion(
        project_id=project_id,
        group_id=group_id,
        question=question,
        text=clean_note(text),
        author=clean_optional(author, max_length=NAME_MAX),
    )
    session.add(criterion)
    session.flush()
    return CriterionRead.model_validate(criterion)


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
    criterion.deleted_at = utcnow()
    session.add(criterion)
    session.flush()
    return CriterionRead.model_validate(criterion)


def restore_criterion(*, session: Session, project_id: int, criterion_id: int) -> CriterionRead:
    criterion = _criterion(session, project_id, criterion_id)
    criterion.deleted_at = None
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
