"""Step 1 tables: homogeneous and mixed groups, and the criteria (notes) they write."""

from datetime import date, datetime

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


class GroupBase(SQLModel):
    kind: str = Field(default=HOMOGENEOUS, max_length=20)
    profile: str = Field(max_length=120)
    planned_size: int | None = Field(default=None, ge=1, le=500)
    meeting_date: date | None = None
    facilitator: str = Field(default="", max_length=120)


class Group(GroupBase, table=True):
    __tablename__ = "citizen_group"  # "group" is an SQL keyword

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class GroupRead(GroupBase):
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
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    group_id: int = Field(foreign_key="citizen_group.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None  # soft delete: nothing said is ever lost


class CriterionRead(CriterionBase):
    id: int
    project_id: int
    group_id: int
    created_at: datetime
    deleted_at: datetime | None

    @property
    def shown_text(self) -> str:
        return self.corrected_text or self.text
