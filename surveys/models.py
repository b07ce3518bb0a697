"""Step 3 tables: survey waves, respondents and their answers (a level per indicator)."""

import math
from collections.abc import Mapping
from datetime import date, datetime
from numbers import Integral, Real
from typing import Any

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from workshop.database import utcnow
from workshop.errors import SpiraleError
from workshop.rules import rule

EX_ANTE = "ex-ante"
EX_POST = "ex-post"
WAVE_KINDS = (EX_ANTE, EX_POST, "follow-up")
OPEN = "open"
CLOSED = "closed"
WAVE_STATUSES = (OPEN, CLOSED)
IMPORTING = "importing"  # a hidden wave that a large import fills batch by batch (surveys/batches.py): listed nowhere
# Profile questions every project starts with; their answers live in Respondent's own columns.
BUILTIN_QUESTIONS = ("profile", "place", "age_band")
LEVELS = (1, 2, 3, 4, 5)
# The same rules in the schema (migration 0018): the last guard for a write that skips the services.
LEVEL_CHECK = CheckConstraint("level IS NULL OR level BETWEEN 1 AND 5", name="ck_answer_level")
# Positive and finite: PostgreSQL's 'NaN' and 'Infinity' are greater than any number, so an upper bound too.
WEIGHT_CHECK = CheckConstraint("weight > 0 AND weight < 1e300", name="ck_respondent_weight")
WAVE_DATES_CHECK = CheckConstraint(
    "opened_on IS NULL OR closed_on IS NULL OR closed_on >= opened_on", name="ck_wave_dates"
)


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
    __table_args__ = (WAVE_DATES_CHECK,)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class WaveRead(WaveBase):
    id: int
    project_id: int


class Respondent(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("wave_id", "code"), WEIGHT_CHECK)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    wave_id: int = Field(foreign_key="wave.id", index=True)
    code: str = Field(max_length=64)  # pseudonymous respondent id
    profile: str = Field(default="", max_length=120)
    place: str = Field(default="", max_length=120)
    age_band: str = Field(default="", max_length=20)
    weight: float = Field(default=1.0, gt=0)
    extra: str = Field(default="", max_length=8000)  # JSON {question key: answer} for the project's own questions
    # How the response came in (exports.SOURCES: phone, typed, file, demo; "" before migration 0021 knew).
    source: str = Field(default="", max_length=10, sa_column_kwargs={"server_default": ""})
    created_at: datetime = Field(default_factory=utcnow)


class Answer(SQLModel, table=True):
    """A respondent's level (1-5) on one indicator; None means "don't know"."""

    __table_args__ = (UniqueConstraint("respondent_id", "indicator_id"), LEVEL_CHECK)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    respondent_id: int = Field(foreign_key="respondent.id", index=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    level: int | None = Field(default=None, ge=1, le=5)


# --- what a row must be: the services, the file imports and the archives call these -------------------


def check_level(level: object, column: str = "level") -> None:
    """1 to 5, or None for "don't know"; nothing else (not 0, not 42, not 3.5, not True)."""
    if level is None or (type(level) is int and 1 <= level <= 5):  # the usual case, without ABC checks (320,000 a file)
        return
    if isinstance(level, bool) or not isinstance(level, Integral) or int(level) not in LEVELS:
        raise SpiraleError("error.level_range", value=level, column=column)


def check_weight(weight: object, column: str = "weight") -> None:
    if isinstance(weight, bool) or not isinstance(weight, Real) or not math.isfinite(weight) or weight <= 0:
        raise SpiraleError("error.weight", column=column)


def check_wave_dates(opened_on: date | None, closed_on: date | None) -> None:
    if opened_on and closed_on and closed_on < opened_on:
        raise SpiraleError("error.wave_dates", column="closed_on")


@rule("wave")
def check_wave(row: Mapping[str, Any]) -> None:
    if row.get("kind", EX_ANTE) not in WAVE_KINDS:
        raise SpiraleError("error.wave_kind", kind=row.get("kind"), column="kind")
    if row.get("status", OPEN) not in WAVE_STATUSES:
        raise SpiraleError("error.wave_status", status=row.get("status"), column="status")
    check_wave_dates(row.get("opened_on"), row.get("closed_on"))


@rule("respondent")
def check_respondent(row: Mapping[str, Any]) -> None:
    check_weight(row.get("weight", 1.0))


@rule("answer")
def check_answer(row: Mapping[str, Any]) -> None:
    check_level(row.get("level"))


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


class ImportRecoding(SQLModel, table=True):
    """How a person read one form's files (issue 15, point 2): its columns' targets and its values' meanings,
    kept by name so that the next file of the same form (the same headings) is read the same way at once.

    Indicators are kept by id and name (`indicators`): an archive gives them new ids, the name finds them again.
    """

    __tablename__ = "import_recoding"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    name: str = Field(max_length=120)
    headings: str = Field(default="", max_length=64)  # the headings' fingerprint: which files it is for
    columns: str = Field(default="[]", max_length=60000)  # JSON list of the headings
    mapping: str = Field(default="{}", max_length=60000)  # JSON {heading: target}
    recode: str = Field(default="{}", max_length=60000)  # JSON {group: {value: meaning}}
    indicators: str = Field(default="{}", max_length=60000)  # JSON {indicator id: its French name}
    complete_only: bool = True
    updated_at: datetime = Field(default_factory=utcnow)


@rule("import_recoding")
def check_recoding(row: Mapping[str, Any]) -> None:
    """Its JSON fields hold what the import reads back (an archive may carry anything)."""
    import json

    shapes = {"columns": list, "mapping": dict, "recode": dict, "indicators": dict}
    for column, shape in shapes.items():
        try:
            value = json.loads(row.get(column) or ("[]" if shape is list else "{}"))
        except (TypeError, ValueError):
            value = None
        if not isinstance(value, shape):
            raise SpiraleError("error.recoding_damaged", column=column)
    if not str(row.get("name", "")).strip():
        raise SpiraleError("error.recoding_name", column="name")

