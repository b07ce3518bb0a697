"""One engine per database URL, sessions, and the schema brought up to date by migrations."""

import threading
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, CursorResult, Engine, Executable, event, text
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import QueuePool
from sqlalchemy.util import queue as sqla_queue
from sqlmodel import Session, SQLModel, create_engine

from workshop import settings
from workshop.errors import SpiraleError

Row = TypeVar("Row", bound=SQLModel)
MIGRATIONS_DIR = settings.ROOT / "migrations"
SQLITE_BUSY_MS = 30_000
POOL_WAIT_SECONDS = 60.0  # a thread waits this long for a pooled connection, then gets error.database_busy
READ_ONLY = "spirale_read_only"  # execution option of read_scope's connections, noted in the connection's info
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


_QUERY_ONLY = "spirale_query_only"  # in a SQLite connection's info while PRAGMA query_only is on


class _WriterTurn:
    """SQLite's one writing transaction at a time, queued inside this process in arrival order.

    With BEGIN IMMEDIATE alone, a transaction that finds the write lock taken sleeps in SQLite's busy
    handler (backing off up to 100 ms a try), so under a crowd of phones the lock often sits free while
    waiters sleep, and a few unlucky sends wait seconds. Here a thread takes its turn before BEGIN
    IMMEDIATE and hands it to the next in line at COMMIT/ROLLBACK, at once. Every session_scope transaction
    begins IMMEDIATE, reads included; read_scope's transactions take no turn. Other processes are still held
    off by busy_timeout.
    """

    def __init__(self, timeout: float) -> None:
        self._timeout = timeout
        self._mutex = threading.Lock()
        self._queue: deque[tuple[threading.Lock, int]] = deque()
        self._owner: int | None = None  # the thread whose transaction holds the turn
        self._holder: object | None = None  # that transaction's DBAPI connection

    def take(self, connection: object) -> None:
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                return  # a second connection in the same thread would wait on itself: SQLite decides, as before
            if self._owner is None:
                self._owner, self._holder = me, connection
                return
            turn = threading.Lock()
            turn.acquire()
            self._queue.append((turn, me))
        if not turn.acquire(timeout=self._timeout):
            with self._mutex:
                if (turn, me) in self._queue:  # not handed over: give up the place, SQLite's busy_timeout decides
                    self._queue.remove((turn, me))
                    return
        with self._mutex:
            self._holder = connection  # handed over: _owner is already this thread

    def give_back(self, connection: object) -> None:
        with self._mutex:
            if connection is None or self._holder is not connection:
                return
            self._holder = None
            if self._queue:
                turn, self._owner = self._queue.popleft()
                turn.release()
            else:
                self._owner = None


class _FairQueue(sqla_queue.Queue):
    """The pool's idle connections, handed to waiting threads in the order they asked.

    SQLAlchemy's queue lets a thread that has just returned a connection take it back at once, ahead of
    threads already waiting: under a crowd, a few phones send again and again while others wait seconds.
    Here a returned connection goes straight to the longest-waiting thread (SQLite and PostgreSQL alike:
    bench/notes_load.py, 300 phones, p95 about 2.5 s -> 0.7 s on SQLite, 4 s -> 1.1 s on PostgreSQL).
    Invariant: while a thread waits, no connection sits idle in the queue.
    """

    def __init__(self, maxsize: int = 0, use_lifo: bool = False) -> None:
        super().__init__(maxsize, use_lifo)
        self._waiting: deque[list] = deque()  # [lock released on hand-over, connection handed over]

    def get(self, block: bool = True, timeout: float | None = None) -> object:  # a pool entry
        with self.mutex:
            if not self._waiting and not self._empty():
                item = self._get()
                self.not_full.notify()
                return item
            if not block:
                raise sqla_queue.Empty
            slot = [threading.Lock(), None]
            slot[0].acquire()
            self._waiting.append(slot)
        slot[0].acquire(timeout=-1 if timeout is None else timeout)
        with self.mutex:
            if slot[1] is not None:  # handed over (perhaps just as the wait timed out)
                return slot[1]
            self._waiting.remove(slot)
            raise sqla_queue.Empty

    def put(self, item, block: bool = True, timeout: float | None = None) -> None:  # noqa: ANN001
        with self.mutex:
            if self._waiting:
                slot = self._waiting.popleft()
                slot[1] = item
                slot[0].release()
                return
            super().put(item, block, timeout)


