"""Step 4 services: partners, pilot actions aimed at indicators, and partners' commitments."""

import math
from collections.abc import Mapping
from datetime import date

import pandas as pd
from sqlmodel import Session, col, select

from actions.models import (
    ACTION_STATUSES,
    COMMITMENT_KINDS,
    PARTNER_KINDS,
    Action,
    ActionRead,
    ActionTarget,
    Commitment,
    Partner,
    PartnerRead,
)
from indicators import service as indicators_service
from workshop.errors import SpiraleError
from workshop.text import clean_name, clean_optional


def add_partner(
    *,
    session: Session,
    project_id: int,
    name: str,
    kind: str = "association",
    contact: str = "",
    charter_signed_on: date | None = None,
) -> PartnerRead:
    if kind not in PARTNER_KINDS:
        raise SpiraleError("error.partner_kind", kind=kind)
    partner = Partner(
        project_id=project_id,
        name=clean_name(name),
        kind=kind,
        contact=clean_optional(contact, max_length=160),
        charter_signed_on=charter_signed_on,
    )
    session.add(partner)
    session.flush()
    return PartnerRead.model_validate(partner)


def list_partners(*, session: Session, project_id: int) -> list[PartnerRead]:
    query = select(Partner).where(Partner.project_id == project_id, col(Partner.archived_at).is_(None))
    return [PartnerRead.model_validate(p) for p in session.exec(query.order_by(Partner.name))]


def _partner(session: Session, project_id: int, partner_id: int) -> Partner:
    partner = session.get(Partner, partner_id)
    if partner is None or partner.project_id != project_id:
        raise SpiraleError("error.partner_missing")
    return partner


def create_action(
    *,
    session: Session,
    project_id: int,
    title: str,
    targets: Mapping[int, int],
    description: str = "",
    status: str = "draft",
    pilot_partner_id: int | None = None,
    start_on: date | None = None,
    end_on: date | None = None,
) -> ActionRead:
    """A pilot action aiming at levels on indicators (indicator id -> target level 1-5)."""
    if status not in ACTION_STATUSES:
        raise SpiraleError("error.action_status", status=status)
    if start_on and end_on and end_on < start_on:
        raise SpiraleError("error.action_dates")
    known = {i.id for i in indicators_service.list_indicators(session=session, project_id=project_id)}
    if unknown := sorted(set(targets) - known):
        raise SpiraleError("error.indicator_unknown", ids=unknown)
    if bad := [lvl for lvl in targets.values() if lvl not in (1, 2, 3, 4, 5)]:
        raise SpiraleError("error.level_range", value=bad[0])
    if pilot_partner_id is not None:
        _partner(session, project_id, pilot_partner_id)
    action = Action(
        project_id=project_id,
        title=clean_name(title),
        description=clean_optional(description, max_length=4000),
        status=status,
        pilot_partner_id=pilot_partner_id,
        start_on=start_on,
        end_on=end_on,
    )
    session.add(action)
    session.flush()
    for indicator_id, level in targets.items():
        session.add(
            ActionTarget(project_id=project_id, action_id=action.id, indicator_id=indicator_id, target_level=level)
        )
    session.flush()
    return ActionRead.model_validate(action)


def parse_amount(value: object) -> float | None:
    """A commitment's amount: empty is allowed (a pledge of participation); negative or text is not."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        amount = float(str(value).replace(",", ".").replace(" ", "").replace("\u202f", ""))
    except ValueError as exc:
        raise SpiraleError("error.amount_number", value=str(value)[:40]) from exc
    if not math.isfinite(amount) or amount < 0:
        raise SpiraleError("error.amount_negative")
    return amount


def add_commitment(
    *,
    session: Session,
    project_id: int,
    action_id: int,
    partner_id: int,
    kind: str,
    amount: object = None,
    unit: str = "",
    description: str = "",
) -> int:
    if kind not in COMMITMENT_KINDS:
        raise SpiraleError("error.commitment_kind", kind=kind)
    action = session.get(Action, action_id)
    if action is None or action.project_id != project_id:
        raise SpiraleError("error.action_missing")
    _partner(session, project_id, partner_id)
    commitment = Commitment(
        project_id=project_id,
        action_id=action_id,
        partner_id=partner_id,
        kind=kind,
        amount=parse_amount(amount),
        unit=clean_optional(unit, max_length=40),
        description=clean_optional(description),
    )
    session.add(commitment)
    session.flush()
    return commitment.id


def list_actions(*, session: Session, project_id: int) -> list[ActionRead]:
    query = select(Action).where(Action.project_id == project_id).order_by(Action.id)
    return [ActionRead.model_validate(a) for a in session.exec(query)]


def action_targets(*, session: Session, project_id: int) -> pd.DataFrame:
    query = select(ActionTarget.action_id, ActionTarget.indicator_id, ActionTarget.target_level).where(
        ActionTarget.project_id == project_id
    )
    return pd.DataFrame(session.exec(query).all(), columns=["action_id", "indicator_id", "target_level"])


def commitments_frame(*, session: Session, project_id: int) -> pd.DataFrame:
    """One row per commitment, with the partner's name."""
    query = (
        select(
            Commitment.action_id,
            Partner.name,
            Commitment.kind,
            Commitment.amount,
            Commitment.unit,
            Commitment.description,
        )
        .join(Partner, Partner.id == Commitment.partner_id)
        .where(Commitment.project_id == project_id)
        .order_by(Commitment.id)
    )
    columns = ["action_id", "partner", "kind", "amount", "unit", "description"]
    return pd.DataFrame(session.exec(query).all(), columns=columns)
