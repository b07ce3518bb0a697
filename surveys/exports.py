"""Exports for analysts: long CSV, wide CSV / XLSX with a codebook, SPSS .sav with labels (frames in, bytes out).

Codes: levels 1-5, 9 = "don't know" (declared missing in SPSS), blank = not answered.
Variables: `code` (respondent), the profile questions, `weight`, then one `ind<id>` per indicator; the
import recognises these names, so an export read back gives the same answers.
"""

import importlib.util
import io
import os
import tempfile
import textwrap
from dataclasses import dataclass, field

import pandas as pd

from workshop import cells, formats, i18n

DONT_KNOW_CODE = 9
LEVELS = (1, 2, 3, 4, 5)
LANGS = ("fr", "en")


@dataclass
class Dataset:
    """One wave's data ready to export (already filtered)."""

    wave: str
    respondents: pd.DataFrame  # respondent, code, <question keys>, weight
    answers: pd.DataFrame  # respondent, indicator_id, level (NaN = don't know)
    indicators: pd.DataFrame  # id, name_fr, name_en, family, level1..level5
    questions: list[tuple[str, str, str]] = field(default_factory=list)  # key, label_fr, label_en
    wave_en: str = ""
    wave_id: int = 0
    filters: str = ""  # the profiles and places the export is restricted to ("" = every respondent)

    def wave_name(self, lang: str) -> str:
        return self.wave_en if lang == "en" and self.wave_en else self.wave


def variable(indicator_id: int) -> str:
    return f"ind{indicator_id}"


def level_label(level: int, lang: str) -> str:
    return i18n.translate(f"level.{level}", lang) if level in LEVELS else i18n.translate("export.dont_know", lang)


def value_labels(lang: str) -> dict[int, str]:
    return {level: level_label(level, lang) for level in (*LEVELS, DONT_KNOW_CODE)}


def _indicator_ids(data: Dataset) -> list[int]:
    return [int(i) for i in data.indicators["id"]]


def _names(data: Dataset, lang: str) -> dict[int, str]:
    rows = data.indicators.set_index("id")
    other = "name_fr" if lang == "en" else "name_en"
    own = rows[f"name_{lang}"].where(rows[f"name_{lang}"] != "", rows[other])
    return own.to_dict()


def _coded(levels: pd.Series) -> pd.Series:
    """Answer levels -> export codes (NaN don't know -> 9)."""
    return levels.fillna(DONT_KNOW_CODE).astype("int64")


def _as_labels(codes: pd.DataFrame, lang: str) -> pd.DataFrame:
    labels = value_labels(lang)
    return codes.apply(lambda column: column.map(labels))


def long_frame(data: Dataset, *, labels: bool = False, lang: str = "fr") -> pd.DataFrame:
    """Tidy: one row per answer with the respondent's profile and weight."""
    profile = [k for k, _, _ in data.questions if k in data.respondents.columns]
    people = data.respondents[["respondent", "code", *profile, "weight"]]
    names, families = _names(data, lang), data.indicators.set_index("id")["family"].to_dict()
    answers = data.answers[data.answers["indicator_id"].isin(_indicator_ids(data))]
    table = answers.merge(people, on="respondent", how="inner")
    level = _coded(table["level"])
    result = pd.DataFrame(
        {
            "wave_id": data.wave_id,
            "wave": data.wave_name(lang),
            "code": table["code"],
            **{k: table[k].fillna("") for k in profile},
            "weight": table["weight"],
            "variable": table["indicator_id"].map(variable),
            "indicator": table["indicator_id"].map(names),
            "family": table["indicator_id"].map(families).fillna(""),
            "level": level.map(value_labels(lang)) if labels else level,
            "dont_know": (level == DONT_KNOW_CODE).astype(int),
        }
    )
    return result.reset_index(drop=True)


