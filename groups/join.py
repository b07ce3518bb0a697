"""Participants' way in: a short join code per group, opened and closed by the facilitator.

A participant has no account. The phone page holds the code and a random participant token
(kept in a cookie of the phone's browser, so a reload keeps it); every call here goes through the
code, so a phone reaches that one group only, and only while its code is open.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from groups import service
from groups.models import VALIDATED, Criterion, CriterionRead, Group, GroupRead
from workshop import settings
from workshop.database import core_execute, utcnow
from workshop.errors import SpiraleError
from workshop.models import Project

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: read from the back of a room and typed on a phone without doubt.
ALPHABET = "ACDEFHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
OPEN_HOURS = 4  # a code closes by itself after the meeting
_NOT_CODE = re.compile(r"[\s\-_.]")
CODE_PARAMETER = "code"  # of the join links printed before the phone routes: /?code=… leads to /p/…
_TOKEN = re.compile(r"[A-Za-z0-9_\-]{16,64}")  # what new_participant_token makes (32 characters)


@dataclass(frozen=True)
class JoinedGroup:
    """What a participant's phone may know about the group it joined."""

    code: str
    project_id: int
    group_id: int
    profile: str
    cycle: int


def join_link(code: str, request_url: str | None = None) -> str:
    """The link a phone opens (the participants' route): SPIRALE_PUBLIC_URL, else the facilitator's address."""
    return settings.phone_link(f"p/{code}", request_url)


def new_participant_token() -> str:
    return secrets.token_urlsafe(24)


def participant_token(remembered: str | None) -> str:
    """The token a phone remembered (its cookie) if it is one of ours, else a new one."""
    if remembered and _TOKEN.fullmatch(remembered):
        return remembered
    return new_participant_token()


def normalise_code(code: object) -> str:
    """Upper case without spaces or dashes: 'ack 3r9' and 'ACK-3R9' are the same code."""
    return _NOT_CODE.sub("", str(code or "")).upper()


def _new_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if session.exec(select(Group.id).where(Group.join_code == code)).first() is None:
            return code


def open_join(*, session: Session, project_id: int, group_id: int, hours: float = OPEN_HOURS) -> GroupRead:
    """Let phones in for `hours`; the group keeps its code unless another group holds it too."""
    group = service._group(session, project_id, group_id)
    shared = group.join_code is not None and (
        session.exec(select(Group.id).where(Group.join_code == group.join_code, Group.id != group.id)).first()
    )
    if group.join_code is None or shared:
        group.join_code = _new_code(session)
    group.join_until = utcnow() + timedelta(hours=float(hours))
    session.add(group)
    session.flush()
    return GroupRead.model_validate(group)


def close_join(*, session: Session, project_id: int, group_id: int) -> GroupRead:
    group = service._group(session, project_id, group_id)
    group.join_until = None
    session.add(group)
    session.flush()
    return GroupRead.model_validate(group)


def is_open(group: GroupRead) -> bool:
    return group.join_code is not None and group.join_until is not None and service._aware(group.join_until) > utcnow()


def find_group(*, session: Session, code: object) -> JoinedGroup:
    """The group a code opens, or a clear refusal: malformed, unknown, or closed.

    Every phone request asks, so this is one prepared read of the few columns it needs (an ORM load of the
    group and its project cost three times as much: bench/phones_http.py).
    """
    wanted = normalise_code(code)
    if not wanted:
        raise SpiraleError("error.join_code_empty")
    if len(wanted) != CODE_LENGTH or any(c not in ALPHABET for c in wanted):
        raise SpiraleError("error.join_code_unknown", code=wanted[:20])
    rows = core_execute(session, _BY_CODE, {"code": wanted}).all()
    if not rows:
        raise SpiraleError("error.join_code_unknown", code=wanted)
    now = utcnow()
    row = next((r for r in rows if r.join_until is not None and service._aware(r.join_until) > now), None)
    if row is None:
        raise SpiraleError("error.join_code_closed", code=wanted)
    return JoinedGroup(wanted, row.project_id, row.id, row.profile, row.cycle)


# The groups holding a code, newest first (a code given out again after a close), with their project's cycle.
_BY_CODE = (
    select(Group.id, Group.project_id, Group.profile, Group.join_until, Project.cycle)
    .join(Project, col(Project.id) == Group.project_id)
    .where(Group.join_code == bindparam("code"))
    .order_by(col(Group.id).desc())
)


@dataclass(frozen=True)
class PhoneView:
    """What a phone's page shows: its group as it is now (countdown included) and its own live notes."""

    joined: JoinedGroup
    group: GroupRead
    own: list[CriterionRead]


