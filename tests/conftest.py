"""Shared fixtures: a fresh migrated database per test, a throwaway PostgreSQL cluster, the app's root.

Environment conditions (no Chromium, no PostgreSQL) skip on a developer's machine, but CI sets
SPIRALE_REQUIRE_BROWSER=1 and SPIRALE_REQUIRE_POSTGRES=1, which turn those skips into failures.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlmodel import Session

from workshop import database, projects
from workshop.models import ProjectRead

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("SPIRALE_CHROMIUM", "/usr/bin/chromium"))


def _required(variable: str) -> bool:
    return os.environ.get(variable, "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str, variable: str) -> None:
    """Skip when a machine lacks a tool, unless CI says it must be there."""
    if _required(variable):
        pytest.fail(f"{reason} ({variable} is set, so this cannot be skipped)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A new SQLite database, migrated, and selected for the app through the environment."""
    url = f"sqlite:///{tmp_path / 'spirale.db'}"
    monkeypatch.setenv("SPIRALE_DATABASE_URL", url)
    database.prepare(url)
    return url


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    with database.session_scope(db_url) as session:
        yield session


@pytest.fixture
def project(session: Session) -> ProjectRead:
    return projects.create_project(session=session, name="Quartier test", place="Testville")


def _pg_binaries() -> Path | None:
    for candidate in [os.environ.get("SPIRALE_PG_BIN", ""), *sorted(Path("/usr/lib/postgresql").glob("*/bin"))]:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _as_postgres(command: list[str]) -> list[str]:
    """initdb refuses to run as root: run the server as the `postgres` user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def throwaway_postgres(*settings: str) -> Iterator[str]:
    """A PostgreSQL cluster in a temporary folder on a free local port (as the `postgres` user when run as
    root), stopped and removed at the end; yields a URL prefix without database name. `settings` are
    server settings such as "fsync=off". Raises LookupError when the server binaries are missing."""
    binaries = _pg_binaries()
    if binaries is None:
        raise LookupError("PostgreSQL server binaries (initdb) not found: apt-get install postgresql")
    workdir = Path(tempfile.mkdtemp(prefix="spirale-pg-"))
    os.chmod(workdir, 0o777)
    data, port = workdir / "data", free_port()
    run = lambda cmd: subprocess.run(_as_postgres(cmd), check=True, capture_output=True, timeout=120)  # noqa: E731
    run([str(binaries / "initdb"), "-A", "trust", "-U", "postgres", "-D", str(data)])
    options = " ".join([f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1", *(f"-c {s}" for s in settings)])
    run([str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(workdir / "log"), "-w", "start"])
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        stop = [str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]
        subprocess.run(_as_postgres(stop), capture_output=True, timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)


def new_database(server: str, name: str | None = None) -> str:
    """A new, empty database on a server given by its URL prefix; its URL."""
    import psycopg

    name = name or f"spirale_{os.getpid()}_{time.monotonic_ns()}"
    with psycopg.connect(f"{server.replace('+psycopg', '')}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A throwaway PostgreSQL cluster for the whole test session (fsync off: its data is thrown away)."""
    if _pg_binaries() is None:
        skip_or_fail("PostgreSQL server binaries (initdb) not found", "SPIRALE_REQUIRE_POSTGRES")
    with throwaway_postgres("fsync=off") as server:
        yield server


@pytest.fixture
def pg_url(postgres_server: str) -> str:
    """A new, empty database on the throwaway server."""
    return new_database(postgres_server)
