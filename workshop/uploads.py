"""Uploaded tables (CSV or XLSX), read the same way by every import: paper notes, survey answers, indicator sets.

Refusals come before any parsing where they can (size, emptiness, type), with one clear message each.
"""

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

import pandas as pd

from workshop.cells import unquote
from workshop.errors import Message, SpiraleError
from workshop.text import plain

CSV_SUFFIXES = (".csv", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
SEPARATORS = (",", ";", "\t")
# What a file that is not UTF-8 may be: Excel's "CSV" on Windows (Windows-1252), a Mac's, a DOS tool's.
WESTERN = ("cp1252", "latin_1", "iso8859_15", "mac_roman", "cp850")
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


def read_table(data: bytes, filename: str, *, max_bytes: int, max_rows: int | None = None) -> pd.DataFrame:
    """The CSV, or the workbook's first sheet, as text; wholly blank rows dropped.

    The index keeps each row's place among the file's data rows (0 = the line after the header),
    so a report can name the line a person sees in the file, blank lines included.
    A file of more than `max_rows` data rows is refused before it is parsed whole, with its count.
    `frame.attrs["encoding"]` says how a CSV was decoded (UTF-8, or what charset-normalizer found),
    for the person to confirm.
    """
    if len(data) > max_bytes:
        raise SpiraleError("error.file_too_big", size=round(len(data) / 1_048_576, 1), limit=max_bytes // 1_048_576)
    if not data.strip():
        raise SpiraleError("error.file_empty")
    if suffix(filename) in CSV_SUFFIXES:
        frame = _read_csv(data, max_rows)
    elif suffix(filename) in XLSX_SUFFIXES:
        frame = _read_xlsx(data, max_rows)
    else:
        raise SpiraleError("error.file_type")
    frame.columns = [unquote(str(c).strip()) for c in frame.columns]
    attrs = dict(frame.attrs)
    kept = frame.loc[~(frame == "").all(axis=1)]
    kept.attrs.update(attrs)
    return kept


def _decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (Excel's "CSV UTF-8" starts with a BOM), else what charset-normalizer
    finds (Excel's plain "CSV" on Windows is Windows-1252); refused when neither reads it."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000], cp_isolation=list(WESTERN)).best()  # French and English files only
    if best is None:
        raise SpiraleError("error.file_encoding")
    encoding = "cp1252" if best.encoding in ("latin_1", "iso8859_15") else best.encoding  # Excel's superset
    try:
        return data.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as error:
        raise SpiraleError("error.file_encoding") from error


def guess_separator(text: str) -> str:
    """The separator that cuts the first lines into the same number of fields, the most of them.

    Read as CSV, so that a comma inside quotes ("Votre situation, aujourd'hui") is not counted.
    """
    sample = text[:65_536]
    lines = sample.splitlines()[:50]
    if len(sample) == 65_536 and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut
    best, score = SEPARATORS[0], (-1, 0)
    for separator in SEPARATORS:
        rows = [r for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=separator) if r]
        if not rows:
            continue
        width = len(rows[0])
        agreeing = sum(len(r) == width for r in rows) / len(rows)
        candidate = (agreeing if width > 1 else -0.5, width)
        if candidate > score:
            best, score = separator, candidate
    return best


def _too_many(count: int, max_rows: int) -> SpiraleError:
    return SpiraleError("error.file_too_many_rows", count=f"{count:,}".replace(",", " "), limit=max_rows)


def _read_csv(data: bytes, max_rows: int | None = None) -> pd.DataFrame:
    text, encoding = _decode(data)
    separator = guess_separator(text)
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            nrows=None if max_rows is None else max_rows + 1,  # one more than allowed says "too many" unparsed
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise _csv_problem(str(error)) from error
    if max_rows is not None and len(frame) > max_rows:
        raise _too_many(text.count("\n") - 1 + (not text.endswith("\n")), max_rows)
    frame = frame.fillna("").map(cell_text)
    frame.attrs.update(encoding=encoding, separator=separator)
    return frame


_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _csv_problem(text: str) -> SpiraleError:
    """pandas' English reason, said in the reader's language: the line that has too many fields, or in general."""
    if match := _FIELDS.search(text):
        expected, line, saw = match.groups()
        return SpiraleError("error.file_unreadable", detail=Message("upload.csv_fields", line=line, saw=saw,
                                                                     expected=expected))  # fmt: skip
    return _unreadable("upload.csv_damaged")


def _sheet_rows(data: bytes) -> int | None:
    """The first sheet's row count from its declared dimension (read-only: the rows are not parsed)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True)
        rows = book.worksheets[0].max_row
        book.close()
    except Exception:  # a damaged workbook: pandas' reading below says why
        return None
    return rows - 1 if rows else None


def _unreadable(detail: str) -> SpiraleError:
    """Why a file cannot be read, in the reader's language (never a library's English text)."""
    return SpiraleError("error.file_unreadable", detail=Message(detail))


def _workbook_kind(names: set[str], data: bytes) -> str | None:
    """None for an Excel workbook; else what the renamed file is (a Word document, a LibreOffice sheet…)."""
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return None
    if "word/document.xml" in names:
        return "upload.is_word"
    if "ppt/presentation.xml" in names:
        return "upload.is_powerpoint"
    if "mimetype" in names and b"opendocument" in data[:200]:  # ODF writes its mimetype first, uncompressed
        return "upload.is_opendocument"
    return "upload.not_workbook"


def _read_xlsx(data: bytes, max_rows: int | None = None) -> pd.DataFrame:
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _unreadable("upload.not_workbook")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            unpacked = sum(info.file_size for info in book.infolist())
            names = set(book.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _unreadable("upload.not_workbook") from error
    if (other := _workbook_kind(names, data)) is not None:
        raise _unreadable(other)
    if unpacked > MAX_UNPACKED_BYTES:
        limit = MAX_UNPACKED_BYTES // 1_048_576
        raise SpiraleError("error.file_unpacked_too_big", size=unpacked // 1_048_576, limit=limit)
    if max_rows is not None and (declared := _sheet_rows(data)) and declared > max_rows:
        raise _too_many(declared, max_rows)
    try:
        frame = pd.read_excel(
            io.BytesIO(data),
            sheet_name=0,
            dtype=object,
            engine="openpyxl",
            nrows=None if max_rows is None else max_rows + 1,
        )
    except Exception as error:  # openpyxl raises many kinds of error (in English) for a damaged workbook
        raise _unreadable("upload.damaged_workbook") from error
    if max_rows is not None and len(frame) > max_rows:
        raise _too_many(len(frame), max_rows)
    return frame.map(cell_text)


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person sees and the services store: 3.0 -> "3", empty -> ""."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unquote(plain(value))  # "'=x" as our exports write it: "=x" again
