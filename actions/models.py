"""Step 4 tables: partners, commissions, plenaries, priority axes, pilot actions, their target indicators,
milestones and partners' commitments."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from workshop.database import utcnow

PARTNER_KINDS = ("public", "association", "business", "citizens", "school")
ACTION_STATUSES = ("draft", "planned", "in_progress", "done")
COMMITMENT_KINDS = ("funding", "staff_time", "volunteers", "premises", "expertise", "participation")
# What the coordinator records about a commitment; "late" is computed from the due date (actions.followup).
PENDING = "pending"
KEPT = "kept"
MISSING = "missing"
FULFILMENTS = (PENDING, KEPT, MISSING)


class PartnerBase(SQLModel):
    name: str = Field(max_length=160)
    kind: str = Field(default="association", max_length=20)
    contact: str = Field(default="", max_length=160)
    charter_signed_on: date | None = None


class Partner(PartnerBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    archived_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class PartnerRead(PartnerBase):
    id: int
    project_id: int
    archived_at: datetime | None = None


class CommissionBase(SQLModel):
    """A thematic working group (employment, housing, health and daily life, youth), led by a pilot partner."""

    name: str = Field(max_length=160)
    theme: str = Field(default="", max_length=400)


class Commission(CommissionBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    pilot_partner_id: int | None = Field(default=None, foreign_key="partner.id")
    created_at: datetime = Field(default_factory=utcnow)


class CommissionRead(CommissionBase):
    id: int
    project_id: int
    pilot_partner_id: int | None


class CommissionMember(SQLModel, table=True):
    __tablename__ = "commission_member"
    __table_args__ = (UniqueConstraint("commission_id", "partner_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    commission_id: int = Field(foreign_key="commission.id", index=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)


class PlenaryBase(SQLModel):
    """A plenary meeting of all partners: its date and what was presented."""

    held_on: date
    title: str = Field(max_length=200)
    presented: str = Field(default="", max_length=4000)
    attendance: int | None = Field(default=None, ge=0)


class Plenary(PlenaryBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class PlenaryRead(PlenaryBase):
    id: int
    project_id: int


class PriorityAxisBase(SQLModel):
    """A priority axis of progress chosen by the coordination group, with the diagnosis it was chosen from."""

    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    rank: int = Field(ge=1)  # rank in the diagnosis when chosen
    score: float = 0.0
    reason: str = Field(default="", max_length=2000)  # the reasons as shown, kept as a record
    decided_by: str = Field(default="", max_length=200)
    decided_on: date | None = None
    note: str = Field(default="", max_length=2000)


class PriorityVoteSupport(SQLModel):
    """The room's vote behind a chosen axis, when it was chosen from one (actions.vote.choose_from_vote)."""

    vote_id: int | None = Field(default=None, foreign_key="priority_vote.id")
    votes: int | None = Field(default=None, ge=0)  # dots the axis had
    voters: int | None = Field(default=None, ge=0)  # phones that gave it at least one
    ballots: int | None = Field(default=None, ge=0)  # phones that voted at all
    votes_by_profile: str = Field(default="", max_length=4000)  # {"profile": dots}, "" for those who did not say


