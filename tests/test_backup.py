"""Backups: consistent copies while the app writes, pruning, the documented restore (CLI), refusals."""

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from tests.conftest import ROOT
from workshop import backup, database, projects, settings
from workshop.errors import SpiraleError
from workshop.models import GridEntry, Project


@pytest.fixture
def backups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "backups"
    monkeypatch.setenv(settings.BACKUP_DIR_VARIABLE, str(folder))
    return folder


def _names(url: str) -> list[str]:
    with database.session_scope(url) as session:
        return sorted(session.scalars(select(Project.name)))


def _add(url: str, name: str) -> None:
    with database.session_scope(url) as session:
        projects.create_project(session=session, name=name)


def _delete(url: str, name: str) -> None:
    """Delete a project and its reference grid (all it holds when just created)."""
    with database.session_scope(url) as session:
        project = session.scalars(select(Project).where(Project.name == name)).one()
        session.execute(delete(GridEntry).where(GridEntry.project_id == project.id))
        session.delete(project)


# --- settings -----------------------------------------------------------------------------------


def test_settings_have_defaults_and_refuse_bad_values(monkeypatch):
    for variable in (settings.BACKUP_DIR_VARIABLE, settings.BACKUP_EVERY_VARIABLE, settings.BACKUP_KEEP_VARIABLE):
        monkeypatch.delenv(variable, raising=False)
    assert settings.backup_dir() == settings.VAR_DIR / "backups"
    assert (settings.backup_every_minutes(), settings.backup_keep()) == (60, 24)
    monkeypatch.setenv(settings.BACKUP_EVERY_VARIABLE, "0")
    monkeypatch.setenv(settings.BACKUP_KEEP_VARIABLE, " 3 ")
    monkeypatch.setenv(settings.BACKUP_DIR_VARIABLE, "elsewhere/copies")
    assert (settings.backup_every_minutes(), settings.backup_keep()) == (0, 3)
    assert settings.backup_dir() == settings.ROOT / "elsewhere/copies"
    for variable, value in [
        (settings.BACKUP_EVERY_VARIABLE, "hourly"),
        (settings.BACKUP_EVERY_VARIABLE, "-5"),
        (settings.BACKUP_EVERY_VARIABLE, "1.5"),
        (settings.BACKUP_KEEP_VARIABLE, "0"),
        (settings.BACKUP_KEEP_VARIABLE, "9" * 50),
    ]:
        monkeypatch.setenv(variable, value)
        with pytest.raises(SpiraleError) as refused:
            settings.backup_every_minutes() if variable == settings.BACKUP_EVERY_VARIABLE else settings.backup_keep()
        assert refused.value.key == "error.setting_number"
        assert refused.value.params["variable"] == variable
        monkeypatch.delenv(variable)


# --- SQLite -------------------------------------------------------------------------------------


def test_sqlite_backup_is_consistent_while_another_thread_writes(db_url, backups):
    _add(db_url, "Avant")
    stop, written, errors = threading.Event(), [], []

    def writer() -> None:
        number = 0
        while not stop.is_set():
            number += 1
            try:
                _add(db_url, f"Pendant {number}")
                written.append(number)
            except Exception as exc:
                errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        made = []
        while len(made) < 5:
            deadline = time.monotonic() + 30
            while len(written) < 2 * (len(made) + 1) and time.monotonic() < deadline:
                time.sleep(0.01)  # let the writer get ahead, so each backup overlaps its writes
            before = len(written)
            copy = backup.backup_now(db_url, keep=10)
            made.append((copy, before, len(written)))
    finally:
        stop.set()
        thread.join(30)
    assert errors == [] and len(written) > 5
    for copy, before, after in made:
        assert copy.path.exists() and not list(backups.glob("*.partial"))
        with sqlite3.connect(copy.path) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            names = {row[0] for row in connection.execute("SELECT name FROM project")}
        assert "Avant" in names
        # one consistent moment: every project written before the backup started, none half-written
        count = len(names) - 1
        assert before <= count <= after + 1
        assert names - {"Avant"} == {f"Pendant {n}" for n in range(1, count + 1)}


