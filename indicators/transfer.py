"""An indicator set with its five situations, out to CSV/XLSX/JSON and back in, so a territory can start from
another's set. Import is all or nothing: every problem is reported with its row, and nothing is written.
"""

import io
import json
from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session

from indicators import service
from indicators.models import ACTIVE, LEVELS
from workshop import cells, grid, uploads
from workshop.errors import SpiraleError
from workshop.text import plain
from workshop.uploads import Problem  # row as a spreadsheet shows it: 1 = column names, 2 = first indicator

FORMAT = "spirale-indicators"
VERSION = 1
FORMATS = ("csv", "xlsx", "json")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 1000
LEVEL_COLUMNS = [f"level{level}" for level in LEVELS]
COLUMNS = ["name_fr", "name_en", "family", "component", "definition", *LEVEL_COLUMNS]
REQUIRED = ["name_fr", *LEVEL_COLUMNS]
LIMITS = {"name_fr": 120, "name_en": 200, "definition": 2000, **dict.fromkeys(LEVEL_COLUMNS, 2000)}


# ---------- export ----------


def indicator_set(*, session: Session, project_id: int) -> pd.DataFrame:
    """The project's usable indicators (five situations, not retired), in their order."""
    frame = service.indicators_frame(session=session, project_id=project_id)
    frame = frame[frame["status"] == ACTIVE]
    return frame.assign(definition=_definitions(session, project_id, frame["id"]))[COLUMNS].fillna("")


def _definitions(session: Session, project_id: int, ids: pd.Series) -> list[str]:
    by_id = {i.id: i.definition for i in service.list_indicators(session=session, project_id=project_id)}
    return [by_id.get(int(i), "") for i in ids]


def export_indicators(*, session: Session, project_id: int, fmt: str) -> bytes:
    frame = indicator_set(session=session, project_id=project_id)
    if fmt == "csv":
        return cells.safe_frame(frame).to_csv(index=False).encode("utf-8-sig")  # Excel opens UTF-8 with a BOM
    if fmt == "xlsx":
        buffer = io.BytesIO()
        cells.safe_frame(frame).to_excel(buffer, index=False, sheet_name="indicators")  # "=…" names stay text
        return buffer.getvalue()
    if fmt == "json":
        records = [
            {**{k: row[k] for k in COLUMNS if not k.startswith("level")},
             "levels": {str(level): row[f"level{level}"] for level in LEVELS}}
            for row in frame.to_dict("records")
        ]  # fmt: skip
        document = {"format": FORMAT, "version": VERSION, "indicators": records}
        return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
    raise SpiraleError("error.indicator_file_type")


# ---------- import ----------


@dataclass(frozen=True)
class ImportReport:
    rows: list[dict]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def read_file(data: bytes, filename: str) -> pd.DataFrame:
    """A CSV, XLSX or JSON indicator file as a frame of strings with our columns (missing ones empty)."""
    if uploads.is_table(filename):
        frame = uploads.read_table(data, filename, max_bytes=MAX_BYTES)
    elif uploads.suffix(filename) == ".json":
        frame = _read_json(data)
    else:
        raise SpiraleError("error.indicator_file_type")
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if missing := [c for c in ("name_fr",) if c not in frame.columns]:
        raise SpiraleError("error.indicator_file_columns", columns=", ".join(missing))
    if len(frame) > MAX_ROWS:
        raise SpiraleError("error.indicator_file_rows", limit=MAX_ROWS)
    for column in COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    return frame[COLUMNS].fillna("").astype(str).map(plain)


def _read_json(data: bytes) -> pd.DataFrame:
    if len(data) > MAX_BYTES:
        raise SpiraleError("error.file_too_big", size=round(len(data) / 1_048_576, 1), limit=MAX_BYTES // 1_048_576)
    if not data.strip():
        raise SpiraleError("error.file_empty")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise SpiraleError("error.file_encoding") from error
    except ValueError as error:
        raise SpiraleError("error.file_unreadable", detail=str(error)[:200]) from error
    return _json_frame(document)


def _json_frame(document: object) -> pd.DataFrame:
    if (
        not isinstance(document, dict)
        or document.get("format") != FORMAT
        or not isinstance(document.get("indicators"), list)
    ):
        raise SpiraleError("error.indicator_file_foreign")
    rows = []
    for item in document["indicators"]:
        if not isinstance(item, dict):
            raise SpiraleError("error.indicator_file_foreign")
        levels = item.get("levels") if isinstance(item.get("levels"), dict) else {}
        rows.append({**{k: item.get(k, "") for k in COLUMNS if not k.startswith("level")},
                     **{f"level{level}": levels.get(str(level), "") for level in LEVELS}})  # fmt: skip
    return pd.DataFrame(rows, columns=COLUMNS).fillna("").astype(str)


def check_import(*, session: Session, project_id: int, data: bytes, filename: str) -> ImportReport:
    """Every row checked against the project's grid and the five situations; nothing is written."""
    frame = read_file(data, filename)
    entries = {e.code: e for e in grid.list_grid(session=session, project_id=project_id)}
    existing = {i.name_fr.casefold() for i in service.list_indicators(session=session, project_id=project_id)}
    problems: list[Problem] = []
    seen: set[str] = set()
    rows = frame.to_dict("records")
    if not rows:
        raise SpiraleError("error.indicator_file_no_rows")
    # A JSON set's indicators are numbered like the same set exported as CSV: the first one is row 2.
    for number, row in zip(uploads.rows(frame), rows, strict=True):
        problems += _row_problems(number, row, entries)
        name = row["name_fr"].casefold()
        if name and (name in existing or name in seen):
            problems.append(Problem(number, "import.problem.duplicate", {"name": row["name_fr"]}))
        seen.add(name)
    return ImportReport(rows, problems)


def _row_problems(number: int, row: dict, entries: dict) -> list[Problem]:
    problems = []
    if not row["name_fr"]:
        problems.append(Problem(number, "import.problem.name"))
    if missing := [str(level) for level in LEVELS if not row[f"level{level}"]]:
        problems.append(Problem(number, "import.problem.levels", {"levels": ", ".join(missing)}))
    family, component = row["family"].upper(), row["component"].upper()
    if family and (family not in entries or entries[family].code != entries[family].family):
        problems.append(Problem(number, "import.problem.family", {"code": row["family"]}))
    if component:
        entry = entries.get(component)
        if entry is None or entry.code == entry.family:
            problems.append(Problem(number, "import.problem.component", {"code": row["component"]}))
        elif family and entry.family != family:
            problems.append(Problem(number, "import.problem.component_family", {"code": component, "family": family}))
    for column, limit in LIMITS.items():
        if len(row[column]) > limit:
            problems.append(Problem(number, "import.problem.too_long", {"column": column, "limit": limit}))
    return problems


def import_indicators(*, session: Session, project_id: int, data: bytes, filename: str) -> int:
    """Add the file's indicators (active, with their five situations) after the project's; all or nothing."""
    report = check_import(session=session, project_id=project_id, data=data, filename=filename)
    if report.problems:
        raise SpiraleError("error.indicator_import", count=len(report.problems))
    for row in report.rows:
        service.create_indicator(
            session=session,
            project_id=project_id,
            name_fr=row["name_fr"],
            name_en=row["name_en"],
            family_code=row["family"].upper() or None,
            component_code=row["component"].upper() or None,
            definition=row["definition"],
            levels={level: row[f"level{level}"] for level in LEVELS},
        )
    return len(report.rows)
