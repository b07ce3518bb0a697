"""Step 4 services: partners, pilot actions aimed at indicators, milestones, and partners' commitments.

An action without a target indicator or without an owner (its pilot partner) is kept, as a draft, with flags
saying what it lacks; it cannot leave the draft status until both are there.
"""

import math
from collections.abc import Mapping
from datetime import date

import pandas as pd
from sqlmodel import Session, col, select

from actions.models import (
    ACTION_STATUSES,
    COMMITMENT_KINDS,
    FULFILMENTS,
    KEPT,
    PARTNER_KINDS,
    PENDING,
    Action,
    ActionRead,
    ActionTarget,
    Commission,
    Commitment,
    Milestone,
    Partner,
    PartnerRead,
    ReciprocalCommitment,
)
from indicators import service as indicators_service
from workshop.database import Row, project_row
from workshop.errors import SpiraleError
from workshop.text import clean_name, clean_optional

_MISSING = {
    Action: "error.action_missing",
    Milestone: "error.milestone_missing",
    Commitment: "error.commitment_missing",
}
_STALE = {Action: "error.stale_action", Milestone: "error.stale_milestone", Commitment: "error.stale_commitment"}


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


def list_partners(*, session: Session, project_id: int, include_archived: bool = False) -> list[PartnerRead]:
    query = select(Partner).where(Partner.project_id == project_id)
    if not include_archived:
        query = query.where(col(Partner.archived_at).is_(None))
    return [PartnerRead.model_validate(p) for p in session.exec(query.order_by(Partner.name))]


def _partner(session: Session, project_id: int, partner_id: int, *, active: bool = False) -> Partner:
    partner = project_row(session, Partner, partner_id, project_id, "error.partner_missing")
    if active and partner.archived_at is not None:
        raise SpiraleError("error.partner_archived", name=partner.name)
    return partner


def _commission(session: Session, project_id: int, commission_id: int) -> Commission:
    return project_row(session, Commission, commission_id, project_id, "error.commission_missing")


def _action(session: Session, project_id: int, action_id: int) -> Action:
    return project_row(session, Action, action_id, project_id, "error.action_missing")


def _editable(session: Session, model: type[Row], row_id: int, project_id: int, expected_version: int | None) -> Row:
    """An action, milestone or commitment locked for an edit; refused when another screen saved it since this one
    read it (`expected_version` is the version the screen showed; None: a script, no check).

    The lock makes the check and the write one step on PostgreSQL; SQLite runs one writer at a time already.
    """
    query = select(model).where(model.id == row_id).with_for_update().execution_options(populate_existing=True)
    row = session.exec(query).first()
    if row is None or row.project_id != project_id:
        raise SpiraleError(_MISSING[model])
    if expected_version is not None and row.version != expected_version:
        raise SpiraleError(_STALE[model], name=_label(session, row))
    return row


def _label(session: Session, row: Action | Milestone | Commitment) -> str:
    """What a stale refusal names: the action's or milestone's title, a commitment's action."""
    if isinstance(row, Commitment):
        return session.get(Action, row.action_id).title
    return row.title


def _target_ids(session: Session, action_id: int) -> list[int]:
    return list(session.exec(select(ActionTarget.indicator_id).where(ActionTarget.action_id == action_id)).all())


def flags_of(*, has_target: bool, has_owner: bool) -> list[str]:
    """What a draft lacks before it can go ahead."""
    return [flag for flag, ok in (("no_target", has_target), ("no_owner", has_owner)) if not ok]


def _read(session: Session, action: Action) -> ActionRead:
    read = ActionRead.model_validate(action)
    read.flags = flags_of(
        has_target=bool(_target_ids(session, action.id)), has_owner=action.pilot_partner_id is not None
    )
    return read


