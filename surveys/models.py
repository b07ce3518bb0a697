"""Step 3 tables: survey waves, respondents and their answers (a level per indicator)."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from workshop.database import utcnow

EX_ANTE = "ex-ante"
EX_POST = "ex-post"
WAVE_KINDS = (EX_ANTE, EX_POST)


class WaveBase(SQLModel):
    name: str = Field(max_length=120)
    kind: str = Field(default=EX_ANTE, max_length=20)
    opened_on: date | None = None
    closed_on: date | None = None


class Wave(WaveBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class WaveRead(WaveBase):
    id: int
    project_id: int


class Respondent(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("wave_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    wave_id: int = Field(foreign_key="wave.id", index=True)
    code: str = Field(max_length=64)  # pseudonymous respondent id
    profile: str = Field(default="", max_length=120)
    place: str = Field(default="", max_length=120)
    age_band: str = Field(default="", max_length=20)
    weight: float = Field(default=1.0, gt=0)
    created_at: datetime = Field(default_factory=utcnow)


class Answer(SQLModel, table=True):
    """A respondent's level (1-5) on one indicator; None means "don't know"."""

    __table_args__ = (UniqueConstraint("respondent_id", "indicator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    respondent_id: int = Field(foreign_key="respondent.id", index=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    level: int | None = Field(default=None, ge=1, le=5)