class PriorityAxis(PriorityAxisBase, PriorityVoteSupport, table=True):
    __tablename__ = "priority_axis"
    __table_args__ = (UniqueConstraint("project_id", "indicator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    wave_id: int | None = Field(default=None, foreign_key="wave.id")
    created_at: datetime = Field(default_factory=utcnow)


class PriorityAxisRead(PriorityAxisBase, PriorityVoteSupport):
    id: int
    project_id: int
    wave_id: int | None


class PriorityVoteBase(SQLModel):
    """A dot vote of the room on ranked candidates: so many votes a person, at most so many on one item."""

    code: str = Field(max_length=12, index=True)  # the join codes' alphabet: typed on a phone, read from afar
    votes_per_person: int = Field(ge=1)
    cap_per_item: int = Field(ge=1)
    closes_at: datetime
    closed_at: datetime | None = None  # closed by the facilitator before its time
    revealed: bool = False  # the count on the room's screen: live, or hidden until revealed


class PriorityVote(PriorityVoteBase, table=True):
    __tablename__ = "priority_vote"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    wave_id: int | None = Field(default=None, foreign_key="wave.id")  # the diagnosis the candidates were ranked from
    created_at: datetime = Field(default_factory=utcnow)


class PriorityVoteRead(PriorityVoteBase):
    id: int
    project_id: int
    wave_id: int | None
    created_at: datetime


class PriorityVoteItem(SQLModel, table=True):
    """A candidate of a vote, with the rank and score the diagnosis gave it when the vote opened."""

    __tablename__ = "priority_vote_item"
    __table_args__ = (UniqueConstraint("vote_id", "indicator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    vote_id: int = Field(foreign_key="priority_vote.id", index=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    rank: int = Field(ge=1)
    score: float = 0.0


BALLOT_ONE_PER_PHONE = "uq_priority_ballot_vote_phone"


class PriorityBallot(SQLModel, table=True):
    """One phone's ballot in a vote (its participant token), changed until the vote closes."""

    __tablename__ = "priority_ballot"
    __table_args__ = (UniqueConstraint("vote_id", "participant_token", name=BALLOT_ONE_PER_PHONE),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    vote_id: int = Field(foreign_key="priority_vote.id", index=True)
    participant_token: str = Field(max_length=64)
    profile: str = Field(default="", max_length=200)  # as the phone said it; "" when it did not
    changes: int = 0  # within the current minute (the rate limit per phone)
    window_from: datetime = Field(default_factory=utcnow)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class PriorityBallotDot(SQLModel, table=True):
    """The votes one ballot gives one candidate (rows, not a JSON map: an archive remaps their indicators)."""

    __tablename__ = "priority_ballot_dot"
    __table_args__ = (UniqueConstraint("ballot_id", "indicator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    ballot_id: int = Field(foreign_key="priority_ballot.id", index=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    votes: int = Field(ge=1)


class ActionBase(SQLModel):
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=4000)
    status: str = Field(default="draft", max_length=20)
    start_on: date | None = None
    end_on: date | None = None


class Action(ActionBase, table=True):
    __tablename__ = "pilot_action"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    pilot_partner_id: int | None = Field(default=None, foreign_key="partner.id")
    commission_id: int | None = Field(default=None, foreign_key="commission.id")
    # Optimistic concurrency: every edit adds one; a screen that saw an older version is refused.
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)


class ActionRead(ActionBase):
    id: int
    project_id: int
    pilot_partner_id: int | None
    commission_id: int | None = None
    version: int = 1
    flags: list[str] = []  # why a draft cannot go ahead yet: "no_target", "no_owner"


class ActionTarget(SQLModel, table=True):
    """An indicator the action aims to improve, and the level it aims for."""

    __tablename__ = "action_target"
    __table_args__ = (UniqueConstraint("action_id", "indicator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    action_id: int = Field(foreign_key="pilot_action.id", index=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    target_level: int = Field(ge=1, le=5)


class Commitment(SQLModel, table=True):
    """What one co-responsible partner (or the beneficiaries) commits to for an action."""

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    action_id: int = Field(foreign_key="pilot_action.id", index=True)
    partner_id: int = Field(foreign_key="partner.id", index=True)
    kind: str = Field(max_length=20)
    amount: float | None = Field(default=None, ge=0)
    unit: str = Field(default="", max_length=40)
    description: str = Field(default="", max_length=2000)
    due_on: date | None = None
    fulfilment: str = Field(default=PENDING, max_length=20)
    fulfilled_on: date | None = None
    # Optimistic concurrency: every edit adds one; a screen that saw an older version is refused.
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)


class ReciprocalCommitment(SQLModel, table=True):
    """A multi-partner social contract: two commitments that answer each other (beneficiaries <-> providers).

    A table of its own rather than a column pointing at `commitment`, so the project archive copies it.
    """

    __tablename__ = "reciprocal_commitment"
    __table_args__ = (UniqueConstraint("commitment_id", "reciprocal_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    commitment_id: int = Field(foreign_key="commitment.id", index=True)
    reciprocal_id: int = Field(foreign_key="commitment.id", index=True)


class Milestone(SQLModel, table=True):
    """A dated step of an action (first workshop, mid-term review...), done or not."""

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    action_id: int = Field(foreign_key="pilot_action.id", index=True)
    title: str = Field(max_length=200)
    due_on: date
    done_on: date | None = None
    # Optimistic concurrency: every edit adds one; a screen that saw an older version is refused.
    version: int = 1
