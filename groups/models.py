"""Step 1 tables: homogeneous and mixed groups, and the criteria (notes) they write."""

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from workshop.database import utcnow

HOMOGENEOUS = "homogeneous"
MIXED = "mixed"
GROUP_KINDS = (HOMOGENEOUS, MIXED)

WELLBEING = "wellbeing"
ILLBEING = "illbeing"
ACTION = "action"
QUESTIONS = (WELLBEING, ILLBEING, ACTION)

PROPOSED = "proposed"
VALIDATED = "validated"
CRITERION_STATUSES = (PROPOSED, VALIDATED)

HIDE = "hide"
SHOW = "show"
MODERATION_ACTIONS = (HIDE, SHOW)


class GroupBase(SQLModel):
    kind: str = Field(default=HOMOGENEOUS, max_length=20)
    profile: str = Field(max_length=120)
    planned_size: int | None = Field(default=None, ge=1, le=500)
    meeting_date: date | None = None
    facilitator: str = Field(default="", max_length=120)


class GroupLive(SQLModel):
    """What the live meeting adds to a group: the participants' join code and the countdown."""

    # Not unique in the database: an archive imported twice holds the same code; opening a code
    # makes it unique among the groups of the database (groups.join.open_join).
    join_code: str | None = Field(default=None, max_length=8, index=True)
    join_until: datetime | None = None  # the code lets participants in until then
    timer_question: str | None = Field(default=None, max_length=20)
    timer_ends_at: datetime | None = None


class Group(GroupBase, GroupLive, table=True):
    __tablename__ = "citizen_group"  # "group" is an SQL keyword

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class GroupRead(GroupBase, GroupLive):
    id: int
    project_id: int


class CriterionBase(SQLModel):
    question: str = Field(max_length=20)
    text: str = Field(max_length=2000)  # exactly as the citizen wrote it, never overwritten
    corrected_text: str | None = Field(default=None, max_length=2000)
    author: str = Field(default="", max_length=120)
    status: str = Field(default=PROPOSED, max_length=20)
    family_code: str | None = Field(default=None, max_length=8)
    component_code: str | None = Field(default=None, max_length=8)


class Criterion(CriterionBase, table=True):
    # The wall's "what changed since" reads the newest change of a group's notes from this index alone.
    __table_args__ = (Index("ix_criterion_group_updated", "group_id", "updated_at"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    group_id: int = Field(foreign_key="citizen_group.id", index=True)
    # The phone that wrote it (a random token kept in that browser's session); None for the facilitator.
    participant_token: str | None = Field(default=None, max_length=64, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None  # soft delete: nothing said is ever lost
    # Moderation: kept off the projected wall (the note stays everywhere else); logged in note_moderation.
    hidden_at: datetime | None = None


class CriterionRead(CriterionBase):
    id: int
    project_id: int
    group_id: int
    participant_token: str | None = None
    created_at: datetime
    deleted_at: datetime | None
    hidden_at: datetime | None = None

    @property
    def shown_text(self) -> str:
        return self.corrected_text or self.text


class QuestionWording(SQLModel, table=True):
    """The words of one of the three questions for a project's cycle (the catalog's wording otherwise)."""

    __tablename__ = "question_wording"
    __table_args__ = (UniqueConstraint("project_id", "cycle", "question"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    cycle: int = Field(default=1, ge=1)
    question: str = Field(max_length=20)
    text_fr: str = Field(default="", max_length=300)
    text_en: str = Field(default="", max_length=300)


class WallQuestion(SQLModel, table=True):
    """How one question's notes show on a group's projected wall: veiled (a count only) until revealed.

    "Individual, then collective": everyone writes alone while the question is veiled, then the facilitator
    reveals the notes to the group. No row: the notes show as they arrive.
    """

    __tablename__ = "wall_question"
    __table_args__ = (UniqueConstraint("group_id", "question"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    group_id: int = Field(foreign_key="citizen_group.id", index=True)
    question: str = Field(max_length=20)
    veiled: bool = False
    updated_at: datetime = Field(default_factory=utcnow)


class NoteModeration(SQLModel, table=True):
    """The log of a note hidden from or shown again on the wall: who, when (the note itself is untouched)."""

    __tablename__ = "note_moderation"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    criterion_id: int = Field(foreign_key="criterion.id", index=True)
    action: str = Field(max_length=10)  # HIDE or SHOW
    account_id: int | None = None  # the facilitator's account (an instance table: no foreign key, as erasure's log)
    at: datetime = Field(default_factory=utcnow)


class NoteModerationRead(SQLModel):
    id: int
    criterion_id: int
    action: str
    account_id: int | None
    at: datetime
