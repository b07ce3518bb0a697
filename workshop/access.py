"""Access: accounts (argon2 password hashes), roles per project, permissions, login sessions, lockout.

Facilitators run workshops and edit a project, project leads see it, analysts see and export its
survey data, administrators manage projects and accounts. Participants have no account: a join code
or a survey link opens their one page (see app.py).

Run `python -m workshop.access create-admin --username NAME` to create an administrator from a shell.
"""

import argparse
import getpass
import hashlib
import os
import re
import secrets
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import text
from sqlmodel import Session, func, select

from workshop import database, i18n, settings
from workshop.access_models import (
    ANALYST,
    FACILITATOR,
    LEAD,
    ROLES,
    USERNAME_MAX,
    Account,
    AccountRead,
    LoginSession,
    ProjectRole,
)
from workshop.errors import SpiraleError
from workshop.models import Project, ProjectRead
from workshop.text import clean_text

VIEW = "view"
EXPORT = "export"
EDIT = "edit"
ADMIN = "admin"
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    FACILITATOR: frozenset({VIEW, EXPORT, EDIT}),
    ANALYST: frozenset({VIEW, EXPORT}),
    LEAD: frozenset({VIEW}),
}
EVERYTHING = frozenset({VIEW, EXPORT, EDIT, ADMIN})

PASSWORD_MIN = 10
PASSWORD_MAX = 1024
MAX_FAILURES = 5  # wrong passwords in a row before the account waits
FIRST_WAIT = timedelta(seconds=30)  # then doubling at each further failure...
LONGEST_WAIT = timedelta(minutes=15)  # ...up to this
ADMIN_PASSWORD_VARIABLE = "SPIRALE_ADMIN_PASSWORD"

# Letters (any alphabet), digits, and . _ @ - : an e-mail address fits, markup and spaces do not.
_USERNAME = re.compile(rf"^\w[\w.@-]{{1,{USERNAME_MAX - 1}}}$")
_hasher = PasswordHasher()

# Wrong tries on names no account has, counted like an account's (in this process, newest 10,000 names):
# after five, an unknown name is told to wait just as a real one is, so the messages reveal no username.
_UNKNOWN_TRIES: OrderedDict[str, tuple[int, datetime | None]] = OrderedDict()
_UNKNOWN_TRIES_KEPT = 10_000
_unknown_lock = threading.Lock()


@dataclass(frozen=True)
class RoleRead:
    """One line of a project's list of who may do what."""

    account_id: int
    username: str
    display_name: str
    role: str


def _aware(moment: datetime | None) -> datetime | None:
    """Timestamps come back naive from SQLite: they are UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@cache
def _dummy_hash() -> str:
    """A hash that no password matches: a wrong username costs the same argon2 check as a wrong password."""
    return _hasher.hash(secrets.token_urlsafe(32))


def clean_username(value: object) -> str:
    username = "" if value is None else str(value).strip().lower()
    if not username:
        raise SpiraleError("error.username_empty")
    if len(username) > USERNAME_MAX or not _USERNAME.match(username):
        raise SpiraleError("error.username_invalid", limit=USERNAME_MAX)
    return username


def check_password(password: object) -> str:
    """A new password: kept exactly as typed (spaces included), but never blank, short or huge."""
    text = password if isinstance(password, str) else ""
    if not text.strip():
        raise SpiraleError("error.password_empty")
    if len(text) > PASSWORD_MAX:
        raise SpiraleError("error.password_too_long", limit=PASSWORD_MAX)
    if len(text) < PASSWORD_MIN:
        raise SpiraleError("error.password_too_short", minimum=PASSWORD_MIN)
    return text


def _read(account: Account) -> AccountRead:
    return AccountRead.model_validate(account)


def _account(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None or account.archived:
        raise SpiraleError("error.account_missing")
    return account


def create_account(
    *, session: Session, username: str, password: str, display_name: str = "", is_admin: bool = False
) -> AccountRead:
    name = clean_username(username)
    secret = check_password(password)
    shown = clean_text(display_name, max_length=120, required=False) or name
    if session.exec(select(Account).where(Account.username == name)).first():
        raise SpiraleError("error.username_taken", username=name)
    account = Account(username=name, display_name=shown, password_hash=_hasher.hash(secret), is_admin=is_admin)
    session.add(account)
    session.flush()
    return _read(account)


def has_accounts(*, session: Session) -> bool:
    return bool(session.exec(select(func.count()).select_from(Account)).one())


def first_administrator(*, session: Session, username: str, password: str, display_name: str = "") -> AccountRead:
    """The instance's first account, an administrator; refused as soon as any account exists."""
    _serialise_first_account(session)
    if has_accounts(session=session):
        raise SpiraleError("error.first_admin_exists")
    return create_account(
        session=session, username=username, password=password, display_name=display_name, is_admin=True
    )


