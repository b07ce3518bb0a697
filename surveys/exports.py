"""Exports for analysts: long CSV, wide CSV / XLSX with a codebook, SPSS .sav with labels (frames in, bytes out).

Codes: levels 1-5, 9 = "don't know" (declared missing in SPSS), blank = not answered. In XLSX 9 is left blank
(an Excel AVERAGE would count it) and `ind<id>_dk` says 1 for "don't know".
Variables: the wave (`wave_id`, `wave`), `code` (respondent), the profile questions, `weight`, when and how the
response came (`submitted_at`, `source`), then one `ind<id>` per indicator; the import recognises these names,
so an export read back gives the same answers. Several waves export stacked: each row keeps its own wave.
"""

import importlib.util
import io
import os
import struct
import tempfile
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from workshop import cells, formats, i18n

DONT_KNOW_CODE = 9
LEVELS = (1, 2, 3, 4, 5)
LANGS = ("fr", "en")
DK_SUFFIX = "_dk"  # XLSX: ind<id>_dk = 1 where the answer is "don't know" (ind<id> left blank)
WAVE_COLUMNS = ("wave_id", "wave", "wave_en")  # a stacked dataset's respondents carry their own wave
SOURCES = ("phone", "typed", "file", "demo")  # how a response came in (blank: before it was recorded)


@dataclass(frozen=True)
class WaveInfo:
    """What the codebook says of a wave: name, kind, dates, how many respondents and how they are weighted."""

    id: int
    name: str
    name_en: str = ""
    kind: str = ""
    opened_on: date | None = None
    closed_on: date | None = None


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
    waves: list[WaveInfo] = field(default_factory=list)  # one, or the stacked ones
    grid: dict[str, tuple[str, str]] = field(default_factory=dict)  # family/component code -> French, English name

    def wave_name(self, lang: str) -> str:
        return self.wave_en if lang == "en" and self.wave_en else self.wave


def stack(datasets: Sequence[Dataset]) -> Dataset:
    """Several waves as one dataset (long and wide, every format): each respondent keeps its wave's id and names;
    the indicators and questions are those of any of the waves."""
    if len(datasets) == 1:
        return datasets[0]
    people = pd.concat(
        [d.respondents.assign(wave_id=d.wave_id, wave=d.wave, wave_en=d.wave_en) for d in datasets], ignore_index=True
    )
    questions = list({q[0]: q for d in datasets for q in d.questions}.values())
    for key, _, _ in questions:
        if key not in people.columns:
            people[key] = ""
    people[[q[0] for q in questions]] = people[[q[0] for q in questions]].fillna("")
    first = datasets[0]
    return Dataset(
        wave=" + ".join(d.wave for d in datasets),
        respondents=people,
        answers=pd.concat([d.answers for d in datasets], ignore_index=True),
        indicators=pd.concat([d.indicators for d in datasets]).drop_duplicates("id").reset_index(drop=True),
        questions=questions,
        wave_en=" + ".join(d.wave_name("en") for d in datasets),
        filters=first.filters,
        waves=[w for d in datasets for w in d.waves],
        grid={k: v for d in datasets for k, v in d.grid.items()},
    )


def _waves_of(data: Dataset, people: pd.DataFrame, lang: str) -> tuple[pd.Series | int, pd.Series | str]:
    """Each respondent's wave id and name: its own when stacked, the dataset's otherwise."""
    if "wave_id" in people.columns:
        names = people["wave_en"].where((people["wave_en"] != "") & (lang == "en"), people["wave"])
        return people["wave_id"].astype("int64"), names
    return data.wave_id, data.wave_name(lang)


def grid_name(data: Dataset, code: str, lang: str) -> str:
    """A family's or component's name in the language (French when it has no English one)."""
    fr, en = data.grid.get(code or "", ("", ""))
    return (en or fr) if lang == "en" else fr


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


TRACE = ("submitted_at", "source")  # when and how each response came in, when the dataset knows


