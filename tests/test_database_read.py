"""read_scope: reads that take no writer's turn on SQLite, refuse every write, and a pool sized by a setting."""

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import select

from workshop import database, projects, settings
from workshop.errors import SpiraleError
from workshop.models import Project

WRITER_HOLDS = 1.5  # seconds the long writer keeps its transaction open


def _count(session) -> int:
    return session.exec(select(func.count()).select_from(Project)).one()


@pytest.fixture
def small_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A database whose engine has a pool of 2 connections that gives up waiting after 0.3 s."""
    monkeypatch.setenv(settings.DB_POOL_VARIABLE, "2")
    monkeypatch.setattr(database, "POOL_WAIT_SECONDS", 0.3)
    url = f"sqlite:///{tmp_path / 'small.db'}"
    database.prepare(url)
    return url


def _timed_readers(scope, db_url: str, count: int) -> list[tuple[float, int]]:
    """`count` threads each reading the number of projects in its own `scope`: (seconds taken, number seen)."""
    results: list[tuple[float, int]] = []

    def read() -> None:
        started = time.monotonic()
        with scope(db_url) as session:
            seen = _count(session)
        results.append((time.monotonic() - started, seen))

    threads = [threading.Thread(target=read) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def _long_writer(db_url: str, holding: threading.Event) -> threading.Thread:
    def write() -> None:
        with database.session_scope(db_url) as session:
            projects.create_project(session=session, name="Écrit lentement", place="Ailleurs")
            session.flush()  # BEGIN IMMEDIATE done, the row written: this transaction holds the write lock
            holding.set()
            time.sleep(WRITER_HOLDS)

    writer = threading.Thread(target=write)
    writer.start()
    assert holding.wait(10)
    return writer


def test_readers_do_not_wait_behind_a_long_writer(db_url, project, session):
    session.commit()
    holding = threading.Event()
    writer = _long_writer(db_url, holding)
    readers = _timed_readers(database.read_scope, db_url, 8)
    still_writing = writer.is_alive()
    writer.join(10)
    assert still_writing  # every reader finished while the writer still held its transaction
    assert len(readers) == 8
    assert max(seconds for seconds, _ in readers) < WRITER_HOLDS / 2
    assert {seen for _, seen in readers} == {1}  # each read its snapshot: the uncommitted project is not there
    with database.read_scope(db_url) as after:
        assert _count(after) == 2


def test_writers_scopes_queue_behind_a_long_writer(db_url, project, session):
    """Why read_scope exists: a read in session_scope takes the write turn, so it waits for the writer."""
    session.commit()
    holding = threading.Event()
    writer = _long_writer(db_url, holding)
    started = time.monotonic()
    readers = _timed_readers(database.session_scope, db_url, 2)
    writer.join(10)
    assert min(seconds for seconds, _ in readers) > WRITER_HOLDS / 2
    assert time.monotonic() - started > WRITER_HOLDS / 2
    assert {seen for _, seen in readers} == {2}


def test_an_added_row_in_read_scope_raises_and_nothing_is_stored(db_url, project, session):
    session.commit()
    with pytest.raises(database.ReadOnlySessionError), database.read_scope(db_url) as reading:
        reading.add(Project(name="Ne doit pas exister", place="Nulle part"))
    with pytest.raises(database.ReadOnlySessionError), database.read_scope(db_url) as reading:
        reading.get(Project, project.id).name = "Renommé en lecture"
        _count(reading)  # autoflush before the query: refused there already
    with database.read_scope(db_url) as reading:
        assert [p.name for p in reading.exec(select(Project))] == ["Quartier test"]


def test_a_write_statement_in_read_scope_is_refused_by_sqlite(db_url, project, session):
    session.commit()
    with pytest.raises(SQLAlchemyError, match="readonly"), database.read_scope(db_url) as reading:
        reading.execute(text("UPDATE project SET name = 'Écrit en douce'"))
    with database.session_scope(db_url) as writing:  # the same pooled connection writes again afterwards
        assert writing.get(Project, project.id).name == "Quartier test"
        writing.get(Project, project.id).name = "Renommé"
    with database.read_scope(db_url) as reading:
        assert reading.get(Project, project.id).name == "Renommé"


def test_connections_write_again_after_reading(small_pool):
    for number in range(6):  # the pool's 2 connections take turns at reading and writing
        with database.read_scope(small_pool) as reading:
            assert reading.execute(text("PRAGMA query_only")).scalar() == 1
            assert _count(reading) == number
        with database.session_scope(small_pool) as writing:
            assert writing.execute(text("PRAGMA query_only")).scalar() == 0
            projects.create_project(session=writing, name=f"Projet {number}", place="Ici")


def test_a_read_inside_a_write_in_the_same_thread_does_not_wait(db_url, project, session):
    session.commit()
    done = threading.Event()

    def nested() -> None:
        with database.session_scope(db_url) as writing:
            projects.create_project(session=writing, name="Deuxième", place="Ici")
            writing.flush()
            with database.read_scope(db_url) as reading:  # a reader never waits for the writer's turn
                assert _count(reading) == 1
        done.set()

    threading.Thread(target=nested, daemon=True).start()
    assert done.wait(5)


def test_a_pool_time_out_is_a_readable_refusal(small_pool):
    with database.read_scope(small_pool) as first, database.read_scope(small_pool) as second:
        first.execute(text("SELECT 1"))
        second.execute(text("SELECT 1"))  # both connections of the pool are held
        for scope in (database.session_scope, database.read_scope):
            with pytest.raises(SpiraleError) as refusal, scope(small_pool) as third:
                third.execute(text("SELECT 1"))
            assert refusal.value.key == "error.database_busy"
            assert "QueuePool" not in str(refusal.value)
    with database.session_scope(small_pool) as afterwards:  # connections back: work goes on
        projects.create_project(session=afterwards, name="Après", place="Ici")


def test_the_pool_size_comes_from_the_setting(tmp_path, monkeypatch):
    monkeypatch.delenv(settings.DB_POOL_VARIABLE, raising=False)
    assert database.get_engine(f"sqlite:///{tmp_path / 'a.db'}").pool.size() == settings.DB_POOL_DEFAULT
    monkeypatch.setenv(settings.DB_POOL_VARIABLE, "7")
    assert database.get_engine(f"sqlite:///{tmp_path / 'b.db'}").pool.size() == 7
    monkeypatch.setenv(settings.DB_POOL_VARIABLE, "beaucoup")
    with pytest.raises(SpiraleError) as refusal:
        database.get_engine(f"sqlite:///{tmp_path / 'c.db'}")
    assert refusal.value.key == "error.setting_number"
    assert refusal.value.params["variable"] == settings.DB_POOL_VARIABLE


def test_the_default_pool_holds_the_servers_threads():
    """Streamlit's script threads and the anyio threadpool of the participants' routes, with room to spare."""
    from streamlit.web.server.starlette.starlette_server_config import ANYIO_STATIC_FILE_THREAD_TOKENS

    assert settings.DB_POOL_DEFAULT >= ANYIO_STATIC_FILE_THREAD_TOKENS + 10


@pytest.mark.postgres
def test_read_scope_on_postgresql(pg_url, monkeypatch):
    monkeypatch.setenv(settings.DB_POOL_VARIABLE, "2")  # so that reads and writes share connections
    database.prepare(pg_url)
    engine = database.get_engine(pg_url)
    assert (engine.pool.size(), engine.pool._max_overflow) == (2, 0)
    with database.session_scope(pg_url) as writing:
        assert writing.execute(text("SHOW transaction_read_only")).scalar() == "off"
        created = projects.create_project(session=writing, name="Ville", place="Grande")
    for _ in range(3):
        with database.read_scope(pg_url) as reading:
            assert reading.execute(text("SHOW transaction_read_only")).scalar() == "on"
            assert reading.get(Project, created.id).name == "Ville"
        with pytest.raises(SQLAlchemyError, match="read-only transaction"), database.read_scope(pg_url) as reading:
            reading.execute(text("UPDATE project SET name = 'Écrit en douce'"))
        with pytest.raises(database.ReadOnlySessionError), database.read_scope(pg_url) as reading:
            reading.add(Project(name="Ne doit pas exister", place="Nulle part"))
        with database.session_scope(pg_url) as writing:  # connections that read write again
            assert writing.execute(text("SHOW transaction_read_only")).scalar() == "off"
            writing.get(Project, created.id).place = "Plus grande"
    with database.read_scope(pg_url) as reading:
        assert [(p.name, p.place) for p in reading.exec(select(Project))] == [("Ville", "Plus grande")]


@pytest.mark.postgres
def test_postgresql_pool_keeps_ten_and_opens_the_rest_under_load(pg_url, monkeypatch):
    monkeypatch.delenv(settings.DB_POOL_VARIABLE, raising=False)
    engine = database.get_engine(pg_url)
    assert engine.pool.size() + engine.pool._max_overflow == settings.DB_POOL_DEFAULT
    assert engine.pool.size() == 10