def phone_view(*, session: Session, code: object, participant_token: str) -> PhoneView:
    """The phone's page in three reads (the group, its project, the phone's notes): it is read on every load."""
    joined = find_group(session=session, code=code)
    group = GroupRead.model_validate(dict(core_execute(session, _GROUP, {"group": joined.group_id}).one()._mapping))
    return PhoneView(joined, group, _own_rows(session, joined.group_id, participant_token))


_GROUP = select(*Group.__table__.columns).where(Group.__table__.c.id == bindparam("group"))  # (no ORM load)


def joined_group(*, session: Session, code: object) -> GroupRead:
    """The group a code opens, as it is now (its countdown, for the phone)."""
    joined = find_group(session=session, code=code)
    return service.get_group(session=session, project_id=joined.project_id, group_id=joined.group_id)


def send_note(
    *, session: Session, code: object, participant_token: str, question: str, text: str, alias: str = ""
) -> CriterionRead:
    """A note from a phone, into the group its code opens."""
    joined = find_group(session=session, code=code)
    if not str(participant_token or "").strip():
        raise SpiraleError("error.join_token")
    return service.add_criterion(
        session=session,
        project_id=joined.project_id,
        group_id=joined.group_id,
        question=question,
        text=text,
        author=alias,
        participant_token=participant_token,
    )


def own_notes(*, session: Session, code: object, participant_token: str) -> list[CriterionRead]:
    """The live notes this phone wrote in the group, oldest first."""
    return _own_rows(session, find_group(session=session, code=code).group_id, participant_token)


def _own_rows(session: Session, group_id: int, participant_token: str) -> list[CriterionRead]:
    rows = session.execute(_OWN, {"group": group_id, "phone": participant_token}).scalars()
    return [CriterionRead.model_validate(c) for c in rows]


def own_note_count(*, session: Session, group_id: int, participant_token: str) -> int:
    """How many live notes this phone has in the group (its list's heading after a send)."""
    return core_execute(session, _OWN_COUNT, {"group": group_id, "phone": participant_token}).scalar_one()


_MINE = (
    Criterion.group_id == bindparam("group"),
    Criterion.participant_token == bindparam("phone"),
    col(Criterion.deleted_at).is_(None),
)
_OWN = select(Criterion).where(*_MINE).order_by(col(Criterion.id))  # (built once: every phone page reads it)
_OWN_COUNT = select(func.count()).select_from(Criterion).where(*_MINE)


def _own(session: Session, code: object, participant_token: str, criterion_id: int) -> tuple[JoinedGroup, Criterion]:
    joined = find_group(session=session, code=code)
    criterion = session.get(Criterion, criterion_id)
    if (
        criterion is None
        or criterion.group_id != joined.group_id
        or criterion.deleted_at is not None
        or not participant_token
        or criterion.participant_token != participant_token
    ):
        raise SpiraleError("error.criterion_missing")
    if criterion.status == VALIDATED:
        raise SpiraleError("error.note_validated")
    return joined, criterion


def edit_own_note(
    *, session: Session, code: object, participant_token: str, criterion_id: int, text: str
) -> CriterionRead:
    """A participant rewords their own note until the group validates it (the first wording is kept)."""
    joined, criterion = _own(session, code, participant_token, criterion_id)
    return service.correct_criterion(
        session=session, project_id=joined.project_id, criterion_id=criterion.id, text=text
    )


def withdraw_own_note(*, session: Session, code: object, participant_token: str, criterion_id: int) -> CriterionRead:
    """A participant takes back their own note (soft delete, like the facilitator's)."""
    joined, criterion = _own(session, code, participant_token, criterion_id)
    return service.delete_criterion(session=session, project_id=joined.project_id, criterion_id=criterion.id)


def notes_signature(*, session: Session, group_id: int) -> tuple:
    """(count, newest id, newest change) of the group's live notes: what a phone's "already said?" index follows."""
    return tuple(core_execute(session, _SIGNATURE, {"group": group_id}).one())


def live_texts(*, session: Session, group_id: int) -> tuple[list[str], list[str]]:
    """The group's live notes as shown (corrected if corrected), oldest first, and their ids as text."""
    rows = core_execute(session, _LIVE_TEXTS, {"group": group_id}).all()
    return [corrected or text for _, text, corrected in rows], [str(i) for i, _, _ in rows]


_IN_GROUP = (Criterion.group_id == bindparam("group"), col(Criterion.deleted_at).is_(None))
_SIGNATURE = select(func.count(), func.max(Criterion.id), func.max(Criterion.updated_at)).where(*_IN_GROUP)
_LIVE_TEXTS = select(Criterion.id, Criterion.text, Criterion.corrected_text).where(*_IN_GROUP).order_by(
    col(Criterion.id)
)
