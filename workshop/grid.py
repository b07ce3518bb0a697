"""The reference grid (families and components) as data: shipped in data/, copied per project, editable."""

import pandas as pd
from sqlmodel import Session, select

from workshop import settings
from workshop.errors import SpiraleError
from workshop.models import GridEntry, GridEntryRead
from workshop.text import clean_name, clean_optional

GRID_FILE = settings.DATA_DIR / "reference_grid.csv"
GRID_COLUMNS = (
    "code",
    "family",
    "label_fr",
    "label_en",
    "description_fr",
    "description_en",
    "examples_fr",
    "examples_en",
)


def read_grid_file() -> pd.DataFrame:
    """The shipped grid: one row per family (code == family) and per component."""
    grid = pd.read_csv(GRID_FILE, dtype=str, keep_default_na=False)
    return grid[list(GRID_COLUMNS)]


def load_grid(*, session: Session, project_id: int) -> int:
    """Copy the shipped grid into a project; return the number of entries."""
    rows = read_grid_file().to_dict("records")
    for position, row in enumerate(rows):
        session.add(GridEntry(project_id=project_id, position=position, **row))
    session.flush()
    return len(rows)


def list_grid(*, session: Session, project_id: int) -> list[GridEntryRead]:
    query = select(GridEntry).where(GridEntry.project_id == project_id).order_by(GridEntry.position)
    return [GridEntryRead.model_validate(entry) for entry in session.exec(query)]


def families(*, session: Session, project_id: int) -> list[GridEntryRead]:
    return [entry for entry in list_grid(session=session, project_id=project_id) if entry.code == entry.family]


def add_component(
    *,
    session: Session,
    project_id: int,
    family: str,
    code: str,
    label_fr: str,
    label_en: str = "",
    description_fr: str = "",
) -> GridEntryRead:
    """A territory adds its own component under an existing family."""
    code = clean_name(code).upper()
    entries = {entry.code: entry for entry in list_grid(session=session, project_id=project_id)}
    if family not in entries or entries[family].code != entries[family].family:
        raise SpiraleError("error.grid_unknown_family", family=family)
    if code in entries:
        raise SpiraleError("error.grid_code_exists", code=code)
    if not code.startswith(family):
        raise SpiraleError("error.grid_code_family", code=code, family=family)
    entry = GridEntry(
        project_id=project_id,
        family=family,
        code=code,
        label_fr=clean_name(label_fr),
        label_en=clean_optional(label_en, max_length=200),
        description_fr=clean_optional(description_fr),
        position=max((e.position for e in entries.values()), default=0) + 1,
        added_by_project=True,
    )
    session.add(entry)
    session.flush()
    return GridEntryRead.model_validate(entry)


def label(entry: GridEntryRead, lang: str) -> str:
    """The entry's label in a language, French when the English one is missing."""
    return (entry.label_en if lang == "en" and entry.label_en else entry.label_fr) or entry.code
