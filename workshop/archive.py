"""Project archives: one versioned file holding every row of a project, importable into another database.

Generic over the metadata: every table but `project` carries a `project_id`, and foreign keys are
remapped on import, so a table added by a later step is archived without touching this module.
"""

import io
import json
import zipfile
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, MetaData, Table, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from workshop.database import utcnow
from workshop.errors import SpiraleError
from workshop.models import Project

FORMAT = "spirale-archive"
VERSION = 1
SUFFIX = ".spirale"
MAX_BYTES = 200 * 1024 * 1024
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024  # what the members may unpack to: a zip bomb is refused before reading
# Instance tables belong to this installation, not to a project: accounts and login sessions have no
# project_id, and a project's roles point at accounts that the other instance does not have. An archive
# carries none of them; an imported project arrives with no roles (an administrator gives them again).
INSTANCE_TABLES = {"account", "project_role", "login_session"}
SKIPPED_TABLES = {"alembic_version", *INSTANCE_TABLES}


def _tables(metadata: MetaData) -> list[Table]:
    return [table for table in metadata.sorted_tables if table.name not in SKIPPED_TABLES]


def _scope(table: Table, project_id: int):  # noqa: ANN202 - a select
    if table.name == "project":
        return select(table).where(table.c.id == project_id)
    if "project_id" not in table.c:
        raise ValueError(f"table {table.name} has no project_id: it cannot be archived per project")
    return select(table).where(table.c.project_id == project_id).order_by(table.c.id)


def _to_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def export_project(*, session: Session, metadata: MetaData, project_id: int) -> bytes:
    """Every row of the project, one JSON file per table, in a zip with a manifest."""
    project = session.get(Project, project_id)
    if project is None:
        raise SpiraleError("error.project_missing")
    buffer = io.BytesIO()
    counts: dict[str, int] = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in _tables(metadata):
            rows = [
                {k: _to_json(v) for k, v in row._mapping.items()} for row in session.execute(_scope(table, project_id))
            ]
            counts[table.name] = len(rows)
            archive.writestr(f"tables/{table.name}.json", json.dumps(rows, ensure_ascii=False))
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "exported_at": utcnow().isoformat(),
            "project": project.name,
            "tables": counts,
        }
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return buffer.getvalue()


def _read(data: bytes) -> tuple[dict, dict[str, list[dict]]]:
    if not data:
        raise SpiraleError("error.archive_empty")
    if len(data) > MAX_BYTES:
        raise SpiraleError("error.archive_too_big", limit=MAX_BYTES // (1024 * 1024))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if (unpacked := sum(info.file_size for info in archive.infolist())) > MAX_UNPACKED_BYTES:
                raise SpiraleError(
                    "error.archive_unpacked_too_big", size=unpacked // 1_048_576, limit=MAX_UNPACKED_BYTES // 1_048_576
                )
            manifest = json.loads(archive.read("manifest.json"))
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise SpiraleError("error.archive_foreign")
            if not isinstance(manifest.get("version"), int) or manifest["version"] > VERSION:
                raise SpiraleError("error.archive_version", version=manifest.get("version"))
            tables = {name: json.loads(archive.read(f"tables/{name}.json")) for name in manifest.get("tables", {})}
    except SpiraleError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, UnicodeDecodeError, OSError, TypeError) as exc:
        raise SpiraleError("error.archive_corrupt") from exc
    return manifest, tables


def _convert(table: Table, name: str, value: Any) -> Any:
    """JSON values back to the column's Python type; anything that does not fit is refused."""
    if value is None:
        return None
    kind = table.c[name].type
    if isinstance(kind, DateTime) or getattr(kind, "impl", None).__class__ is DateTime:
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise ValueError(name)
        return value
    if isinstance(kind, Integer):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(name)
        return value
    if isinstance(kind, Float):
        return float(value)
    if not isinstance(value, str):
        raise ValueError(name)
    return value


def _unique_name(session: Session, name: str) -> str:
    taken = set(session.scalars(select(Project.name)))
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name} ({number})"
    return candidate


def import_project(*, session: Session, metadata: MetaData, data: bytes) -> int:
    """Write an archive's project into this database with new ids; return the new project id.

    Everything happens in the caller's transaction, under a savepoint: on any error nothing is written,
    even when the caller goes on with its session.
    """
    _manifest, tables = _read(data)
    known = {table.name: table for table in _tables(metadata)}
    if unknown := sorted(set(tables) - set(known)):
        raise SpiraleError("error.archive_foreign_tables", tables=unknown)
    if len(tables.get("project", [])) != 1:
        raise SpiraleError("error.archive_corrupt")
    referenced = {fk.column.table.name for table in known.values() for fk in table.foreign_keys}
    new_ids: dict[str, dict[int, int]] = {}
    try:
        with session.begin_nested():
            for table in _tables(metadata):
                new_ids[table.name] = _insert_rows(
                    session, table, tables.get(table.name, []), new_ids, table.name in referenced
                )
            session.flush()
    except SpiraleError:
        raise
    except (SQLAlchemyError, ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
        raise SpiraleError("error.archive_invalid", detail=type(exc).__name__) from exc
    return next(iter(new_ids["project"].values()))


def _insert_rows(
    session: Session,
    table: Table,
    rows: list[dict],
    new_ids: dict[str, dict[int, int]],
    keep_ids: bool,
) -> dict[int, int]:
    if not isinstance(rows, list):
        raise ValueError(table.name)
    prepared = []
    for row in rows:
        if not isinstance(row, dict) or set(row) - set(table.c.keys()):
            raise SpiraleError("error.archive_foreign_columns", table=table.name)
        values = {name: _convert(table, name, value) for name, value in row.items() if name != "id"}
        for fk in table.foreign_keys:
            column = fk.parent.name
            if values.get(column) is not None:
                values[column] = new_ids[fk.column.table.name][values[column]]
        if table.name == "project":
            values["name"] = _unique_name(session, values["name"])
        prepared.append((row.get("id"), values))
    if not keep_ids:  # nothing points at these rows: one bulk insert
        if prepared:
            session.execute(table.insert(), [values for _, values in prepared])
        return {}
    mapping = {}
    for old_id, values in prepared:
        mapping[old_id] = session.execute(table.insert().values(**values)).inserted_primary_key[0]
    return mapping
