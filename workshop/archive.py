"""Project archives: one versioned file holding every row of a project, importable into another database.

Generic over the metadata: every table but `project` carries a `project_id`, and foreign keys are
remapped on import, so a table added by a later step is archived without touching this module.
"""

import io
import json
import math
import zipfile
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, MetaData, Table, UniqueConstraint, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from workshop import rules
from workshop.database import utcnow
from workshop.errors import Message, SpiraleError
from workshop.models import Project

FORMAT = "spirale-archive"
VERSION = 1
SUFFIX = ".spirale"
MAX_BYTES = 200 * 1024 * 1024
# What the members may unpack to, announced and counted while reading: a zip bomb is refused before it fills
# memory. A wave of 50,000 respondents (an import's most) is about 80 MB of JSON.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_INTEGER = 2**63 - 1  # what a database's integer holds
_KIND_NAMES = {"Integer": "archive.kind.integer", "Float": "archive.kind.number", "Date": "archive.kind.date",
               "DateTime": "archive.kind.datetime", "Boolean": "archive.kind.boolean"}  # fmt: skip
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
            budget = _Budget(MAX_UNPACKED_BYTES)
            manifest = json.loads(budget.read(archive, "manifest.json"))
            if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
                raise SpiraleError("error.archive_foreign")
            if not isinstance(manifest.get("version"), int) or manifest["version"] > VERSION:
                raise SpiraleError("error.archive_version", version=manifest.get("version"))
            tables = {
                name: json.loads(budget.read(archive, f"tables/{name}.json")) for name in manifest.get("tables", {})
            }
    except SpiraleError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, UnicodeDecodeError, OSError, TypeError, EOFError) as exc:
        raise SpiraleError("error.archive_corrupt") from exc
    return manifest, tables


class _Budget:
    """What the members may still unpack to, counted while they are read: a member whose announced size lies
    is stopped at the cap, not inflated whole into memory first."""

    CHUNK = 1 << 20

    def __init__(self, limit: int) -> None:
        self.left = limit

    def read(self, archive: zipfile.ZipFile, name: str) -> bytearray:
        content = bytearray()  # grown in place: no second copy of a large member (json reads a bytearray)
        with archive.open(name) as member:
            while chunk := member.read(self.CHUNK):
                self.left -= len(chunk)
                if self.left < 0:
                    raise SpiraleError(
                        "error.archive_inflates_too_big", file=name, limit=MAX_UNPACKED_BYTES // 1_048_576
                    )
                content += chunk
        return content


def _convert(table: Table, name: str, value: Any) -> Any:
    """JSON values back to the column's Python type; a value that does not fit raises its Message."""
    column = table.c[name]
    if value is None:
        if not column.nullable and not column.primary_key:
            raise _Refused(Message("error.archive_value_missing"))
        return None
    kind = column.type
    expected = _KIND_NAMES.get(type(kind).__name__, "archive.kind.text")
    try:
        return _typed(kind, value)
    except (ValueError, TypeError, OverflowError) as exc:
        raise _Refused(Message("error.archive_value_type", value=_shown(value), expected=Message(expected))) from exc


def _typed(kind: Any, value: Any) -> Any:
    if isinstance(kind, DateTime) or getattr(kind, "impl", None).__class__ is DateTime:
        parsed = datetime.fromisoformat(_text(value))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if isinstance(kind, Date):
        return date.fromisoformat(_text(value))
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise TypeError(value)
        return value
    if isinstance(kind, Integer):
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > MAX_INTEGER:
            raise TypeError(value)
        return value
    if isinstance(kind, Float):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise TypeError(value)
        return float(value)
    text = _text(value)
    if "\x00" in text:  # PostgreSQL refuses it; nothing a screen lets through either
        raise _Refused(Message("error.archive_value_control"))
    if (limit := getattr(kind, "length", None)) and len(text) > limit:
        raise _Refused(Message("error.archive_value_long", length=len(text), limit=limit))
    return text


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 40 else text[:39] + "…"


class _Refused(Exception):
    """One value of a row refused, with the Message that says why (the row and the file are added above)."""

    def __init__(self, problem: Message) -> None:
        super().__init__(problem.key)
        self.problem = problem


def _unique_name(session: Session, name: str) -> str:
    taken = set(session.scalars(select(Project.name)))
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name} ({number})"
    return candidate


