"""Uploaded tables (CSV or XLSX), read the same way by every import: paper notes, survey answers, indicator sets.

Refusals come before any parsing where they can (size, emptiness, type), with one clear message each.
"""

import io
import math
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

import pandas as pd

from workshop.errors import SpiraleError
from workshop.text import plain

CSV_SUFFIXES = (".csv", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
SEPARATORS = (",", ";", "\t")
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # what a workbook's parts may unpack to: a zip bomb is refused unread
HEADER_ROW = 1  # a spreadsheet's row 1 holds the column names
FIRST_DATA_ROW = 2


@dataclass(frozen=True)
class Problem:
    """One reason an imported file is refused, at the row a person sees in a spreadsheet.

    Every import numbers the same way: row 1 is the column names, row 2 the first data row, and a blank
    line keeps its number (see `rows`). `column` and `value` say where, when the import knows.
    """

    row: int
    key: str
    params: dict = field(default_factory=dict)
    column: str = ""
    value: str = ""

    @property
    def line(self) -> int:
        """The paper import's former name for `row` (ui/paper.py still reads it)."""
        return self.row


def rows(frame: pd.DataFrame, first: int = FIRST_DATA_ROW) -> Iterable[int]:
    """The spreadsheet row of each of the frame's rows: `read_table`'s index counts data rows from 0 (blank
    ones included), so row = index + 2. A frame with another index is numbered in order from `first`."""
    if pd.api.types.is_integer_dtype(frame.index) and frame.index.is_monotonic_increasing and frame.index.is_unique:
        return (int(position) + first for position in frame.index)
    return range(first, first + len(frame))


def suffix(filename: str) -> str:
    return PurePath(filename or "").suffix.lower()


def is_table(filename: str) -> bool:
    return suffix(filename) in CSV_SUFFIXES + XLSX_SUFFIXES


def read_table(data: bytes, filename: str, *, max_bytes: int) -> pd.DataFrame:
    """The CSV, or the workbook's first sheet, as text; wholly blank rows dropped.

    The index keeps each row's place among the file's data rows (0 = the line after the header),
    so a report can name the line a person sees in the file, blank lines included.
    """
    if len(data) > max_bytes:
        raise SpiraleError("error.file_too_big", size=round(len(data) / 1_048_576, 1), limit=max_bytes // 1_048_576)
    if not data.strip():
        raise SpiraleError("error.file_empty")
    if suffix(filename) in CSV_SUFFIXES:
        frame = _read_csv(data)
    elif suffix(filename) in XLSX_SUFFIXES:
        frame = _read_xlsx(data)
    else:
        raise SpiraleError("error.file_type")
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.loc[~(frame == "").all(axis=1)]


def _read_csv(data: bytes) -> pd.DataFrame:
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError as error:
        raise SpiraleError("error.file_encoding") from error
    first_line = text.split("\n", 1)[0]
    separator = max(SEPARATORS, key=first_line.count)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=separator, dtype=str, keep_default_na=False, skip_blank_lines=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise SpiraleError("error.file_unreadable", detail=str(error).splitlines()[0][:200]) from error
    return frame.fillna("").map(plain)


def _read_xlsx(data: bytes) -> pd.DataFrame:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise SpiraleError("error.file_unreadable", detail="not an XLSX workbook")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            unpacked = sum(info.file_size for info in book.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise SpiraleError("error.file_unreadable", detail="not an XLSX workbook") from error
    if unpacked > MAX_UNPACKED_BYTES:
        limit = MAX_UNPACKED_BYTES // 1_048_576
        raise SpiraleError("error.file_unpacked_too_big", size=unpacked // 1_048_576, limit=limit)
    try:
        frame = pd.read_excel(io.BytesIO(data), sheet_name=0, dtype=object, engine="openpyxl")
    except Exception as error:  # openpyxl raises many kinds of error for a damaged workbook
        detail = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        raise SpiraleError("error.file_unreadable", detail=detail) from error
    return frame.map(cell_text)


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person sees and the services store: 3.0 -> "3", empty -> ""."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return plain(value)
