"""Kernel tables: the Project (one territory's process) and its reference grid."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from workshop.database import utcnow


class ProjectBase(SQLModel):
    name: str = Field(max_length=120)
    place: str = Field(default="", max_length=120)
    language: str = Field(default="fr", max_length=2)
    cycle: int = Field(default=1, ge=1)
    description: str = Field(default="", max_length=2000)


class Project(ProjectBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)


class ProjectRead(ProjectBase):
    id: int
    created_at: datetime


class GridEntryBase(SQLModel):
    """A family (code == family, e.g. "A") or a component (e.g. "A03") of the reference grid."""

    code: str = Field(max_length=8)
    family: str = Field(max_length=2)
    label_fr: str = Field(max_length=200)
    label_en: str = Field(default="", max_length=200)
    description_fr: str = Field(default="", max_length=2000)
    description_en: str = Field(default="", max_length=2000)
    examples_fr: str = Field(default="", max_length=4000)
    examples_en: str = Field(default="", max_length=4000)
    position: int = 0
    added_by_project: bool = False


class GridEntry(GridEntryBase, table=True):
    __tablename__ = "grid_entry"
    __table_args__ = (UniqueConstraint("project_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)


class GridEntryRead(GridEntryBase):
    id: int
    project_id: int


class PresentationState(SQLModel, table=True):
    """What the facilitator's page chose for one of the project's presentations (the board's screen in view, the
    dashboard's wave, filters and chart), kept in the database so that a presentation served by another process
    follows it. `version` grows at each change: the presentation's one-second check compares it."""

    __tablename__ = "presentation_state"
    __table_args__ = (UniqueConstraint("project_id", "view"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    view: str = Field(max_length=20)
    state: str = Field(default="{}", max_length=4000)  # JSON
    version: int = 0
    updated_at: datetime = Field(default_factory=utcnow)
