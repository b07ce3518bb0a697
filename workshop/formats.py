"""Numbers, shares, dates and ranges as a professional of the reader's language writes them.

One layer for screens, charts, the report and the exports, on Babel's CLDR data rather than rules of ours:
French "2,73", "12 345", "19 %", "2 décembre 2026", "02/12/2026"; English "2.73", "12,345", "19%",
"2 December 2026", "02/12/2026". Missing values (None, NaN, NaT) are an empty string, never "None" or "nan".
"""

import math
import numbers
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
from babel import dates as babel_dates
from babel import lists as babel_lists
from babel import numbers as babel_numbers

from workshop import i18n

# British English for the Council of Europe's English: day before month, 24-hour clock.
LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def locale(lang: str) -> str:
    return LOCALES.get(lang, LOCALES["fr"])


def missing(value: Any) -> bool:
    """None, NaN, NaT, pandas' NA or an empty text: nothing a person should read."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:  # pandas' NA and NaT, numpy's NaN
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # an array or another container: not a missing scalar
        return False


def _pattern(digits: int, *, signed: bool = False) -> str:
    body = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return f"+{body};-{body}" if signed else body


def number(value: Any, lang: str, digits: int = 2) -> str:
    """A decimal with `digits` places and the language's separators ("2,73" / "2.73"; "12 345" / "12,345")."""
    if missing(value):
        return ""
    return babel_numbers.format_decimal(float(value), format=_pattern(digits), locale=locale(lang))


def signed(value: Any, lang: str, digits: int = 2) -> str:
    """A change, always with its sign ("+0,45", "-0,30")."""
    if missing(value):
        return ""
    return babel_numbers.format_decimal(float(value), format=_pattern(digits, signed=True), locale=locale(lang))


def integer(value: Any, lang: str) -> str:
    return number(value, lang, 0)


def amount(value: Any, lang: str) -> str:
    """An amount as typed: whole numbers without decimals, others with two ("1 500", "1 500,50")."""
    if missing(value):
        return ""
    return number(value, lang, 0 if float(value).is_integer() else 2)


def percent(share: Any, lang: str, digits: int = 0) -> str:
    """A share (0-1) as the language writes a percentage: "19 %" (no-break space) in French, "19%" in English."""
    if missing(share):
        return ""
    pattern = _pattern(digits) + ("\u00a0%" if lang == "fr" else "%")
    return babel_numbers.format_percent(float(share), format=pattern, locale=locale(lang))


def percent_suffix(lang: str) -> str:
    """What follows a percentage's digits (a chart axis's tick suffix)."""
    return "\u00a0%" if lang == "fr" else "%"


def _day(value: Any) -> date | None:
    if missing(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if hasattr(value, "to_pydatetime"):  # a pandas Timestamp
        return value.to_pydatetime().date()
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def day(value: Any, lang: str, style: str = "medium") -> str:
    """A date: "medium" "2 déc. 2026" / "2 Dec 2026", "long" "2 décembre 2026", "short" "02/12/2026"."""
    found = _day(value)
    return "" if found is None else babel_dates.format_date(found, style, locale=locale(lang))


def moment(value: Any, lang: str) -> str:
    """A date and time to the minute ("02/12/2026 14:05")."""
    if missing(value):
        return ""
    if not isinstance(value, datetime):
        value = value.to_pydatetime() if hasattr(value, "to_pydatetime") else datetime.fromisoformat(str(value))
    return babel_dates.format_datetime(value, "short", locale=locale(lang))


def day_range(start: Any, end: Any, lang: str) -> str:
    """From one date to another ("1 sept. 2026 – 30 juin 2027"); one end alone is said in words; "" if none."""
    first, last = _day(start), _day(end)
    if first and last:
        return babel_dates.format_interval(first, last, "yMMMd", locale=locale(lang))
    if first:
        return i18n.translate("format.from", lang, date=day(first, lang))
    if last:
        return i18n.translate("format.until", lang, date=day(last, lang))
    return ""


def listing(items: Iterable[Any], lang: str) -> str:
    """Words joined as the language does ("a, b et c" / "a, b and c")."""
    words = [str(item) for item in items if not missing(item)]
    return babel_lists.format_list(words, locale=locale(lang)) if words else ""


def size(count: int, lang: str) -> str:
    """A file size: "1,2 Mo" / "1.2 MB", "340 ko" / "340 kB"."""
    if count >= 1024 * 1024:
        return f"{number(count / 1024 / 1024, lang, 1)}\u00a0{'Mo' if lang == 'fr' else 'MB'}"
    return f"{number(count / 1024, lang, 0)}\u00a0{'ko' if lang == 'fr' else 'kB'}"


def text(value: Any, lang: str) -> str:
    """Any cell for a person: numbers and dates in the language's form, missing values empty."""
    if missing(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return i18n.translate("format.yes" if value else "format.no", lang)
    if isinstance(value, numbers.Integral):
        return integer(value, lang)
    if isinstance(value, numbers.Real):
        return amount(value, lang)
    if isinstance(value, datetime):
        return moment(value, lang)
    if isinstance(value, date):
        return day(value, lang)
    return str(value)


# Plotly: the same separators for hover texts and axes, and a date format without English month names.
def plotly_separators(lang: str) -> str:
    """Plotly's `separators`: the decimal mark, then the thousands separator."""
    loc = locale(lang)
    return babel_numbers.get_decimal_symbol(loc) + babel_numbers.get_group_symbol(loc)


def plotly_date_format(lang: str) -> str:
    """A d3 date format that needs no plotly.js locale file (month names would be English without it)."""
    return "%d/%m/%Y" if lang == "fr" else "%d %b %Y"


# CSV for spreadsheets: French Excel reads ";" with decimal commas; "," with points is the machine format.
def csv_decimal(separator: str) -> str:
    return "," if separator == ";" else "."


def readable(frame: pd.DataFrame, lang: str, *, decimals: dict[str, int] | None = None,
             percents: Iterable[str] = (), signs: Iterable[str] = ()) -> pd.DataFrame:  # fmt: skip
    """A table for a person: the named columns as the language writes them, every other cell through `text`.

    Streamlit's number columns print "2.73" whatever the language (its "localized" follows the browser, not
    the language chosen here), so tables people read get their numbers as text from this layer.
    """
    decimals, percents, signs = decimals or {}, set(percents), set(signs)
    shown = frame.copy()
    for column in shown.columns:
        if column in percents:
            shown[column] = [percent(v, lang) for v in frame[column]]
        elif column in signs:
            shown[column] = [signed(v, lang, decimals.get(column, 2)) for v in frame[column]]
        elif column in decimals:
            shown[column] = [number(v, lang, decimals[column]) for v in frame[column]]
        elif not pd.api.types.is_bool_dtype(frame[column]):  # ticks stay ticks (Streamlit's checkbox column)
            shown[column] = [text(v, lang) for v in frame[column]]
    return shown


# Streamlit's date fields: the order people type (Streamlit takes only these patterns, not Babel's).
DATE_INPUT = "DD/MM/YYYY"  # French and British English alike
