"""Backups of the whole database: on demand, every few minutes in the background, kept to the newest N.

SQLite is copied with its online backup API (a consistent copy while the app keeps writing);
PostgreSQL with `pg_dump --format=custom`. A backup is written under a temporary name and renamed
when complete, so the folder never holds half a backup. `restore` first backs up the current state,
then brings the backup back in one step and migrates it to this version of the app.

    python -m workshop.backup now | list | restore FILE
"""

import argparse
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from workshop import database, i18n, settings
from workshop.errors import SpiraleError

log = logging.getLogger(__name__)
SQLITE_SUFFIX = ".sqlite"
POSTGRES_SUFFIX = ".dump"
PARTIAL_SUFFIX = ".partial"
STAMP = "%Y%m%dT%H%M%S%fZ"
SQLITE_HEADER = b"SQLite format 3\x00"
POSTGRES_HEADER = b"PGDMP"  # pg_dump's custom format
TOOL_TIMEOUT_S = 3600
_lock = threading.Lock()  # one backup or restore at a time in this process


@dataclass(frozen=True)
class BackupFile:
    name: str
    path: Path
    created_at: datetime
    size: int


# --- what the URL points at -------------------------------------------------------------------


def _url(url: str | None) -> URL:
    try:
        return make_url(url or settings.database_url())
    except ArgumentError as exc:
        raise SpiraleError("error.database_url", detail=str(exc).splitlines()[0]) from exc


def _is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise SpiraleError("error.backup_memory")
    return Path(url.database)


def _prefix(url: URL) -> str:
    """Backups of one database carry its name, so several databases can share a folder."""
    name = _sqlite_file(url).stem if _is_sqlite(url) else (url.database or "postgres")
    return re.sub(r"[^A-Za-z0-9_.-]", "_", name)


def _suffix(url: URL) -> str:
    return SQLITE_SUFFIX if _is_sqlite(url) else POSTGRES_SUFFIX


def _pattern(url: URL) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(_prefix(url))}-(\d{{8}}T\d{{12}}Z){re.escape(_suffix(url))}")


# --- listing and pruning ----------------------------------------------------------------------


def list_backups(url: str | None = None, directory: Path | None = None) -> list[BackupFile]:
    """This database's backups, newest first."""
    parsed, folder = _url(url), directory or settings.backup_dir()
    pattern = _pattern(parsed)
    found = []
    for path in folder.glob(f"*{_suffix(parsed)}") if folder.is_dir() else []:
        if match := pattern.fullmatch(path.name):
            stamp = datetime.strptime(match.group(1), STAMP).replace(tzinfo=UTC)
            found.append(BackupFile(path.name, path, stamp, path.stat().st_size))
    return sorted(found, key=lambda b: b.created_at, reverse=True)


def find_backup(name: str, url: str | None = None, directory: Path | None = None) -> BackupFile:
    """One of this database's backups by its file name (what a screen offers for download)."""
    match = next((b for b in list_backups(url, directory) if b.name == name), None)
    if match is None:
        raise SpiraleError("error.backup_missing", name=str(name)[:120])
    return match


def prune(url: str | None = None, directory: Path | None = None, keep: int | None = None) -> list[str]:
    """Delete all but the newest `keep` backups of this database (and any half-written leftover)."""
    keep = settings.backup_keep() if keep is None else keep
    folder = directory or settings.backup_dir()
    removed = []
    for old in list_backups(url, directory)[max(keep, 1) :]:
        old.path.unlink(missing_ok=True)
        removed.append(old.name)
    for leftover in folder.glob(f"*{PARTIAL_SUFFIX}") if folder.is_dir() else []:
        leftover.unlink(missing_ok=True)  # only called under _lock: no backup is being written now
    return removed


# --- making one -------------------------------------------------------------------------------


def backup_now(url: str | None = None, directory: Path | None = None, keep: int | None = None) -> BackupFile:
    """A complete copy of the database in the backup folder, then only the newest `keep` are kept."""
    parsed = _url(url)
    folder = directory or settings.backup_dir()
    keep = settings.backup_keep() if keep is None else keep
    with _lock:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SpiraleError("error.backup_folder", folder=str(folder), detail=exc.strerror or str(exc)) from exc
        stamp = datetime.now(UTC)
        final = folder / f"{_prefix(parsed)}-{stamp.strftime(STAMP)}{_suffix(parsed)}"
        partial = final.with_name(final.name + PARTIAL_SUFFIX)
        try:
            (_copy_sqlite if _is_sqlite(parsed) else _dump_postgres)(parsed, partial)
            os.replace(partial, final)
        except OSError as exc:
            raise SpiraleError("error.backup_failed", detail=exc.strerror or str(exc)) from exc
        finally:
            partial.unlink(missing_ok=True)
        prune(url, folder, keep)
    log.info("backup written: %s", final)
    return BackupFile(final.name, final, stamp, final.stat().st_size)