def _serialise_first_account(session: Session) -> None:
    """Two first-start forms sent at once make one administrator, not two.

    SQLite already runs one writer at a time (BEGIN IMMEDIATE); PostgreSQL takes a transaction lock.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.exec(text("SELECT pg_advisory_xact_lock(7310001)"))


def _unknown_name_try(name: str, now: datetime) -> SpiraleError:
    """The refusal for a wrong try on a name without account: the same as for an account's wrong password."""
    with _unknown_lock:
        failures, locked_until = _UNKNOWN_TRIES.pop(name, (0, None))
        if locked_until is not None and locked_until > now:
            _UNKNOWN_TRIES[name] = (failures, locked_until)
            return _locked((locked_until - now).total_seconds())
        failures += 1
        wait = _wait_after(failures)
        _UNKNOWN_TRIES[name] = (failures, now + wait if wait else None)
        while len(_UNKNOWN_TRIES) > _UNKNOWN_TRIES_KEPT:
            _UNKNOWN_TRIES.popitem(last=False)
    return _locked(wait.total_seconds()) if wait else SpiraleError("error.login_failed")


def _wait_after(failures: int) -> timedelta:
    if failures < MAX_FAILURES:
        return timedelta(0)
    return min(FIRST_WAIT * 2 ** (failures - MAX_FAILURES), LONGEST_WAIT)


def _locked(seconds: float) -> SpiraleError:
    return SpiraleError("error.login_locked", seconds=max(1, int(seconds + 0.999)))


def authenticate(
    *, session: Session, username: str, password: str, now: datetime | None = None
) -> tuple[AccountRead, str]:
    """Open a login session: (the account, the token for the browser's cookie), or a refusal.

    A failed try is committed before the refusal is raised, so that the lockout counts it even though
    the caller's session rolls back. A wrong username goes through the same argon2 check and message.
    """
    now = now or database.utcnow()
    if not isinstance(password, str) or len(password) > PASSWORD_MAX:
        raise SpiraleError("error.login_failed")
    try:
        name = clean_username(username)
    except SpiraleError:
        name = None
    account = session.exec(select(Account).where(Account.username == name).with_for_update()).first() if name else None
    if account is None or account.archived:
        _verify(_dummy_hash(), password)
        raise _unknown_name_try(name, now) if name else SpiraleError("error.login_failed")
    locked_until = _aware(account.locked_until)
    if locked_until is not None and locked_until > now:
        raise _locked((locked_until - now).total_seconds())
    if not _verify(account.password_hash, password):
        account.failed_logins += 1
        wait = _wait_after(account.failed_logins)
        account.locked_until = now + wait if wait else None
        session.commit()
        raise _locked(wait.total_seconds()) if wait else SpiraleError("error.login_failed")
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    account.failed_logins, account.locked_until = 0, None
    token = secrets.token_urlsafe(32)
    expires = now + timedelta(hours=settings.session_hours())
    session.add(LoginSession(account_id=account.id, token_hash=_token_hash(token), created_at=now, expires_at=expires))
    session.flush()
    return _read(account), token


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _login(session: Session, token: object) -> LoginSession | None:
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    return session.exec(select(LoginSession).where(LoginSession.token_hash == _token_hash(token))).first()


