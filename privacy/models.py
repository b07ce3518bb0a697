"""The privacy table: a log of erasures, for accountability, holding no copy of what was erased."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from workshop.database import utcnow


class Erasure(SQLModel, table=True):
    """One participant's data erased on request: when, by whom, how they were designated, what was removed."""

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    erased_at: datetime = Field(default_factory=utcnow)
    # The administrator's account (workshop/access_models.Account) when known; no foreign key, so the
    # log outlives an account and a project archive carries it to an instance without that account.
    account_id: int | None = None
    selector: str = Field(max_length=20)  # token, author or respondent: never the token, name or code itself
    removed: str = Field(default="{}", max_length=2000)  # JSON {table: rows removed or unlinked}