def _read_only(path: Path) -> str:
    """A read-only SQLite URI; as_uri() escapes a path holding '?', '#' or spaces."""
    return f"{path.resolve().as_uri()}?mode=ro"


def _copy_sqlite(url: URL, target: Path) -> None:
    source_file = _sqlite_file(url)
    if not source_file.exists():
        raise SpiraleError("error.backup_failed", detail=str(source_file))
    source = sqlite3.connect(_read_only(source_file), uri=True, timeout=database.SQLITE_BUSY_MS / 1000)
    copy = sqlite3.connect(target)
    try:
        # One step, inside one read transaction: with WAL, writers go on meanwhile and the copy is one
        # consistent moment (in several steps, every write from the app would restart the copy).
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise SpiraleError("error.backup_failed", detail="quick_check")
    except sqlite3.Error as exc:
        raise SpiraleError("error.backup_failed", detail=str(exc)) from exc
    finally:
        copy.close()
        source.close()


def _postgres_tool(name: str) -> str:
    """pg_dump / pg_restore: SPIRALE_PG_BIN, the PATH, or Debian's versioned folders (newest first)."""
    folders = [os.environ.get("SPIRALE_PG_BIN", ""), *sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)]
    for folder in folders:
        if folder and (Path(folder) / name).exists():
            return str(Path(folder) / name)
    found = shutil.which(name)
    if found is None:
        raise SpiraleError("error.backup_pg_tools", tool=name)
    return found


