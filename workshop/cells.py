"""Spreadsheet cells that stay text: no formula reaches Excel or LibreOffice from an export (OWASP's CSV injection).

A note, a name or an answer typed as "=HYPERLINK(…)" or "+33 6…" would run as a formula when an exported CSV or
an openpyxl XLSX is opened. Such text gets a leading apostrophe (what a person types in Excel to keep text as
text; it stays readable), and every import takes that apostrophe off again, so an export read back is unchanged.
"""

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def safe(value: object) -> object:
    """Text that a spreadsheet would read as a formula -> the same text, quoted; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return QUOTE + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell made safe (numbers stay numbers: -1 is a number, not a formula); headings too."""
    result = frame.copy()
    for column in result.columns:
        if not (pd.api.types.is_numeric_dtype(result[column]) or pd.api.types.is_bool_dtype(result[column])):
            result[column] = result[column].map(safe)
    result.columns = [safe(str(c)) for c in result.columns]
    return result


def unquote(value: str) -> str:
    """An imported cell: the apostrophe an export put before a formula character is taken off."""
    if value.startswith(QUOTE) and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