def account_for_token(*, session: Session, token: str | None, now: datetime | None = None) -> AccountRead | None:
    """The account of a live login (None if the token is unknown, expired, revoked or its account archived)."""
    login = _login(session, token)
    if login is None or login.revoked_at is not None or _aware(login.expires_at) <= (now or database.utcnow()):
        return None
    account = session.get(Account, login.account_id)
    return None if account is None or account.archived else _read(account)


def logout(*, session: Session, token: str | None) -> None:
    login = _login(session, token)
    if login is not None and login.revoked_at is None:
        login.revoked_at = database.utcnow()


def _revoke_all(session: Session, account_id: int) -> None:
    now = database.utcnow()
    for login in session.exec(
        select(LoginSession).where(LoginSession.account_id == account_id, LoginSession.revoked_at.is_(None))
    ):
        login.revoked_at = now


def change_password(*, session: Session, account_id: int, current_password: str, new_password: str) -> None:
    account = _account(session, account_id)
    if not isinstance(current_password, str) or not _verify(account.password_hash, current_password):
        raise SpiraleError("error.password_wrong")
    account.password_hash = _hasher.hash(check_password(new_password))


def reset_password(*, session: Session, account_id: int, new_password: str) -> None:
    """An administrator sets a new password: the lockout ends and every open login of the account closes."""
    account = _account(session, account_id)
    account.password_hash = _hasher.hash(check_password(new_password))
    account.failed_logins, account.locked_until = 0, None
    _revoke_all(session, account.id)


def archive_account(*, session: Session, account_id: int) -> None:
    """The account can no longer log in and its open logins close; the last administrator stays."""
    account = _account(session, account_id)
    if account.is_admin:
        admins = session.exec(
            select(func.count()).select_from(Account).where(Account.is_admin, Account.archived.is_(False))
        ).one()
        if admins <= 1:
            raise SpiraleError("error.last_admin")
    account.archived = True
    _revoke_all(session, account.id)


def list_accounts(*, session: Session, include_archived: bool = False) -> list[AccountRead]:
    query = select(Account).order_by(Account.username)
    if not include_archived:
        query = query.where(Account.archived.is_(False))
    return [_read(a) for a in session.exec(query)]