def import_project(*, session: Session, metadata: MetaData, data: bytes) -> int:
    """Write an archive's project into this database with new ids; return the new project id.

    Every row is checked first as the screens check it (its columns' types and lengths, its table's rule from
    workshop.rules, its links, its unique fields); a refusal names the file, the row and the problem, and
    nothing is written. The writes happen in the caller's transaction, under a savepoint: on any error
    nothing is written, even when the caller goes on with its session.
    """
    _manifest, tables = _read(data)
    known = {table.name: table for table in _tables(metadata)}
    if unknown := sorted(set(tables) - set(known)):
        raise SpiraleError("error.archive_foreign_tables", tables=unknown)
    if len(tables.get("project", [])) != 1:
        raise SpiraleError("error.archive_corrupt")
    referenced = {fk.column.table.name for table in known.values() for fk in table.foreign_keys}
    prepared = {table.name: _prepared(table, tables.get(table.name, [])) for table in _tables(metadata)}
    new_ids: dict[str, dict[int, int]] = {}
    table = None
    try:
        with session.begin_nested():
            for table in _tables(metadata):
                new_ids[table.name] = _insert_rows(
                    session, table, prepared[table.name], new_ids, table.name in referenced
                )
            session.flush()
    except SpiraleError:
        raise
    except SQLAlchemyError as exc:  # a rule of the database itself that the checks above do not know
        name = table.name if table is not None else "project"
        raise SpiraleError("error.archive_refused", file=_member(name), reason=Message(_reason(exc))) from exc
    return next(iter(new_ids["project"].values()))


def _member(table_name: str) -> str:
    return f"tables/{table_name}.json"


def _reason(exc: SQLAlchemyError) -> str:
    text = str(getattr(exc, "orig", exc)).lower()
    for words, key in (
        (("unique", "duplicate"), "archive.reason.unique"),
        (("foreign key",), "archive.reason.link"),
        (("not null", "null value"), "archive.reason.missing"),
        (("check",), "archive.reason.check"),
    ):
        if any(word in text for word in words):
            return key
    return "archive.reason.other"


def _prepared(table: Table, rows: object) -> list[tuple[int, dict, dict]]:
    """Each row as (its line in the file, its old values, its values typed and checked), or a refusal that
    names the file, the line and the problem (the table's rule: the one the services apply)."""
    if not isinstance(rows, list):
        raise SpiraleError("error.archive_corrupt")
    prepared = []
    for line, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or set(row) - set(table.c.keys()):
            raise SpiraleError("error.archive_foreign_columns", table=table.name)
        values = {}
        for name, value in row.items():
            try:
                values[name] = _convert(table, name, value)
            except _Refused as refused:
                raise _row_error(table, line, name, refused.problem) from None
        values.pop("id", None)  # new ids here; links are remapped at the insert
        try:
            rules.check_row(table.name, values)
        except SpiraleError as error:
            raise _row_error(table, line, str(error.params.get("column", "")), error) from None
        prepared.append((line, row, values))
    _check_unique(table, prepared)
    return prepared


def _row_error(table: Table, line: int, column: str, problem: Message | SpiraleError) -> SpiraleError:
    return SpiraleError("error.archive_row", file=_member(table.name), row=line, column=column, problem=problem)


def _check_unique(table: Table, prepared: list[tuple[int, dict, dict]]) -> None:
    """Two rows of the file that a unique constraint forbids (links compared by their ids in the file)."""
    for constraint in table.constraints:
        if not isinstance(constraint, UniqueConstraint):
            continue
        names = [c.name for c in constraint.columns]
        seen: dict[tuple, int] = {}
        for line, row, _values in prepared:
            key = tuple(row.get(n) for n in names)
            if None in key:
                continue
            if key in seen:
                problem = Message("error.archive_duplicate", columns=", ".join(names), first=seen[key])
                raise _row_error(table, line, names[-1], problem)
            seen[key] = line


def _insert_rows(
    session: Session,
    table: Table,
    prepared: list[tuple[int, dict, dict]],
    new_ids: dict[str, dict[int, int]],
    keep_ids: bool,
) -> dict[int, int]:
    rows = []
    for line, row, checked in prepared:
        values = dict(checked)
        for fk in table.foreign_keys:
            column = fk.parent.name
            if row.get(column) is not None:
                target = fk.column.table.name
                if row[column] not in new_ids.get(target, {}):
                    problem = Message("error.archive_link", id=row[column], file=_member(target))
                    raise _row_error(table, line, column, problem)
                values[column] = new_ids[target][row[column]]
        if table.name == "project":
            values["name"] = _unique_name(session, values["name"])
        rows.append((row.get("id"), values))
    if not keep_ids:  # nothing points at these rows: one bulk insert
        if rows:
            session.execute(table.insert(), [values for _, values in rows])
        return {}
    mapping = {}
    for old_id, values in rows:
        mapping[old_id] = session.execute(table.insert().values(**values)).inserted_primary_key[0]
    return mapping
