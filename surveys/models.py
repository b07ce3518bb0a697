"""Step 3 tables: survey waves, respondents and their answers (a level per indicator)."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from workshop.database import utcnow

EX_ANTE = "ex-ante"
EX_POST = "ex-post"
WAVE_KINDS = (EX_ANTE, EX_POST, "follow-up")
OPEN = "open"
CLOSED = "closed"
WAVE_STATUSES = (OPEN, CLOSED)
# Profile questions every project starts with; their answers live in Respondent's own columns.
BUILTIN_QUESTIONS = ("profile", "place", "age_band")


class WaveBase(SQLModel):
    name: str = Field(max_length=120)
    name_en: str = Field(default="", max_length=120)
    kind: str = Field(default=EX_ANTE, max_length=20)
    status: str = Field(default=OPEN, max_length=20)
    opened_on: date | None = None
    closed_on: date | None = None
    # The room-wide QR code's code (/p/enquete/CODE): anyone in the room answers, one response per phone.
    # Not unique: an archive imported into the same database keeps its code (the newest wave answers it).
    room_code: str = Field(default="", max_length=12, index=True)


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
    extra: str = Field(default="", max_length=8000)  # JSON {question key: answer} for the project's own questions
    created_at: datetime = Field(default_factory=utcnow)


class Answer(SQLModel, table=True):
    """A respondent's level (1-5) on one indicator; None means "don't know"."""

    __table_args__ = (UniqueConstraint("respondent_id", "indicator_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    respondent_id: int = Field(foreign_key="respondent.id", index=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    level: int | None = Field(default=None, ge=1, le=5)


class ProfileQuestionBase(SQLModel):
    """A question about the respondent (group profile, neighbourhood, age band, or one the project adds)."""

    key: str = Field(max_length=40)
    label_fr: str = Field(max_length=200)
    label_en: str = Field(default="", max_length=200)
    choices: str = Field(default="", max_length=4000)  # one choice a line; empty = free text
    position: int = 0


class ProfileQuestion(ProfileQuestionBase, table=True):
    __tablename__ = "profile_question"
    __table_args__ = (UniqueConstraint("project_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)


class ProfileQuestionRead(ProfileQuestionBase):
    project_id: int

    @property
    def options(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" and self.label_en else self.label_fr


ROOM_ONE_PER_PHONE = "uq_survey_token_wave_phone"


class SurveyToken(SQLModel, table=True):
    """A participant link: one response per token; the draft keeps a half-answered questionnaire."""

    __tablename__ = "survey_token"
    # Unique per project, not globally: a project archive imported into the same database keeps its links
    # (the newest copy answers them, see service.token_state).
    # A response through the room's code is bound to the phone's participant token: one per phone and wave.
    __table_args__ = (
        UniqueConstraint("project_id", "token"),
        UniqueConstraint("wave_id", "participant_token", name=ROOM_ONE_PER_PHONE),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    wave_id: int = Field(foreign_key="wave.id", index=True)
    token: str = Field(max_length=40, index=True)
    participant_token: str | None = Field(default=None, max_length=64)  # None: a per-person link
    draft: str = Field(default="", max_length=20000)  # JSON of the answers so far
    respondent_id: int | None = Field(default=None, foreign_key="respondent.id")
    created_at: datetime = Field(default_factory=utcnow)
    used_at: datetime | None = None