def _project(session: Session, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise SpiraleError("error.project_missing")
    return project


def set_role(*, session: Session, project_id: int, account_id: int, role: str) -> None:
    if role not in ROLES:
        raise SpiraleError("error.role_unknown", role=str(role)[:40])
    _project(session, project_id)
    _account(session, account_id)
    current = session.exec(
        select(ProjectRole).where(ProjectRole.project_id == project_id, ProjectRole.account_id == account_id)
    ).first()
    if current is None:
        session.add(ProjectRole(project_id=project_id, account_id=account_id, role=role))
    else:
        current.role = role
    session.flush()


def remove_role(*, session: Session, project_id: int, account_id: int) -> None:
    current = session.exec(
        select(ProjectRole).where(ProjectRole.project_id == project_id, ProjectRole.account_id == account_id)
    ).first()
    if current is not None:
        session.delete(current)
        session.flush()


def project_roles(*, session: Session, project_id: int) -> list[RoleRead]:
    """Who may do what on the project (archived accounts left out)."""
    rows = session.exec(
        select(ProjectRole, Account)
        .join(Account, Account.id == ProjectRole.account_id)
        .where(ProjectRole.project_id == project_id, Account.archived.is_(False))
        .order_by(Account.username)
    )
    return [RoleRead(account.id, account.username, account.display_name, role.role) for role, account in rows]


def permissions(*, session: Session, account_id: int, project_id: int | None) -> frozenset[str]:
    """What the account may do on the project: everything for an administrator, else its role's permissions."""
    account = session.get(Account, account_id)
    if account is None or account.archived:
        return frozenset()
    if account.is_admin:
        return EVERYTHING
    if project_id is None:
        return frozenset()
    role = session.exec(
        select(ProjectRole.role).where(ProjectRole.project_id == project_id, ProjectRole.account_id == account_id)
    ).first()
    return ROLE_PERMISSIONS.get(role, frozenset())


def visible_projects(*, session: Session, account_id: int) -> list[ProjectRead]:
    """The projects the account has a role on (every project for an administrator)."""
    account = session.get(Account, account_id)
    if account is None or account.archived:
        return []
    query = select(Project).order_by(Project.id)
    if not account.is_admin:
        query = query.where(Project.id.in_(select(ProjectRole.project_id).where(ProjectRole.account_id == account_id)))
    return [ProjectRead.model_validate(p) for p in session.exec(query)]


# Command line ------------------------------------------------------------------------------------


def _ask_password(lang: str) -> str:
    if os.environ.get(ADMIN_PASSWORD_VARIABLE):
        return os.environ[ADMIN_PASSWORD_VARIABLE]
    first = getpass.getpass(i18n.translate("access.cli.password", lang) + " ")
    if getpass.getpass(i18n.translate("access.cli.password_again", lang) + " ") != first:
        raise SpiraleError("error.password_mismatch")
    return first


def _localize(parser: argparse.ArgumentParser, lang: str) -> None:
    """argparse's own words ("options", "show this help message and exit") in the language of the server."""
    parser._optionals.title = i18n.translate("access.cli.options", lang)  # argparse has no public setter
    parser.add_argument("-h", "--help", action="help", help=i18n.translate("access.cli.help", lang))


def _parser(*, prog: str, description: str, lang: str) -> argparse.ArgumentParser:
    usage = i18n.translate("access.cli.usage", lang)

    class Formatter(argparse.HelpFormatter):
        def add_usage(self, usage_text, actions, groups, prefix=None):  # noqa: ANN001, ANN202 - argparse's hook
            # None: the help's usage line; "" when argparse builds a subcommand's name from it.
            return super().add_usage(usage_text, actions, groups, f"{usage} " if prefix is None else prefix)

    parser = argparse.ArgumentParser(prog=prog, description=description, add_help=False, formatter_class=Formatter)
    _localize(parser, lang)
    return parser


def main(argv: list[str] | None = None) -> int:
    """`create-admin --username NAME`: an administrator from a shell, with a password asked twice (or from env)."""
    lang = settings.default_language()
    tr = lambda key: i18n.translate(key, lang)  # noqa: E731
    parser = _parser(prog="python -m workshop.access", description=tr("access.cli.description"), lang=lang)
    commands = parser.add_subparsers(dest="command", required=True, title=tr("access.cli.commands"))
    create = commands.add_parser(
        "create-admin", help=tr("access.cli.create_admin"), description=tr("access.cli.create_admin"),
        add_help=False, formatter_class=parser.formatter_class,
    )  # fmt: skip
    _localize(create, lang)
    create.add_argument("--username", required=True, metavar=tr("access.cli.name_metavar"),
                        help=i18n.translate("access.cli.username_help", lang, limit=USERNAME_MAX))  # fmt: skip
    create.add_argument("--display-name", default="", metavar=tr("access.cli.name_metavar"),
                        help=tr("access.cli.display_name_help"))  # fmt: skip
    arguments = parser.parse_args(argv)
    try:
        database.prepare()
        password = _ask_password(lang)
        with database.session_scope() as session:
            account = create_account(
                session=session,
                username=arguments.username,
                password=password,
                display_name=arguments.display_name,
                is_admin=True,
            )
    except SpiraleError as error:
        print(i18n.translate(error.key, lang, **error.params), file=sys.stderr)
        return 1
    print(i18n.translate("access.cli.created", lang, username=account.username))
    return 0


if __name__ == "__main__":
    sys.exit(main())
