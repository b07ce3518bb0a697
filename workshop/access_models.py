"""Access tables: accounts, who may do what on each project, and login sessions.

These are instance tables (an account belongs to the instance, not to one project): the project
archive skips them (workshop/archive.py, INSTANCE_TABLES) and an imported project arrives with no roles.
"""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from workshop.database import utcnow

FACILITATOR = "facilitator"
LEAD = "lead"
ANALYST = "analyst"
ROLES = (FACILITATOR, LEAD, ANALYST)

USERNAME_MAX = 64


class AccountBase(SQLModel):
    username: str = Field(max_length=USERNAME_MAX, unique=True, index=True)
    display_name: str = Field(max_length=120)
    is_admin: bool = False
    archived: bool = False


class Account(AccountBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=255)  # argon2id, never the password
    failed_logins: int = 0
    locked_until: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class AccountRead(AccountBase):
    id: int
    created_at: datetime
    locked_until: datetime | None = None


class ProjectRole(SQLModel, table=True):
    """One person's role on one project: facilitator, lead or analyst."""

    __tablename__ = "project_role"
    __table_args__ = (UniqueConstraint("project_id", "account_id"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    role: str = Field(max_length=16)


class LoginSession(SQLModel, table=True):
    """A login: the browser keeps a random token, the database only its SHA-256."""

    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None