def wide_frame(data: Dataset, *, labels: bool = False, lang: str = "fr") -> pd.DataFrame:
    """One row per respondent; one column per indicator (codes or labels); blank = not answered."""
    ids = _indicator_ids(data)
    answers = data.answers[data.answers["indicator_id"].isin(ids)]
    coded = answers.assign(code=_coded(answers["level"]))
    grid = coded.pivot(index="respondent", columns="indicator_id", values="code")
    grid = grid.reindex(columns=ids).astype("Int64")
    grid.columns = [variable(i) for i in ids]
    if labels:
        grid = _as_labels(grid, lang)
    profile = [k for k, _, _ in data.questions if k in data.respondents.columns]
    people = data.respondents[["respondent", "code", *profile, "weight"]].set_index("respondent")
    people[profile] = people[profile].fillna("")
    people.insert(0, "wave", data.wave_name(lang))
    people.insert(0, "wave_id", data.wave_id)
    return people.join(grid, how="left").reset_index(drop=True)


def codebook(data: Dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Variables (labels in both languages) and value labels (both languages)."""
    fixed = [
        ("code", "string", i18n.translate("export.code", "fr"), i18n.translate("export.code", "en"), ""),
        *[(k, "string", fr, en or fr, "") for k, fr, en in data.questions if k in data.respondents.columns],
        ("weight", "numeric", i18n.translate("export.weight", "fr"), i18n.translate("export.weight", "en"), ""),
    ]
    names_fr, names_en = _names(data, "fr"), _names(data, "en")
    rows = data.indicators.set_index("id")
    indicators = [
        (variable(i), "level 1-5, 9", names_fr[i], names_en[i], rows.loc[i, "family"] or "")
        for i in _indicator_ids(data)
    ]
    variables = pd.DataFrame([*fixed, *indicators], columns=["variable", "type", "label_fr", "label_en", "family"])
    values = [
        {
            "variable": variable(i),
            "value": code,
            "label_fr": level_label(code, "fr"),
            "label_en": level_label(code, "en"),
            "situation": rows.loc[i, f"level{code}"] if code in LEVELS else "",
        }
        for i in _indicator_ids(data)
        for code in (*LEVELS, DONT_KNOW_CODE)
    ]
    return variables, pd.DataFrame(values, columns=["variable", "value", "label_fr", "label_en", "situation"])


def to_csv(frame: pd.DataFrame, *, separator: str = ",") -> bytes:
    """UTF-8 with a BOM so that Excel opens accents right; blank cells for missing values.

    ";" is the spreadsheet form of French Excel, which then reads decimal commas only ("0,95", not "0.95" as
    text); "," keeps decimal points, the machine format that R, SPSS or Python read.
    """
    decimal = formats.csv_decimal(separator)
    safe = cells.safe_frame(frame)  # a name typed "=…" stays text in Excel
    return safe.to_csv(index=False, sep=separator, decimal=decimal, lineterminator="\n").encode("utf-8-sig")


def _rows(frame: pd.DataFrame) -> list[list]:
    """Plain Python cells, None for blanks (what spreadsheet writers take fastest)."""
    cells = frame.astype(object).where(frame.notna(), None)
    return cells.to_numpy().tolist()


def to_xlsx(data: Dataset, *, labels: bool = False, lang: str = "fr") -> bytes:
    """Wide data on the first sheet, then the codebook and the value labels."""
    variables, values = codebook(data)
    sheets = {"data": wide_frame(data, labels=labels, lang=lang), "codebook": variables, "values": values}
    if importlib.util.find_spec("xlsxwriter") is None:  # slower, but openpyxl is always there
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            for name, frame in sheets.items():  # openpyxl writes "=…" text as a formula: quoted first
                cells.safe_frame(frame).to_excel(writer, sheet_name=name, index=False)
        return buffer.getvalue()
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": False, "strings_to_urls": False,
                                            "strings_to_formulas": False, "strings_to_numbers": False})  # fmt: skip
    bold = workbook.add_format({"bold": True})
    for name, frame in sheets.items():
        sheet = workbook.add_worksheet(name)
        sheet.write_row(0, 0, [str(c) for c in frame.columns], bold)
        for number, row in enumerate(_rows(frame), start=1):
            sheet.write_row(number, 0, row)
        sheet.freeze_panes(1, 1 if name == "data" else 0)
    workbook.close()
    return buffer.getvalue()


@dataclass
class _Statistical:
    """The wide table as SPSS and Stata take it: numbers with value labels (profile answers coded 1…n)."""

    frame: pd.DataFrame
    column_labels: dict[str, str | None]
    value_labels: dict[str, dict[int, str]]
    indicators: list[str]
    coded: list[str]


def _statistical(data: Dataset, lang: str) -> _Statistical:
    frame = wide_frame(data, labels=False, lang=lang)
    indicator_columns = [variable(i) for i in _indicator_ids(data)]
    frame[indicator_columns] = frame[indicator_columns].astype("float64")
    value_labels_of: dict[str, dict[int, str]] = {c: value_labels(lang) for c in indicator_columns}
    coded = [k for k, _, _ in data.questions if k in frame.columns]
    for column in coded:  # a labelled number, so that SPSS, Stata and R's haven see a nominal factor
        answers = sorted(v for v in frame[column].astype(str).unique() if v)
        codes = {answer: number for number, answer in enumerate(answers, start=1)}
        frame[column] = frame[column].astype(str).map(codes).astype("float64")
        value_labels_of[column] = {number: answer for answer, number in codes.items()}
    for column in frame.columns.difference([*indicator_columns, *coded, "weight", "wave_id"]):
        frame[column] = frame[column].astype(str)
    variables, _ = codebook(data)
    labels_by_name = dict(zip(variables["variable"], variables[f"label_{lang}"].str.slice(0, 250), strict=True))
    labels_by_name |= {"wave_id": i18n.translate("export.wave_id", lang), "wave": i18n.translate("export.wave", lang)}
    column_labels = {c: labels_by_name.get(c) for c in frame.columns}
    return _Statistical(frame, column_labels, value_labels_of, indicator_columns, coded)


def _note(data: Dataset, lang: str) -> str:
    """The file's own record of what it holds: the wave, the filter (or every respondent), the day it was made."""
    filters = data.filters or i18n.translate("export.no_filter", lang)
    made = pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d %H:%M UTC")
    return i18n.translate("export.note", lang, wave=data.wave_name(lang), filters=filters, made=made)


def _written(suffix: str, write) -> bytes:  # noqa: ANN001 - pyreadstat's writer for a path
    handle, path = tempfile.mkstemp(suffix=suffix)
    os.close(handle)
    try:
        write(path)
        with open(path, "rb") as handle_file:
            return handle_file.read()
    finally:
        os.remove(path)


def to_sav(data: Dataset, *, lang: str = "fr") -> bytes:
    """SPSS: variable and value labels in the chosen language; indicators as whole numbers (F1), ordinal, 9
    declared missing ("don't know"); profile answers as labelled nominal numbers; the wave and filter in a note.

    SPSS's case weight cannot be set through pyreadstat: the `weight` variable is labelled, WEIGHT BY weight."""
    import pyreadstat

    table = _statistical(data, lang)
    whole = {c: "F1.0" for c in table.indicators} | {c: "F3.0" for c in table.coded} | {"wave_id": "F8.0"}
    measure = {c: "ordinal" for c in table.indicators} | {c: "nominal" for c in table.coded} | {"weight": "scale"}
    return _written(
        ".sav",
        lambda path: pyreadstat.write_sav(
            table.frame,
            path,
            file_label=data.wave_name(lang)[:64],
            column_labels=table.column_labels,
            variable_value_labels=table.value_labels,
            missing_ranges={c: [DONT_KNOW_CODE] for c in table.indicators},
            variable_measure=measure,
            variable_format=whole,
            note=textwrap.wrap(_note(data, lang), 60),  # SPSS keeps notes as lines of 80 bytes (accents: 2)
        ),
    )


def to_dta(data: Dataset, *, lang: str = "fr") -> bytes:
    """Stata (version 15): the same labelled numbers as the .sav (9 = don't know is a labelled value)."""
    import pyreadstat

    table = _statistical(data, lang)
    return _written(
        ".dta",
        lambda path: pyreadstat.write_dta(
            table.frame,
            path,
            file_label=f"{data.wave_name(lang)} · {data.filters}"[:80] if data.filters else data.wave_name(lang)[:80],
            column_labels={c: (label or "")[:80] for c, label in table.column_labels.items()},
            variable_value_labels=table.value_labels,
        ),
    )
