"""Step 2 tables: shared indicators, their five situations, and the criteria behind them."""

from collections.abc import Mapping
from datetime import datetime
from numbers import Integral
from typing import Any

from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from workshop.database import utcnow
from workshop.errors import SpiraleError
from workshop.rules import rule

LEVELS = (1, 2, 3, 4, 5)
DRAFT = "draft"
ACTIVE = "active"
RETIRED = "retired"
INDICATOR_STATUSES = (DRAFT, ACTIVE, RETIRED)


class IndicatorBase(SQLModel):
    name_fr: str = Field(max_length=200)
    name_en: str = Field(default="", max_length=200)
    family_code: str | None = Field(default=None, max_length=8)
    component_code: str | None = Field(default=None, max_length=8)
    definition: str = Field(default="", max_length=2000)
    status: str = Field(default=DRAFT, max_length=20)
    position: int = 0


class Indicator(IndicatorBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    # Optimistic concurrency: every edit adds one; a screen that saw an older version is refused.
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)


class IndicatorRead(IndicatorBase):
    id: int
    project_id: int
    version: int = 1


class IndicatorLevel(SQLModel, table=True):
    """One of the five situations: 1 very unsatisfactory ... 5 ideal."""

    __tablename__ = "indicator_level"
    __table_args__ = (
        UniqueConstraint("indicator_id", "level"),
        CheckConstraint("level BETWEEN 1 AND 5", name="ck_indicator_level_level"),  # migration 0018
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    level: int = Field(ge=1, le=5)
    text: str = Field(max_length=2000)
    # Drafted by the machine from the notes and not yet edited or accepted by a person: kept off phones and exports.
    to_rewrite: bool = False


@rule("indicator_level")
def check_situation(row: Mapping[str, Any]) -> None:
    """A situation describes one of the five levels (the services and the archives check the same)."""
    level = row.get("level")
    if isinstance(level, bool) or not isinstance(level, Integral) or int(level) not in LEVELS:
        raise SpiraleError("error.level_range", value=level, column="level")


class IndicatorCriterion(SQLModel, table=True):
    """Which notes support an indicator: the link is kept so nothing said is forgotten."""

    __tablename__ = "indicator_criterion"
    __table_args__ = (UniqueConstraint("indicator_id", "criterion_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True)
    criterion_id: int = Field(foreign_key="criterion.id", index=True)


# ---------- the clustering board (step 2) ----------


class ClusterBase(SQLModel):
    name: str = Field(default="", max_length=200)
    pinned: bool = False  # accepted by people: re-suggesting leaves it as it is
    family_code: str | None = Field(default=None, max_length=8)
    component_code: str | None = Field(default=None, max_length=8)
    position: int = 0
    active: bool = True  # a merged-away or re-suggested cluster stays in the table, for undo


class Cluster(ClusterBase, table=True):
    """A group of similar notes on the board; its members are in `cluster_member`, the notes never change."""

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    # Optimistic concurrency: every change adds one; a screen that saw an older version is refused.
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)


class ClusterMember(SQLModel, table=True):
    """A note on the board sits in one cluster at most."""

    __tablename__ = "cluster_member"
    __table_args__ = (UniqueConstraint("project_id", "criterion_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    cluster_id: int = Field(foreign_key="cluster.id", index=True)
    criterion_id: int = Field(foreign_key="criterion.id", index=True)


class BoardEvent(SQLModel, table=True):
    """One operation on the board, with the clusters' states before and after it (JSON), so it can be undone."""

    __tablename__ = "board_event"

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    kind: str = Field(max_length=20)
    payload: str = Field(default="{}")
    created_at: datetime = Field(default_factory=utcnow)
    undone: bool = False


class Delegate(SQLModel, table=True):
    """A mixed group's delegate, who represents one homogeneous group at the table."""

    __table_args__ = (UniqueConstraint("mixed_group_id", "represented_group_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    mixed_group_id: int = Field(foreign_key="citizen_group.id", index=True)
    represented_group_id: int = Field(foreign_key="citizen_group.id", index=True)
    name: str = Field(default="", max_length=120)