def create_action(
    *,
    session: Session,
    project_id: int,
    title: str,
    targets: Mapping[int, int] | None = None,
    description: str = "",
    status: str = "draft",
    pilot_partner_id: int | None = None,
    commission_id: int | None = None,
    start_on: date | None = None,
    end_on: date | None = None,
) -> ActionRead:
    """A pilot action aiming at levels on indicators (indicator id -> target level 1-5).

    Without a target or an owner it is stored as a draft, whatever status was asked, and flagged.
    """
    targets = dict(targets or {})
    if status not in ACTION_STATUSES:
        raise SpiraleError("error.action_status", status=status)
    if start_on and end_on and end_on < start_on:
        raise SpiraleError("error.action_dates")
    _check_targets(session, project_id, targets)
    if pilot_partner_id is not None:
        _partner(session, project_id, pilot_partner_id, active=True)
    if commission_id is not None:
        _commission(session, project_id, commission_id)
    if flags_of(has_target=bool(targets), has_owner=pilot_partner_id is not None):
        status = "draft"
    action = Action(
        project_id=project_id,
        title=clean_name(title),
        description=clean_optional(description, max_length=4000),
        status=status,
        pilot_partner_id=pilot_partner_id,
        commission_id=commission_id,
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
    return _read(session, action)


def _check_targets(session: Session, project_id: int, targets: Mapping[int, int]) -> None:
    known = {i.id for i in indicators_service.list_indicators(session=session, project_id=project_id)}
    if unknown := sorted(set(targets) - known):
        raise SpiraleError("error.indicator_unknown", ids=unknown)
    if bad := [lvl for lvl in targets.values() if lvl not in (1, 2, 3, 4, 5)]:
        raise SpiraleError("error.level_range", value=bad[0])


def update_action(
    *,
    session: Session,
    project_id: int,
    action_id: int,
    status: str | None = None,
    start_on: date | None = None,
    end_on: date | None = None,
    pilot_partner_id: int | None = None,
    commission_id: int | None = None,
    targets: Mapping[int, int] | None = None,
    expected_version: int | None = None,
) -> ActionRead:
    """Change an action's status, dates, owner, commission or targets; a flagged draft stays a draft.

    Everything is checked before anything changes, so a refusal leaves the action as it was.
    """
    action = _editable(session, Action, action_id, project_id, expected_version)
    start, end = start_on or action.start_on, end_on or action.end_on
    if start and end and end < start:
        raise SpiraleError("error.action_dates")
    if pilot_partner_id is not None:
        _partner(session, project_id, pilot_partner_id, active=True)
    if commission_id is not None:
        _commission(session, project_id, commission_id)
    if targets is not None:
        _check_targets(session, project_id, targets)
    if status is not None:
        if status not in ACTION_STATUSES:
            raise SpiraleError("error.action_status", status=status)
        has_target = bool(targets) if targets is not None else bool(_target_ids(session, action.id))
        has_owner = (pilot_partner_id or action.pilot_partner_id) is not None
        if status != "draft" and (flags := flags_of(has_target=has_target, has_owner=has_owner)):
            raise SpiraleError("error.action_incomplete", missing=flags)
        action.status = status
    if pilot_partner_id is not None:
        action.pilot_partner_id = pilot_partner_id
    if commission_id is not None:
        action.commission_id = commission_id
    if targets is not None:
        for old in session.exec(select(ActionTarget).where(ActionTarget.action_id == action_id)):
            session.delete(old)
        session.flush()
        for indicator_id, level in targets.items():
            session.add(
                ActionTarget(project_id=project_id, action_id=action_id, indicator_id=indicator_id, target_level=level)
            )
    action.start_on, action.end_on = start, end
    action.version += 1
    session.add(action)
    session.flush()
    return _read(session, action)


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
    due_on: date | None = None,
    reciprocal_id: int | None = None,
) -> int:
    """A partner's (or the beneficiaries') part in an action; `reciprocal_id` names the commitment it answers."""
    if kind not in COMMITMENT_KINDS:
        raise SpiraleError("error.commitment_kind", kind=kind)
    _action(session, project_id, action_id)
    _partner(session, project_id, partner_id, active=True)
    parsed = parse_amount(amount)
    if kind == "funding" and parsed is None:
        raise SpiraleError("error.amount_funding")
    if reciprocal_id is not None:
        other = session.get(Commitment, reciprocal_id)
        if other is None or other.project_id != project_id or other.action_id != action_id:
            raise SpiraleError("error.reciprocal_missing")
        if other.partner_id == partner_id:
            raise SpiraleError("error.reciprocal_same_partner")
    commitment = Commitment(
        project_id=project_id,
        action_id=action_id,
        partner_id=partner_id,
        kind=kind,
        amount=parsed,
        unit=clean_optional(unit, max_length=40),
        description=clean_optional(description),
        due_on=due_on,
    )
    session.add(commitment)
    session.flush()
    if reciprocal_id is not None:
        session.add(ReciprocalCommitment(project_id=project_id, commitment_id=commitment.id, reciprocal_id=other.id))
        session.flush()
    return commitment.id


