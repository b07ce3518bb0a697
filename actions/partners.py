"""The partners' side of co-responsibility: the directory, thematic commissions and plenary meetings.

A partner who holds commitments, pilots an action or a commission is never deleted: removing it archives it,
so every commitment keeps its author (the Utopia charter's signatories stay on record).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlmodel import Session, col, func, select

from actions.models import (
    PARTNER_KINDS,
    Action,
    Commission,
    CommissionMember,
    CommissionRead,
    Commitment,
    Partner,
    PartnerRead,
    Plenary,
    PlenaryRead,
)
from actions.service import _commission, _partner
from workshop.database import utcnow
from workshop.errors import SpiraleError
from workshop.text import clean_name, clean_optional

ARCHIVED = "archived"
DELETED = "deleted"
ATTENDANCE_MAX = 1_000_000  # more would be a typing slip, and overflows the database's integer


def update_partner(
    *,
    session: Session,
    project_id: int,
    partner_id: int,
    name: str | None = None,
    kind: str | None = None,
    contact: str | None = None,
    charter_signed_on: date | None = None,
) -> PartnerRead:
    partner = _partner(session, project_id, partner_id)
    if kind is not None:
        if kind not in PARTNER_KINDS:
            raise SpiraleError("error.partner_kind", kind=kind)
        partner.kind = kind
    if name is not None:
        partner.name = clean_name(name)
    if contact is not None:
        partner.contact = clean_optional(contact, max_length=160)
    if charter_signed_on is not None:
        partner.charter_signed_on = charter_signed_on
    session.add(partner)
    session.flush()
    return PartnerRead.model_validate(partner)


def _holds(session: Session, partner_id: int) -> int:
    """How many commitments, actions and commissions depend on this partner."""
    count = lambda query: int(session.exec(query).one())  # noqa: E731
    return (
        count(select(func.count(Commitment.id)).where(Commitment.partner_id == partner_id))
        + count(select(func.count(Action.id)).where(Action.pilot_partner_id == partner_id))
        + count(select(func.count(Commission.id)).where(Commission.pilot_partner_id == partner_id))
    )


def remove_partner(*, session: Session, project_id: int, partner_id: int) -> str:
    """Delete a partner who holds nothing; archive one who holds commitments or pilots something."""
    partner = _partner(session, project_id, partner_id)
    if _holds(session, partner_id):
        partner.archived_at = partner.archived_at or utcnow()
        session.add(partner)
        session.flush()
        return ARCHIVED
    for member in session.exec(select(CommissionMember).where(CommissionMember.partner_id == partner_id)):
        session.delete(member)
    session.delete(partner)
    session.flush()
    return DELETED


def restore_partner(*, session: Session, project_id: int, partner_id: int) -> PartnerRead:
    partner = _partner(session, project_id, partner_id)
    partner.archived_at = None
    session.add(partner)
    session.flush()
    return PartnerRead.model_validate(partner)


def directory(*, session: Session, project_id: int) -> pd.DataFrame:
    """The partners' directory: kind, contact, charter, commitments held, archived or not."""
    held = dict(
        session.exec(
            select(Commitment.partner_id, func.count(Commitment.id))
            .where(Commitment.project_id == project_id)
            .group_by(Commitment.partner_id)
        ).all()
    )
    query = select(Partner).where(Partner.project_id == project_id).order_by(col(Partner.archived_at).is_not(None))
    rows = [
        {
            "id": p.id,
            "name": p.name,
            "kind": p.kind,
            "contact": p.contact,
            "charter_signed_on": p.charter_signed_on,
            "commitments": held.get(p.id, 0),
            "archived": p.archived_at is not None,
        }
        for p in session.exec(query.order_by(Partner.name))
    ]
    columns = ["id", "name", "kind", "contact", "charter_signed_on", "commitments", "archived"]
    return pd.DataFrame(rows, columns=columns)