def _libpq(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection options for the PostgreSQL tools; the password goes through the environment, not argv."""
    args = ["--no-password"]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    if host := url.query.get("host"):  # a Unix socket folder given as ?host=/run/postgresql
        args += ["--host", host if isinstance(host, str) else host[0]]
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SpiraleError("error.backup_failed", detail=str(exc)[:300]) from exc
    if done.returncode != 0:
        detail = next((line for line in done.stderr.splitlines() if line.strip()), f"exit {done.returncode}")
        raise SpiraleError("error.backup_failed", detail=detail[:300])


def _dump_postgres(url: URL, target: Path) -> None:
    args, env = _libpq(url)
    command = [_postgres_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target), *args]
    _run([*command, "--dbname", url.database or "postgres"], env)


# --- restoring --------------------------------------------------------------------------------


def _check_file(path: Path, parsed: URL) -> None:
    """Refuse, before touching the database, anything that is not a backup of this kind of database."""
    if not path.is_file():
        raise SpiraleError("error.backup_missing", name=str(path)[:200])
    with path.open("rb") as handle:
        head = handle.read(16)
    if _is_sqlite(parsed):
        if head != SQLITE_HEADER:
            raise SpiraleError("error.backup_foreign", name=path.name)
        _check_sqlite(path)
    else:
        if not head.startswith(POSTGRES_HEADER):
            raise SpiraleError("error.backup_foreign", name=path.name)
        try:
            _run([_postgres_tool("pg_restore"), "--list", str(path)], dict(os.environ))
        except SpiraleError as error:
            if error.key == "error.backup_pg_tools":
                raise
            raise SpiraleError("error.backup_corrupt", name=path.name) from error


def _check_sqlite(path: Path) -> None:
    try:
        connection = sqlite3.connect(_read_only(path), uri=True)
        try:
            if connection.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise SpiraleError("error.backup_corrupt", name=path.name)
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not {"project", "alembic_version"} <= tables:
                raise SpiraleError("error.backup_foreign", name=path.name)
            revisions = [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
        finally:
            connection.close()
    except sqlite3.Error as exc:
        raise SpiraleError("error.backup_corrupt", name=path.name) from exc
    _check_revisions(revisions, path.name)


def _check_revisions(revisions: list[str], name: str) -> None:
    """A backup from a newer version of the app cannot be migrated by this one."""
    from alembic.script import ScriptDirectory

    known = {script.revision for script in ScriptDirectory.from_config(database.alembic_config()).walk_revisions()}
    if unknown := [r for r in revisions if r not in known]:
        raise SpiraleError("error.backup_version", name=name, version=", ".join(unknown))


def restore(backup_file: str | Path, url: str | None = None, directory: Path | None = None) -> BackupFile | None:
    """Replace the database's content with a backup's; return the backup taken of the state just before
    (None when there was no database yet, e.g. restoring onto a new machine).

    The file is checked first: a foreign or damaged file is refused and the database is left as it was.
    SQLite: the backup is copied into the live file with SQLite's backup API, in one step, so it is safe
    while the app runs (pages show the restored data on their next click). PostgreSQL: `pg_restore
    --clean --if-exists --single-transaction`, all or nothing.
    """
    parsed = _url(url)
    path = Path(backup_file)
    _check_file(path, parsed)
    exists = not _is_sqlite(parsed) or _sqlite_file(parsed).exists()
    before = backup_now(url, directory) if exists else None  # nothing is lost, not even the state replaced
    with _lock:
        if _is_sqlite(parsed):
            _restore_sqlite(path, _sqlite_file(parsed))
        else:
            _restore_postgres(path, parsed)
        database.get_engine(url).dispose()  # pooled connections forget the replaced database
    database.migrate(url)  # an older backup is brought up to this version's schema
    log.warning("database restored from %s (previous state kept in %s)", path, before.path if before else None)
    return before


def _restore_sqlite(source_file: Path, live: Path) -> None:
    source = sqlite3.connect(_read_only(source_file), uri=True)
    target = sqlite3.connect(live, timeout=database.SQLITE_BUSY_MS / 1000)
    try:
        target.execute("PRAGMA journal_mode=WAL")
        source.backup(target)  # pages=-1: one step, under one write lock, all or nothing
    except sqlite3.Error as exc:
        raise SpiraleError("error.backup_failed", detail=str(exc)) from exc
    finally:
        target.close()
        source.close()


def _restore_postgres(path: Path, url: URL) -> None:
    args, env = _libpq(url)
    command = [_postgres_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction", *args]
    _run([*command, "--dbname", url.database or "postgres", str(path)], env)


# --- automatic backups ------------------------------------------------------------------------


class Scheduler:
    """Calls `action` every `interval()` seconds until stopped; a failure is logged and the next one still runs.

    `wait(seconds)` returns True to stop: the stop event's wait by default, a fake clock in tests.
    """

    def __init__(
        self,
        action: Callable[[], object],
        interval: Callable[[], float],
        wait: Callable[[float], bool] | None = None,
    ) -> None:
        self.action, self.interval = action, interval
        self.stopped = threading.Event()
        self.wait = wait or self.stopped.wait
        self.runs = 0
        self.failures = 0
        self.thread: threading.Thread | None = None

    def loop(self) -> None:
        while True:
            try:
                seconds = self.interval()
            except SpiraleError as error:
                log.error("automatic backups stopped: %s %s", error.key, error.params)
                return
            if seconds <= 0 or self.wait(seconds) or self.stopped.is_set():
                return
            try:
                self.action()
                self.runs += 1
            except Exception:  # a failed backup must never stop the app, nor the next backup
                self.failures += 1
                log.exception("automatic backup failed")

    def start(self) -> "Scheduler":
        self.thread = threading.Thread(target=self.loop, name="spirale-backups", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()


_scheduler: Scheduler | None = None
_scheduler_lock = threading.Lock()


def _interval_seconds() -> float:
    return settings.backup_every_minutes() * 60.0


def start_scheduler() -> Scheduler | None:
    """Start the automatic backups once per process (later calls return the same one); None when turned off.

    The first backup comes one interval after the start, and each backs up the configured database.
    """
    global _scheduler
    with _scheduler_lock:
        if _scheduler is not None:
            return _scheduler
        try:
            if settings.backup_every_minutes() == 0:
                return None
        except SpiraleError as error:
            log.error("automatic backups not started: %s %s", error.key, error.params)
            return None
        _scheduler = Scheduler(backup_now, _interval_seconds).start()
        return _scheduler


# --- command line -----------------------------------------------------------------------------


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} kB"


def main(argv: list[str] | None = None) -> int:
    lang = settings.default_language()
    say = lambda key, **params: i18n.translate(key, lang, **params)  # noqa: E731
    parser = argparse.ArgumentParser(prog="python -m workshop.backup", description=say("backup.cli"))
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("now", help=say("backup.cli_now"))
    commands.add_parser("list", help=say("backup.cli_list"))
    restore_command = commands.add_parser("restore", help=say("backup.cli_restore"))
    restore_command.add_argument("file", help=say("backup.cli_file"))
    options = parser.parse_args(argv)
    try:
        if options.command == "now":
            made = backup_now()
            print(say("backup.made", name=str(made.path), size=_size(made.size)))
        elif options.command == "list":
            found = list_backups()
            print(say("backup.folder", folder=str(settings.backup_dir())))
            for item in found:
                print(f"{item.name}\t{item.created_at:%Y-%m-%d %H:%M:%S} UTC\t{_size(item.size)}")
            if not found:
                print(say("backup.none"))
        else:
            before = restore(options.file)
            print(say("backup.restored", name=options.file, before=str(before.path) if before else "—"))
    except SpiraleError as error:
        print(say(error.key, **{k: str(v) for k, v in error.params.items()}), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main())