def remove_commitment(
    *, session: Session, project_id: int, commitment_id: int, expected_version: int | None = None
) -> None:
    """Take back a commitment entered by mistake, with its reciprocal links.

    Only while nothing is recorded on it: a commitment kept or missing is the partners' history
    (co-responsibility is accountable), so it stays.
    """
    commitment = _editable(session, Commitment, commitment_id, project_id, expected_version)
    if commitment.fulfilment != PENDING:
        raise SpiraleError("error.commitment_recorded", name=_label(session, commitment))
    links = select(ReciprocalCommitment).where(
        (ReciprocalCommitment.commitment_id == commitment.id) | (ReciprocalCommitment.reciprocal_id == commitment.id)
    )
    for link in session.exec(links):
        session.delete(link)
    session.flush()  # the links go first: no relationship tells the unit of work their order
    session.delete(commitment)
    session.flush()


def reciprocals(*, session: Session, project_id: int) -> dict[int, int]:
    """Commitment id -> the commitment it answers, both ways."""
    query = select(ReciprocalCommitment.commitment_id, ReciprocalCommitment.reciprocal_id).where(
        ReciprocalCommitment.project_id == project_id
    )
    pairs: dict[int, int] = {}
    for one, other in session.exec(query.order_by(ReciprocalCommitment.id)).all():
        pairs.setdefault(one, other)
        pairs.setdefault(other, one)
    return pairs


def set_fulfilment(
    *,
    session: Session,
    project_id: int,
    commitment_id: int,
    fulfilment: str,
    fulfilled_on: date | None = None,
    expected_version: int | None = None,
) -> None:
    """The coordinator records whether a commitment was kept (and when) or is missing."""
    if fulfilment not in FULFILMENTS:
        raise SpiraleError("error.fulfilment", value=fulfilment)
    commitment = _editable(session, Commitment, commitment_id, project_id, expected_version)
    commitment.fulfilment = fulfilment
    commitment.fulfilled_on = (fulfilled_on or date.today()) if fulfilment == KEPT else None
    commitment.version += 1
    session.add(commitment)
    session.flush()


def list_actions(*, session: Session, project_id: int) -> list[ActionRead]:
    query = select(Action).where(Action.project_id == project_id).order_by(Action.id)
    return [_read(session, a) for a in session.exec(query)]


def get_action(*, session: Session, project_id: int, action_id: int) -> ActionRead:
    return _read(session, _action(session, project_id, action_id))


def add_milestone(
    *, session: Session, project_id: int, action_id: int, title: str, due_on: date, done_on: date | None = None
) -> int:
    _action(session, project_id, action_id)
    if due_on is None:
        raise SpiraleError("error.milestone_date")
    milestone = Milestone(
        project_id=project_id, action_id=action_id, title=clean_name(title), due_on=due_on, done_on=done_on
    )
    session.add(milestone)
    session.flush()
    return milestone.id


def set_milestone_done(
    *, session: Session, project_id: int, milestone_id: int, done_on: date | None, expected_version: int | None = None
) -> None:
    milestone = _editable(session, Milestone, milestone_id, project_id, expected_version)
    milestone.done_on = done_on
    milestone.version += 1
    session.add(milestone)
    session.flush()


