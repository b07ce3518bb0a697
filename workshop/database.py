"""One engine per database URL, sessions, and the schema brought up to date by migrations."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, event, text
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlmodel import Session, SQLModel, create_engine

from workshop import settings
from workshop.errors import SpiraleError

Row = TypeVar("Row", bound=SQLModel)
MIGRATIONS_DIR = settings.ROOT / "migrations"
SQLITE_BUSY_MS = 30_000
_schema_lock = threading.Lock()


def utcnow() -> datetime:
    """Aware UTC timestamps: SQLModel stores them as UTC on SQLite and PostgreSQL alike."""
    return datetime.now(UTC)


def project_row(session: Session, model: type[Row], row_id: int, project_id: int, missing: str) -> Row:
    """The row with this id if it belongs to the project; else a refusal with the `missing` message key.

    Every lookup by id goes through here, so no screen reaches another project's data by a stray id.
    """
    row = session.get(model, row_id)
    if row is None or row.project_id != project_id:
        raise SpiraleError(missing)
    return row


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        # Let SQLAlchemy issue BEGIN itself (below) instead of pysqlite's deferred BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # noqa: ANN001
        # IMMEDIATE takes the write lock up front, so concurrent writers wait (busy_timeout)
        # instead of failing with "database is locked" when a read turns into a write.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def get_engine(url: str | None = None) -> Engine:
    """The engine for a URL (the configured one by default), created once per process and shared."""
    return _engine(url or settings.database_url())


@cache
def _engine(url: str) -> Engine:
    try:
        if url.startswith("sqlite"):
            if url.startswith("sqlite:///") and not url.endswith(":memory:"):
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
            _configure_sqlite(engine)
        else:
            engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise SpiraleError("error.database_url", detail=str(exc).splitlines()[0]) from exc
    return engine


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A short session that commits on success and rolls back on any error."""
    with Session(get_engine(url), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise


def check_connection(url: str | None = None) -> None:
    """Fail with a readable message when the database cannot be reached."""
    try:
        with get_engine(url).connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", exc)).splitlines()[0] if str(exc) else type(exc).__name__
        raise SpiraleError("error.database_unreachable", detail=detail) from exc


def alembic_config(url: str | None = None):  # noqa: ANN201 - alembic's Config
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = url or settings.database_url()
    return config


def migrate(url: str | None = None) -> None:
    """Bring the schema to the latest migration (a no-op when already there)."""
    from alembic import command

    with _schema_lock:
        command.upgrade(alembic_config(url), "heads")


def prepare(url: str | None = None) -> str:
    """Check the connection and migrate, once per process and URL; return the URL used."""
    return _prepare(url or settings.database_url())


@cache
def _prepare(url: str) -> str:
    check_connection(url)
    migrate(url)
    return url