def _people(data: Dataset) -> tuple[pd.DataFrame, list[str], list[str]]:
    """The respondents' columns an export shows, with the profile questions and the trace it has."""
    profile = [k for k, _, _ in data.questions if k in data.respondents.columns]
    trace = [c for c in TRACE if c in data.respondents.columns]
    waves = [c for c in WAVE_COLUMNS if c in data.respondents.columns]
    people = data.respondents[["respondent", *waves, "code", *profile, "weight", *trace]].copy()
    people[profile] = people[profile].fillna("")
    if "submitted_at" in trace:  # ISO 8601 in UTC, the form R, SPSS and pandas read as a time
        people["submitted_at"] = pd.to_datetime(people["submitted_at"], utc=True).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return people, profile, trace


def long_frame(data: Dataset, *, labels: bool = False, lang: str = "fr") -> pd.DataFrame:
    """Tidy: one row per answer with the respondent's wave, profile, weight, and the indicator's family and
    component (codes and names)."""
    people, profile, trace = _people(data)
    rows = data.indicators.set_index("id")
    names = _names(data, lang)
    families, components = rows["family"].fillna("").to_dict(), rows.get("component", pd.Series(dtype=str)).to_dict()
    answers = data.answers[data.answers["indicator_id"].isin(_indicator_ids(data))]
    table = answers.merge(people, on="respondent", how="inner")
    level = _coded(table["level"])
    wave_id, wave = _waves_of(data, table, lang)
    family = table["indicator_id"].map(families).fillna("")
    component = table["indicator_id"].map(components).fillna("")
    result = pd.DataFrame(
        {
            "wave_id": wave_id,
            "wave": wave,
            "code": table["code"],
            **{k: table[k] for k in profile},
            "weight": table["weight"],
            **{c: table[c].fillna("") for c in trace},
            "variable": table["indicator_id"].map(variable),
            "indicator": table["indicator_id"].map(names),
            "family": family,
            "family_name": family.map(lambda code: grid_name(data, code, lang)),
            "component": component,
            "component_name": component.map(lambda code: grid_name(data, code, lang)),
            "level": level.map(value_labels(lang)) if labels else level,
            "dont_know": (level == DONT_KNOW_CODE).astype(int),
        }
    )
    if data.filters:  # a filtered file says so in itself, not only in its name
        result["filter"] = data.filters
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
    people, _profile, _trace = _people(data)
    wave_id, wave = _waves_of(data, people, lang)
    people = people.drop(columns=[c for c in WAVE_COLUMNS if c in people.columns]).set_index("respondent")
    people.insert(0, "wave", wave if isinstance(wave, str) else wave.to_numpy())
    people.insert(0, "wave_id", wave_id if isinstance(wave_id, int) else wave_id.to_numpy())
    if data.filters:
        people["filter"] = data.filters
    return people.join(grid, how="left").reset_index(drop=True)


def _label(key: str) -> tuple[str, str]:
    return i18n.translate(key, "fr"), i18n.translate(key, "en")