def test_prune_keeps_the_newest(db_url, backups):
    made = [backup.backup_now(db_url, keep=100) for _ in range(5)]
    (backups / "stray.sqlite.partial").write_bytes(b"half")
    (backups / "notes.txt").write_text("not a backup")
    assert [b.name for b in backup.list_backups(db_url)] == [b.name for b in reversed(made)]
    newest = backup.backup_now(db_url, keep=3)
    kept = backup.list_backups(db_url)
    assert [b.name for b in kept] == [newest.name, made[4].name, made[3].name]
    assert not (backups / "stray.sqlite.partial").exists()
    assert (backups / "notes.txt").exists()  # only our own backups are ever deleted


def test_keep_comes_from_the_setting(db_url, backups, monkeypatch):
    monkeypatch.setenv(settings.BACKUP_KEEP_VARIABLE, "2")
    for _ in range(4):
        backup.backup_now(db_url)
    assert len(backup.list_backups(db_url)) == 2


def _cli(*args: str, url: str, folder: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SPIRALE_DATABASE_URL": url, settings.BACKUP_DIR_VARIABLE: str(folder)}
    env["SPIRALE_LANGUAGE"] = "en"
    command = [sys.executable, "-m", "workshop.backup", *args]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_documented_restore_through_the_command_line(db_url, backups):
    _add(db_url, "Quartier Nord")
    _add(db_url, "Quartier Sud")
    made = _cli("now", url=db_url, folder=backups)
    assert made.returncode == 0, made.stderr
    name = backup.list_backups(db_url)[0].name
    assert name in made.stdout
    listed = _cli("list", url=db_url, folder=backups)
    assert listed.returncode == 0 and name in listed.stdout
    _delete(db_url, "Quartier Nord")
    _add(db_url, "Après la sauvegarde")
    assert _names(db_url) == ["Après la sauvegarde", "Quartier Sud"]

    restored = _cli("restore", str(backups / name), url=db_url, folder=backups)
    assert restored.returncode == 0, restored.stderr
    assert _names(db_url) == ["Quartier Nord", "Quartier Sud"]  # the running engine sees it too
    # the state replaced is itself kept: restoring it brings back what came after the backup
    previous = backup.list_backups(db_url)[0]
    assert previous.name != name and previous.name in restored.stdout
    backup.restore(previous.path, db_url)
    assert _names(db_url) == ["Après la sauvegarde", "Quartier Sud"]


def test_restore_onto_a_new_machine(db_url, backups, tmp_path):
    _add(db_url, "Quartier Nord")
    copy = backup.backup_now(db_url)
    fresh = f"sqlite:///{tmp_path / 'new' / 'spirale.db'}"
    (tmp_path / "new").mkdir()
    assert backup.restore(copy.path, fresh) is None  # nothing there before: nothing to keep
    assert _names(fresh) == ["Quartier Nord"]


def test_cli_refusal_is_a_message_not_a_traceback(db_url, backups, tmp_path):
    stranger = tmp_path / "holiday.jpg"
    stranger.write_bytes(b"\xff\xd8\xff\xe0 not a database")
    refused = _cli("restore", str(stranger), url=db_url, folder=backups)
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert refused.stderr.strip() == backup.i18n.translate("error.backup_foreign", "en", name="holiday.jpg")
    missing = _cli("restore", str(tmp_path / "nowhere.sqlite"), url=db_url, folder=backups)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr


def _foreign_sqlite(path: Path) -> Path:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE recipes (name TEXT)")
    return path


def _truncated(path: Path, source: Path) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    return path


def test_corrupt_or_foreign_files_are_refused_and_nothing_changes(db_url, backups, tmp_path):
    _add(db_url, "Quartier Nord")
    good = backup.backup_now(db_url)
    _add(db_url, "Quartier Sud")
    flipped = tmp_path / "flipped.sqlite"
    data = bytearray(good.path.read_bytes())
    data[4096 : 4 * 4096] = os.urandom(3 * 4096)  # damaged pages after an intact header
    flipped.write_bytes(bytes(data))
    newer = tmp_path / "newer.sqlite"
    newer.write_bytes(good.path.read_bytes())
    with sqlite3.connect(newer) as connection:
        newest = "(SELECT min(rowid) FROM alembic_version)"  # one of the heads: there may be several
        connection.execute(f"UPDATE alembic_version SET version_num = '9999_from_the_future' WHERE rowid = {newest}")
    cases = {
        "empty.sqlite": (tmp_path / "empty.sqlite", "error.backup_foreign"),
        "random": (tmp_path / "random.bin", "error.backup_foreign"),
        "text": (tmp_path / "notes.sqlite", "error.backup_foreign"),
        "foreign": (_foreign_sqlite(tmp_path / "recipes.sqlite"), "error.backup_foreign"),
        "truncated": (_truncated(tmp_path / "cut.sqlite", good.path), "error.backup_corrupt"),
        "flipped": (flipped, "error.backup_corrupt"),
        "newer": (newer, "error.backup_version"),
        "missing": (tmp_path / "nowhere.sqlite", "error.backup_missing"),
        "folder": (tmp_path, "error.backup_missing"),
    }
    (tmp_path / "empty.sqlite").write_bytes(b"")
    (tmp_path / "random.bin").write_bytes(os.urandom(5000))
    (tmp_path / "notes.sqlite").write_text("project;name\n1;Nord\n", encoding="utf-8")
    count = len(backup.list_backups(db_url))
    for label, (path, key) in cases.items():
        with pytest.raises(SpiraleError) as refused:
            backup.restore(path, db_url)
        assert refused.value.key == key, label
        assert _names(db_url) == ["Quartier Nord", "Quartier Sud"], label
    assert len(backup.list_backups(db_url)) == count  # a refused file is refused before anything is done


def test_backup_refuses_what_it_cannot_copy(backups, tmp_path):
    with pytest.raises(SpiraleError) as refused:
        backup.backup_now("sqlite:///:memory:")
    assert refused.value.key == "error.backup_memory"
    with pytest.raises(SpiraleError) as refused:
        backup.backup_now(f"sqlite:///{tmp_path / 'absent.db'}")
    assert refused.value.key == "error.backup_failed"
    blocked = tmp_path / "a-file"
    blocked.write_text("x")
    with pytest.raises(SpiraleError) as refused:
        backup.backup_now(f"sqlite:///{tmp_path / 'absent.db'}", directory=blocked / "sub")
    assert refused.value.key == "error.backup_folder"


def test_find_backup_by_name_only_among_ours(db_url, backups):
    made = backup.backup_now(db_url)
    assert backup.find_backup(made.name, db_url).path == made.path
    for name in ("../spirale.db", "", made.name + "x", "/etc/passwd"):
        with pytest.raises(SpiraleError) as refused:
            backup.find_backup(name, db_url)
        assert refused.value.key == "error.backup_missing"


# --- PostgreSQL ---------------------------------------------------------------------------------


def _count(url: str) -> int:
    with database.session_scope(url) as session:
        return session.scalar(select(func.count(Project.id)))


def test_postgres_backup_and_restore(pg_url, backups, tmp_path):
    database.prepare(pg_url)
    _add(pg_url, "Quartier Nord")
    _add(pg_url, "Quartier Sud")
    copy = backup.backup_now(pg_url)
    assert copy.name.endswith(".dump") and copy.size > 0
    assert backup.list_backups(pg_url)[0].name == copy.name
    _delete(pg_url, "Quartier Nord")
    _add(pg_url, "Après")
    stranger = tmp_path / "x.dump"
    stranger.write_bytes(b"PGDMP" + os.urandom(2000))
    for path, key in ((stranger, "error.backup_corrupt"), (tmp_path / "nothing.dump", "error.backup_missing")):
        with pytest.raises(SpiraleError) as refused:
            backup.restore(path, pg_url)
        assert refused.value.key == key
    assert _names(pg_url) == ["Après", "Quartier Sud"]
    before = backup.restore(copy.path, pg_url)
    assert _names(pg_url) == ["Quartier Nord", "Quartier Sud"]
    _add(pg_url, "Encore")  # ids continue after the restored ones: sequences came back too
    assert _count(pg_url) == 3
    backup.restore(before.path, pg_url)
    assert _names(pg_url) == ["Après", "Quartier Sud"]


def test_postgres_documented_restore_through_the_command_line(pg_url, backups):
    database.prepare(pg_url)
    _add(pg_url, "Quartier Nord")
    made = _cli("now", url=pg_url, folder=backups)
    assert made.returncode == 0, made.stderr
    name = backup.list_backups(pg_url)[0].name
    _delete(pg_url, "Quartier Nord")
    restored = _cli("restore", str(backups / name), url=pg_url, folder=backups)
    assert restored.returncode == 0, restored.stderr
    assert _names(pg_url) == ["Quartier Nord"]


def test_postgres_tools_missing_is_a_clear_message(pg_url, backups, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("SPIRALE_PG_BIN", "/nonexistent")
    monkeypatch.setattr(backup, "Path", _NoDebianFolders)
    with pytest.raises(SpiraleError) as refused:
        backup.backup_now(pg_url)
    assert refused.value.key == "error.backup_pg_tools"
    assert not list(backups.glob("*"))


class _NoDebianFolders(type(Path())):
    def glob(self, pattern):
        return iter(()) if str(self) == "/usr/lib/postgresql" else super().glob(pattern)


# --- automatic backups --------------------------------------------------------------------------


def test_scheduler_runs_every_interval_and_survives_failures():
    calls, waits = [], []

    def action() -> None:
        calls.append(len(calls))
        if len(calls) == 2:
            raise SpiraleError("error.backup_failed", detail="disk full")
        if len(calls) == 3:
            raise RuntimeError("anything else")

    def fake_wait(seconds: float) -> bool:  # a clock that jumps: no real sleeping
        waits.append(seconds)
        return len(waits) > 5

    scheduler = backup.Scheduler(action, lambda: 90.0, wait=fake_wait)
    scheduler.loop()
    assert waits == [90.0] * 6  # it waits before the first backup: starting the app makes none
    assert len(calls) == 5 and scheduler.runs == 3 and scheduler.failures == 2


def test_scheduler_thread_backs_up_and_stops(db_url, backups):
    done = threading.Event()

    def action() -> None:
        backup.backup_now(db_url)
        if len(backup.list_backups(db_url)) >= 2:
            done.set()

    scheduler = backup.Scheduler(action, lambda: 0.01).start()
    try:
        assert done.wait(20)
    finally:
        scheduler.stop()
        scheduler.thread.join(20)
    assert not scheduler.thread.is_alive() and scheduler.failures == 0


def test_scheduler_stops_on_a_bad_setting_or_zero():
    def bad() -> float:
        raise SpiraleError("error.setting_number", variable="X", value="y", minimum=0, maximum=1)

    for interval in (bad, lambda: 0.0):
        scheduler = backup.Scheduler(lambda: pytest.fail("no backup expected"), interval, wait=lambda _s: False)
        scheduler.loop()  # returns instead of looping or raising
        assert scheduler.runs == 0


def test_start_scheduler_once_per_process_and_not_when_off(monkeypatch):
    monkeypatch.setattr(backup, "_scheduler", None)
    monkeypatch.setenv(settings.BACKUP_EVERY_VARIABLE, "0")
    assert backup.start_scheduler() is None
    monkeypatch.setenv(settings.BACKUP_EVERY_VARIABLE, "often")
    assert backup.start_scheduler() is None  # logged, the app goes on
    monkeypatch.setenv(settings.BACKUP_EVERY_VARIABLE, "600")
    first = backup.start_scheduler()
    try:
        assert first is not None and backup.start_scheduler() is first
        assert first.thread.is_alive() and first.thread.daemon
    finally:
        first.stop()
        first.thread.join(10)
