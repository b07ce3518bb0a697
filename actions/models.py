"""Step 4 tables: partners, pilot actions, their target indicators and partners' commitments."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from workshop.database import utcnow

PARTNER_KINDS = ("public", "association", "business", "citizens", "school")
ACTION_STATUSES = ("draft", "planned", "in_progress", "done")
COMMITMENT_KINDS = ("funding", "staff_time", "volunteers", "premises", "expertise", "participation")


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
    created_at: datetime = Field(default_factory=utcnow)


class ActionRead(ActionBase):
    id: int
    project_id: int
    pilot_partner_id: int | None


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
    created_at: datetime = Field(default_factory=utcnow)