def codebook(data: Dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Variables (labels in both languages, the indicators' family and component, codes and names, and their
    missing values) and value labels (both languages, with each level's situation)."""
    people = data.respondents.columns
    fixed = [
        ("wave_id", "numeric", *_label("export.wave_id")),
        ("wave", "string", *_label("export.wave")),
        ("code", "string", *_label("export.code")),
        *[(k, "string", fr, en or fr) for k, fr, en in data.questions if k in people],
        ("weight", "numeric", *_label("export.weight")),
        *[(c, "string", *_label(f"export.{c}")) for c in TRACE if c in people],
    ]
    blank = {"family": "", "family_name_fr": "", "family_name_en": "", "component": "", "component_name_fr": "",
             "component_name_en": "", "missing": ""}  # fmt: skip
    variables = [dict(zip(("variable", "type", "label_fr", "label_en"), row, strict=True)) | blank for row in fixed]
    names_fr, names_en = _names(data, "fr"), _names(data, "en")
    rows = data.indicators.set_index("id")
    missing = i18n.translate("export.missing_codes", "fr") + " / " + i18n.translate("export.missing_codes", "en")
    for i in _indicator_ids(data):
        family, component = rows.loc[i, "family"] or "", (rows.loc[i, "component"] if "component" in rows else "") or ""
        variables.append({
            "variable": variable(i), "type": "level 1-5, 9", "label_fr": names_fr[i], "label_en": names_en[i],
            "family": family, "family_name_fr": grid_name(data, family, "fr"),
            "family_name_en": grid_name(data, family, "en"), "component": component,
            "component_name_fr": grid_name(data, component, "fr"),
            "component_name_en": grid_name(data, component, "en"), "missing": missing,
        })  # fmt: skip
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
    return pd.DataFrame(variables), pd.DataFrame(
        values, columns=["variable", "value", "label_fr", "label_en", "situation"]
    )


def choices(data: Dataset) -> pd.DataFrame:
    """The profile questions' answers as the .sav and .dta code them (1…n), and how responses came in."""
    table = _statistical_codes(data)
    rows = [
        {"variable": column, "value": number, "label": answer}
        for column, codes in table.items()
        for answer, number in codes.items()
    ]
    return pd.DataFrame(rows, columns=["variable", "value", "label"])


def wave_sheet(data: Dataset, lang: str) -> pd.DataFrame:
    """One row per wave: what it is, when, how many respondents, how they are weighted; the filter, the export's
    time and the missing-value codes (the codebook's first sheet)."""
    made = pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d %H:%M UTC")
    rows = []
    for wave in data.waves or [WaveInfo(data.wave_id, data.wave, data.wave_en)]:
        people = data.respondents
        if "wave_id" in people.columns:
            people = people[people["wave_id"] == wave.id]
        weights = people["weight"]
        weighting = (
            i18n.translate("export.unweighted", lang)
            if weights.eq(1).all()
            else i18n.translate("export.weighted", lang, low=f"{weights.min():g}", high=f"{weights.max():g}",
                                total=f"{weights.sum():g}")
        )  # fmt: skip
        rows.append({
            "wave_id": wave.id, "wave": wave.name_en if lang == "en" and wave.name_en else wave.name,
            "kind": i18n.translate(f"wave.kind.{wave.kind}", lang) if wave.kind else "",
            "opened_on": wave.opened_on.isoformat() if wave.opened_on else "",
            "closed_on": wave.closed_on.isoformat() if wave.closed_on else "",
            "respondents": len(people), "weights": weighting,
            "filter": data.filters or i18n.translate("export.no_filter", lang), "exported_at": made,
            "missing": i18n.translate("export.missing_codes", lang),
        })  # fmt: skip
    return pd.DataFrame(rows)


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


def _xlsx_data(data: Dataset, *, labels: bool, lang: str) -> pd.DataFrame:
    """The wide table for Excel: "don't know" left blank (an AVERAGE would count a 9 as a level), and beside the
    indicators one `ind<id>_dk` column each, 1 where the answer is "don't know"."""
    frame = wide_frame(data, labels=labels, lang=lang)
    columns = [variable(i) for i in _indicator_ids(data)]
    dont_know = level_label(DONT_KNOW_CODE, lang) if labels else DONT_KNOW_CODE
    flags = pd.DataFrame({f"{c}{DK_SUFFIX}": frame[c].eq(dont_know).fillna(False).astype(int) for c in columns})
    frame[columns] = frame[columns].mask(frame[columns].eq(dont_know).fillna(False))
    return pd.concat([frame, flags], axis=1)


def to_xlsx(data: Dataset, *, labels: bool = False, lang: str = "fr") -> bytes:
    """Wide data on the first sheet ("don't know" blank, flagged in ind<id>_dk), then the waves (name, kind, dates,
    N, weights, filter, export time, missing codes), the codebook, the value labels and the choice lists."""
    variables, values = codebook(data)
    sheets = {"data": _xlsx_data(data, labels=labels, lang=lang), "wave": wave_sheet(data, lang),
              "codebook": variables, "values": values, "choices": choices(data)}  # fmt: skip
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


def _statistical_codes(data: Dataset) -> dict[str, dict[str, int]]:
    """Each profile question's answers (and the responses' sources) numbered 1…n in alphabetical order."""
    people = data.respondents
    columns = [k for k, _, _ in data.questions if k in people.columns] + [c for c in ("source",) if c in people]
    codes = {}
    for column in columns:
        answers = sorted(v for v in people[column].fillna("").astype(str).unique() if v)
        codes[column] = {answer: number for number, answer in enumerate(answers, start=1)}
    return codes


def _indicator_label(data: Dataset, iid: int, name: str, lang: str) -> str:
    """The indicator's name, then its family and component (codes and names): SPSS and Stata show them."""
    rows = data.indicators.set_index("id")
    parts = [
        f"{code} {grid_name(data, code, lang)}".strip()
        for code in (rows.loc[iid, "family"], rows.loc[iid, "component"] if "component" in rows else "")
        if code
    ]
    return f"{name} [{' / '.join(parts)}]" if parts else name


def _statistical(data: Dataset, lang: str) -> _Statistical:
    frame = wide_frame(data, labels=False, lang=lang)
    ids = _indicator_ids(data)
    indicator_columns = [variable(i) for i in ids]
    frame[indicator_columns] = frame[indicator_columns].astype("float64")
    value_labels_of: dict[str, dict[int, str]] = {c: value_labels(lang) for c in indicator_columns}
    codes = _statistical_codes(data)
    for column, numbers in codes.items():  # a labelled number: SPSS, Stata and R's haven see a nominal factor
        frame[column] = frame[column].fillna("").astype(str).map(numbers).astype("float64")
        shown = {n: i18n.translate(f"export.source.{a}", lang) if column == "source" else a for a, n in numbers.items()}
        value_labels_of[column] = shown
    for column in frame.columns.difference([*indicator_columns, *codes, "weight", "wave_id"]):
        frame[column] = frame[column].astype(str)
    variables, _ = codebook(data)
    labels_by_name = dict(zip(variables["variable"], variables[f"label_{lang}"], strict=True))
    labels_by_name |= {variable(i): _indicator_label(data, i, labels_by_name[variable(i)], lang) for i in ids}
    labels_by_name |= {"filter": i18n.translate("export.filter", lang)}
    column_labels = {c: (labels_by_name.get(c) or "")[:250] or None for c in frame.columns}
    return _Statistical(frame, column_labels, value_labels_of, indicator_columns, list(codes))


def _note(data: Dataset, lang: str) -> str:
    """The file's own record of what it holds: the wave, the filter (or every respondent), the day it was made."""
    filters = data.filters or i18n.translate("export.no_filter", lang)
    made = pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d %H:%M UTC")
    return i18n.translate("export.note", lang, wave=data.wave_name(lang), filters=filters, made=made)


_SAV_HEADER = 176  # the .sav's file header, then the variable records (PSPP's "System File Format")


def declare_weight(content: bytes, name: str = "weight") -> bytes:
    """The .sav with `name` declared as SPSS's case weight (WEIGHT BY, kept in the file's header), which
    pyreadstat cannot set: the header's weight index is the variable's position among the variable records."""
    if content[:4] not in (b"$FL2", b"$FL3") or struct.unpack_from("<i", content, 64)[0] != 2:
        return content  # not a little-endian system file as pyreadstat writes them: left as it is
    offset, index = _SAV_HEADER, 0
    while struct.unpack_from("<i", content, offset)[0] == 2:  # a variable record (a long string's too)
        index += 1
        kind, has_label, missing = struct.unpack_from("<iii", content, offset + 4)
        short_name = content[offset + 24 : offset + 32].decode("ascii", "replace").strip()
        if kind == 0 and short_name.lower() == name.lower():
            patched = bytearray(content)
            struct.pack_into("<i", patched, 76, index)
            return bytes(patched)
        offset += 32
        if has_label:
            length = struct.unpack_from("<i", content, offset)[0]
            offset += 4 + (length + 3) // 4 * 4
        offset += 8 * abs(missing)
    return content


def weight_index(content: bytes) -> int:
    """The .sav header's case-weight index (0: unweighted)."""
    return struct.unpack_from("<i", content, 76)[0]


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

    `weight` is declared as the case weight in the file's header (SPSS opens it weighted)."""
    import pyreadstat

    table = _statistical(data, lang)
    whole = {c: "F1.0" for c in table.indicators} | {c: "F3.0" for c in table.coded} | {"wave_id": "F8.0"}
    measure = {c: "ordinal" for c in table.indicators} | {c: "nominal" for c in table.coded} | {"weight": "scale"}
    return declare_weight(
        _written(
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
