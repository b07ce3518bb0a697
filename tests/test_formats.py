"""The formatting layer: numbers, shares, dates and ranges as each language writes them; nothing for missing."""

from datetime import date, datetime

import pandas as pd
import pytest

from surveys import exports
from workshop import formats

NNBSP, NBSP, THIN = "\u202f", "\u00a0", "\u2009"


@pytest.mark.parametrize(
    ("call", "fr", "en"),
    [
        (lambda lang: formats.number(2.7345, lang), "2,73", "2.73"),
        (lambda lang: formats.number(12345.6, lang, 0), f"12{NNBSP}346", "12,346"),
        (lambda lang: formats.signed(0.45, lang), "+0,45", "+0.45"),
        (lambda lang: formats.signed(-0.3, lang), "-0,30", "-0.30"),
        (lambda lang: formats.amount(3000.0, lang), f"3{NNBSP}000", "3,000"),
        (lambda lang: formats.amount(12.5, lang), "12,50", "12.50"),
        (lambda lang: formats.percent(0.19, lang), f"19{NBSP}%", "19%"),
        (lambda lang: formats.day(date(2026, 12, 2), lang, "long"), "2 décembre 2026", "2 December 2026"),
        (lambda lang: formats.day(date(2026, 12, 2), lang), "2 déc. 2026", "2 Dec 2026"),
        (lambda lang: formats.day("2026-12-02", lang, "short"), "02/12/2026", "02/12/2026"),
        (lambda lang: formats.moment(datetime(2026, 12, 2, 14, 5), lang), "02/12/2026 14:05", "02/12/2026, 14:05"),
        (lambda lang: formats.listing(["a", "b", "c"], lang), "a, b et c", "a, b and c"),
        (lambda lang: formats.size(3 * 1024 * 1024 // 2, lang), f"1,5{NBSP}Mo", f"1.5{NBSP}MB"),
    ],
)
def test_each_language_writes_its_own_form(call, fr, en):
    assert call("fr") == fr
    assert call("en") == en


def test_a_range_reads_as_words_and_one_end_alone_is_said():
    assert formats.day_range(date(2026, 9, 1), date(2027, 6, 30), "fr") == f"1 sept. 2026{THIN}–{THIN}30 juin 2027"
    assert formats.day_range(date(2026, 9, 1), date(2027, 6, 30), "en") == f"1 Sept 2026{THIN}–{THIN}30 Jun 2027"
    assert formats.day_range(date(2026, 9, 1), None, "fr") == "à partir du 1 sept. 2026"
    assert formats.day_range(None, date(2027, 6, 30), "en") == "until 30 Jun 2027"
    assert formats.day_range(None, None, "fr") == ""


@pytest.mark.parametrize("value", [None, float("nan"), pd.NA, pd.NaT, "", "  "])
def test_missing_values_are_empty_never_none_or_nan(value):
    for lang in ("fr", "en"):
        assert formats.text(value, lang) == ""
        assert formats.number(value, lang) == ""
        assert formats.day(value, lang) == ""


def test_plotly_gets_the_languages_separators():
    assert formats.plotly_separators("fr") == "," + NNBSP
    assert formats.plotly_separators("en") == ".,"


def test_semicolon_csv_has_decimal_commas_for_french_excel_and_comma_csv_stays_machine_readable():
    frame = pd.DataFrame({"code": ["A1"], "weight": [0.95], "ind1": [3]})
    french = exports.to_csv(frame, separator=";").decode("utf-8-sig")
    machine = exports.to_csv(frame, separator=",").decode("utf-8-sig")
    assert french.splitlines() == ["code;weight;ind1", "A1;0,95;3"]
    assert machine.splitlines() == ["code,weight,ind1", "A1,0.95,3"]