class _FairQueuePool(QueuePool):
    _queue_class = _FairQueue


def _info(connection: object) -> dict:
    """The pooled connection's info (kept for its DBAPI connection's life); a throwaway dict for an ad hoc one."""
    try:
        return connection.info
    except (AttributeError, NotImplementedError):  # the dialect's first-connect probe, a raw DBAPI connection
        return {}


def _driver(connection: object) -> object:
    """The sqlite3 connection behind a pool's proxy (the same object from BEGIN to COMMIT)."""
    return getattr(connection, "driver_connection", None) or connection


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
    def _note_mode(connection: Connection) -> None:
        # Runs just before do_begin below, which sees only the pooled DBAPI connection: tell it the mode.
        connection.connection.info[READ_ONLY] = bool(connection.get_execution_options().get(READ_ONLY))

    dialect, turns = engine.dialect, _WriterTurn(SQLITE_BUSY_MS / 1000)
    commit, rollback, close = dialect.do_commit, dialect.do_rollback, dialect.do_close

    def end_reading(dbapi_connection) -> None:  # noqa: ANN001
        # The connection goes back to writing once its read transaction ends (info is cleared with it).
        if _info(dbapi_connection).pop(_QUERY_ONLY, False):
            _driver(dbapi_connection).execute("PRAGMA query_only=OFF")

    def do_begin(dbapi_connection) -> None:  # noqa: ANN001
        driver = _driver(dbapi_connection)
        if _info(dbapi_connection).get(READ_ONLY):
            # A reader: deferred BEGIN, no writer's turn (with WAL it reads its snapshot while a writer writes),
            # and query_only so that a write in it fails at once instead of quietly taking the write lock.
            driver.execute("PRAGMA query_only=ON")
            _info(dbapi_connection)[_QUERY_ONLY] = True
            driver.execute("BEGIN")
            return
        # IMMEDIATE takes the write lock up front, so concurrent writers wait their turn
        # instead of failing with "database is locked" when a read turns into a write.
        turns.take(driver)
        try:
            driver.execute("BEGIN IMMEDIATE")
        except BaseException:
            turns.give_back(driver)
            raise

    def do_commit(dbapi_connection) -> None:  # noqa: ANN001
        try:
            commit(dbapi_connection)
        finally:
            turns.give_back(_driver(dbapi_connection))
            end_reading(dbapi_connection)

    def do_rollback(dbapi_connection) -> None:  # noqa: ANN001 - also the pool's reset when a connection returns
        try:
            rollback(dbapi_connection)
        finally:
            turns.give_back(_driver(dbapi_connection))
            end_reading(dbapi_connection)

    def do_close(dbapi_connection) -> None:  # noqa: ANN001 - an invalidated connection ends its transaction too
        try:
            close(dbapi_connection)
        finally:
            turns.give_back(_driver(dbapi_connection))

    # Per engine (this dialect instance serves this engine and its pool only).
    dialect.do_begin, dialect.do_commit = do_begin, do_commit
    dialect.do_rollback, dialect.do_close = do_rollback, do_close


def get_engine(url: str | None = None) -> Engine:
    """The engine for a URL (the configured one by default), created once per process and shared."""
    return _engine(url or settings.database_url())