def milestones_frame(*, session: Session, project_id: int) -> pd.DataFrame:
    query = (
        select(
            Milestone.id, Milestone.action_id, Milestone.title, Milestone.due_on, Milestone.done_on, Milestone.version
        )
        .where(Milestone.project_id == project_id)
        .order_by(Milestone.due_on, Milestone.id)
    )
    columns = ["id", "action_id", "title", "due_on", "done_on", "version"]
    return pd.DataFrame(session.exec(query).all(), columns=columns)


def actions_frame(*, session: Session, project_id: int) -> pd.DataFrame:
    """One row per action with its pilot's and commission's names and flags (for the timeline and report)."""
    partners = {p.id: p.name for p in list_partners(session=session, project_id=project_id, include_archived=True)}
    commissions = dict(
        session.exec(select(Commission.id, Commission.name).where(Commission.project_id == project_id)).all()
    )
    rows = [
        {
            "id": a.id,
            "title": a.title,
            "status": a.status,
            "start_on": a.start_on,
            "end_on": a.end_on,
            "pilot": partners.get(a.pilot_partner_id, ""),
            "commission": commissions.get(a.commission_id, ""),
            "flags": a.flags,
        }
        for a in list_actions(session=session, project_id=project_id)
    ]
    columns = ["id", "title", "status", "start_on", "end_on", "pilot", "commission", "flags"]
    return pd.DataFrame(rows, columns=columns)


def action_targets(*, session: Session, project_id: int) -> pd.DataFrame:
    query = select(ActionTarget.action_id, ActionTarget.indicator_id, ActionTarget.target_level).where(
        ActionTarget.project_id == project_id
    )
    return pd.DataFrame(session.exec(query).all(), columns=["action_id", "indicator_id", "target_level"])


COMMITMENT_COLUMNS = ["action_id", "partner", "kind", "amount", "unit", "description"]
COMMITMENT_DETAILS = [
    "id",
    "partner_id",
    "partner_kind",
    "archived",
    "due_on",
    "fulfilment",
    "fulfilled_on",
    "version",
    "reciprocal_id",
]


def commitments_frame(*, session: Session, project_id: int, details: bool = False) -> pd.DataFrame:
    """One row per commitment, with the partner's name (archived partners included: nothing is dropped)."""
    query = (
        select(
            Commitment.action_id,
            Partner.name,
            Commitment.kind,
            Commitment.amount,
            Commitment.unit,
            Commitment.description,
            Commitment.id,
            Commitment.partner_id,
            Partner.kind,
            Partner.archived_at,
            Commitment.due_on,
            Commitment.fulfilment,
            Commitment.fulfilled_on,
            Commitment.version,
        )
        .join(Partner, Partner.id == Commitment.partner_id)
        .where(Commitment.project_id == project_id)
        .order_by(Commitment.id)
    )
    frame = pd.DataFrame(session.exec(query).all(), columns=COMMITMENT_COLUMNS + COMMITMENT_DETAILS[:-1])
    pairs = reciprocals(session=session, project_id=project_id)
    frame["reciprocal_id"] = pd.Series([pairs.get(i) for i in frame["id"]], index=frame.index, dtype="Int64")
    frame["archived"] = frame["archived"].notna()
    frame["amount"] = frame["amount"].astype("float64")
    return frame if details else frame[COMMITMENT_COLUMNS]


def funding_frame(*, session: Session, project_id: int) -> pd.DataFrame:
    """Funding commitments summed per action and partner (per unit: euros are not added to hours)."""
    frame = commitments_frame(session=session, project_id=project_id)
    return funding_table(frame)


def funding_table(commitments: pd.DataFrame) -> pd.DataFrame:
    """Pure: funding commitments -> one row per action, partner and unit, with the amount and its share."""
    columns = ["action_id", "partner", "unit", "amount", "share"]
    funding = commitments[(commitments["kind"] == "funding") & commitments["amount"].notna()]
    if funding.empty:
        return pd.DataFrame(columns=columns)
    table = funding.groupby(["action_id", "partner", "unit"], as_index=False)["amount"].sum()
    table["share"] = table["amount"] / table.groupby(["action_id", "unit"])["amount"].transform("sum")
    return table[columns]
