"""Files for the import tests: tables written as CSV (several separators and encodings) or XLSX, hostile cells,
truncations, and zip archives whose declared sizes lie."""

import csv
import io
import struct
import zipfile
from datetime import datetime

from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from tests.robustness.strategies import hostile_text

FORMULAS = ("=cmd|' /C calc'!A0", "=1+1", "+SUM(A1:A2)", "-2+3", "@SUM(1)", '=HYPERLINK("http://x","y")')
hostile_cell = st.one_of(
    hostile_text,
    st.text(st.sampled_from(["\x00", "\x01", "\x07", "\x1b", "\x7f", " ", "\t"]), min_size=1, max_size=3),
    st.sampled_from(FORMULAS),
    st.sampled_from(["", "   ", "NA", "null", "None", "#N/A", "1e400", "-0", "٣", "Ⅻ"]),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 1, 1)),
)
ENCODINGS = ("utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252")
TABLE_NAMES = ("notes.csv", "notes.CSV", "notes.tsv", "notes.xlsx", "notes.xlsm", "notes.txt", "notes", "notes.xls",
               "notes.json", "notes.spirale", "../../etc/passwd.csv", "")  # fmt: skip


def _text(value: object) -> str:
    return "" if value is None else str(value)


def to_csv(rows: list[list[object]], *, separator: str = ",", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator="\r\n").writerows([[_text(v) for v in r] for r in rows])
    return buffer.getvalue().encode(encoding, errors="replace")


def _xlsx_value(value: object) -> object:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:32767]  # what a spreadsheet can hold
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return str(value)
    if (isinstance(value, float) and value != value) or value in (float("inf"), float("-inf")):
        return str(value)
    return value


def to_xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append([_xlsx_value(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def table(rows: list[list[object]], kind: str, separator: str = ",", encoding: str = "utf-8") -> tuple[bytes, str]:
    if kind == "xlsx":
        return to_xlsx(rows), "file.xlsx"
    return to_csv(rows, separator=separator, encoding=encoding), "file.csv"


@st.composite
def mutated_rows(draw: st.DrawFn, rows: list[list[object]]) -> list[list[object]]:
    """The rows with some cells (header included, rarely) replaced by hostile ones, and maybe a row cut short."""
    out = [list(r) for r in rows]
    for _ in range(draw(st.integers(1, 4))):
        line = draw(st.integers(1 if draw(st.integers(0, 9)) else 0, len(out) - 1))
        column = draw(st.integers(0, len(out[line]) - 1))
        out[line][column] = draw(hostile_cell)
    if draw(st.integers(0, 9)) == 0:
        line = draw(st.integers(1, len(out) - 1))
        out[line] = out[line][: draw(st.integers(0, len(out[line])))]
    return out


def forge_sizes(data: bytes, size: int = 0xF0000000) -> bytes:
    """A zip whose central directory says every member unpacks to `size` bytes (a zip bomb's announcement)."""
    out = bytearray(data)
    start = 0
    while (start := out.find(b"PK\x01\x02", start)) != -1:
        struct.pack_into("<I", out, start + 24, size)
        start += 4
    return bytes(out)


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()