@cache
def _engine(url: str) -> Engine:
    size = settings.db_pool()  # (read before the URL: a bad setting says so, whatever the URL)
    try:
        if url.startswith("sqlite"):
            pool = {}
            if url.startswith("sqlite:///") and not url.endswith(":memory:"):
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
                # (an in-memory database keeps SQLAlchemy's one-connection pool)
                pool = {"poolclass": _FairQueuePool, "pool_size": size, "max_overflow": 0}
            engine = create_engine(
                url, connect_args={"check_same_thread": False, "timeout": 30}, pool_timeout=POOL_WAIT_SECONDS, **pool
            )
            _configure_sqlite(engine)
        else:
            # A server process per connection: ten kept open, the rest opened under load and closed after it.
            kept = min(size, 10)
            engine = create_engine(
                url,
                poolclass=_FairQueuePool,
                pool_pre_ping=True,
                pool_size=kept,
                max_overflow=size - kept,
                pool_timeout=POOL_WAIT_SECONDS,
            )
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise SpiraleError("error.database_url", detail=str(exc).splitlines()[0]) from exc
    return engine


@cache
def _read_engine(url: str) -> Engine:
    """The same engine and pool, whose connections begin read-only transactions (see read_scope)."""
    engine = _engine(url)
    if engine.dialect.name == "postgresql":
        # BEGIN READ ONLY through psycopg's read_only, reset when the connection returns to the pool.
        return engine.execution_options(**{READ_ONLY: True, "postgresql_readonly": True})
    return engine.execution_options(**{READ_ONLY: True})


class ReadOnlySessionError(RuntimeError):
    """A write attempted in read_scope: a programming error (use session_scope), never shown to a person."""


class ReadSession(Session):
    """read_scope's session: a flush with anything to write fails before reaching the database."""


@event.listens_for(ReadSession, "before_flush")
def _refuse_writes(session: Session, _context: object, _instances: object) -> None:
    changed = len(session.new) + len(session.dirty) + len(session.deleted)
    raise ReadOnlySessionError(f"read_scope cannot write ({changed} changed rows): use session_scope")


def _busy(exc: BaseException) -> SpiraleError | None:
    """A readable refusal for a server too busy to give this request a connection or SQLite's write lock in time."""
    if isinstance(exc, PoolTimeout) or (isinstance(exc, OperationalError) and "database is locked" in str(exc)):
        return SpiraleError("error.database_busy")
    return None


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A short session that commits when its block ends normally, and rolls back otherwise.

    "Otherwise" includes BaseException: KeyboardInterrupt, and Streamlit's st.rerun(), st.stop() and
    st.switch_page(), which raise BaseException subclasses. A page that reruns inside this block loses
    its writes: leave the block first (tests/test_control_flow.py reads every page for that).
    """
    with Session(get_engine(url), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException as exc:
            session.rollback()
            if busy := _busy(exc):
                raise busy from exc
            raise


def core_execute(session: Session, statement: Executable, params: Mapping[str, Any]) -> CursorResult:
    """A statement built once, of plain columns (no ORM entity), on the session's own connection and transaction.

    Session.execute takes every statement through the ORM's compile and result steps, which cost more than
    SQLite takes to run a phone's indexed read: a survey screen's two statements went from 1.31 to 0.77 ms.
    """
    return session.connection().execute(statement, params)


@contextmanager
def read_scope(url: str | None = None) -> Iterator[Session]:
    """A short session for reading only: no writer's turn, and a write in it fails loudly.

    On SQLite its transaction begins with a plain (deferred) BEGIN, takes no turn in _WriterTurn, and runs
    with PRAGMA query_only, so readers go on while a writer holds the write lock (WAL: each reads its own
    snapshot). On PostgreSQL it is a READ ONLY transaction. Everywhere, a flush with changes raises
    ReadOnlySessionError, and a write statement is refused by the database. Use session_scope for writes.
    """
    with ReadSession(_read_engine(url or settings.database_url()), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException as exc:
            session.rollback()
            if busy := _busy(exc):
                raise busy from exc
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