def create_commission(
    *,
    session: Session,
    project_id: int,
    name: str,
    theme: str = "",
    pilot_partner_id: int | None = None,
    member_ids: Sequence[int] = (),
) -> CommissionRead:
    """A thematic commission led by a pilot partner; the pilot is a member too."""
    if pilot_partner_id is not None:
        _partner(session, project_id, pilot_partner_id, active=True)
    commission = Commission(
        project_id=project_id,
        name=clean_name(name),
        theme=clean_optional(theme, max_length=400),
        pilot_partner_id=pilot_partner_id,
    )
    session.add(commission)
    session.flush()
    members = list(dict.fromkeys([*([pilot_partner_id] if pilot_partner_id else []), *member_ids]))
    set_members(session=session, project_id=project_id, commission_id=commission.id, member_ids=members)
    return CommissionRead.model_validate(commission)


def set_members(*, session: Session, project_id: int, commission_id: int, member_ids: Sequence[int]) -> list[int]:
    """Replace a commission's members (the pilot stays one)."""
    commission = _commission(session, project_id, commission_id)
    wanted = list(dict.fromkeys(member_ids))
    if commission.pilot_partner_id and commission.pilot_partner_id not in wanted:
        wanted.insert(0, commission.pilot_partner_id)
    for partner_id in wanted:
        _partner(session, project_id, partner_id)
    for member in session.exec(select(CommissionMember).where(CommissionMember.commission_id == commission_id)):
        session.delete(member)
    session.flush()
    for partner_id in wanted:
        session.add(CommissionMember(project_id=project_id, commission_id=commission_id, partner_id=partner_id))
    session.flush()
    return wanted


def list_commissions(*, session: Session, project_id: int) -> list[CommissionRead]:
    query = select(Commission).where(Commission.project_id == project_id).order_by(Commission.name)
    return [CommissionRead.model_validate(c) for c in session.exec(query)]


@dataclass
class CommissionView:
    id: int
    name: str
    theme: str
    pilot: str
    members: list[str]
    actions: list[str]
    member_ids: list[int]


def commissions_overview(*, session: Session, project_id: int) -> list[CommissionView]:
    """Each commission with its pilot's name, its members' names and the actions it carries."""
    names = dict(session.exec(select(Partner.id, Partner.name).where(Partner.project_id == project_id)).all())
    members = session.exec(
        select(CommissionMember.commission_id, CommissionMember.partner_id)
        .where(CommissionMember.project_id == project_id)
        .order_by(CommissionMember.id)
    ).all()
    actions = session.exec(
        select(Action.commission_id, Action.title).where(Action.project_id == project_id).order_by(Action.id)
    ).all()
    return [
        CommissionView(
            id=c.id,
            name=c.name,
            theme=c.theme,
            pilot=names.get(c.pilot_partner_id, ""),
            members=[names[p] for cid, p in members if cid == c.id],
            actions=[title for cid, title in actions if cid == c.id],
            member_ids=[p for cid, p in members if cid == c.id],
        )
        for c in list_commissions(session=session, project_id=project_id)
    ]


def add_plenary(
    *,
    session: Session,
    project_id: int,
    held_on: date | None,
    title: str,
    presented: str = "",
    attendance: object = None,
) -> PlenaryRead:
    if held_on is None:
        raise SpiraleError("error.plenary_date")
    people = None
    if attendance not in (None, ""):
        try:
            people = int(str(attendance).strip())
        except ValueError as exc:
            raise SpiraleError("error.attendance", value=str(attendance)[:40]) from exc
        if not 0 <= people <= ATTENDANCE_MAX:
            raise SpiraleError("error.attendance", value=str(attendance)[:40])
    plenary = Plenary(
        project_id=project_id,
        held_on=held_on,
        title=clean_name(title),
        presented=clean_optional(presented, max_length=4000),
        attendance=people,
    )
    session.add(plenary)
    session.flush()
    return PlenaryRead.model_validate(plenary)


def list_plenaries(*, session: Session, project_id: int) -> list[PlenaryRead]:
    query = select(Plenary).where(Plenary.project_id == project_id).order_by(Plenary.held_on, Plenary.id)
    return [PlenaryRead.model_validate(p) for p in session.exec(query)]
