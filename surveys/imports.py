"""Imports of answers from CSV and XLSX files (ours, LimeSurvey-style CSV, KoboToolbox-style XLSX): pure parts.

read_table() turns bytes into a frame of strings (or a clear refusal); guess_mapping() proposes which column is
what; validate() checks every cell and returns the responses and a report of problems with row numbers.
Nothing is written here: the service writes only when the report is empty (all or nothing).
"""

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session

from surveys import service
from surveys.exports import DONT_KNOW_CODE, LEVELS, variable
from surveys.service import ResponseIn
from workshop import i18n, uploads
from workshop.errors import SpiraleError
from workshop.uploads import Problem

MAX_BYTES = 10 * 1024 * 1024
CODE, WEIGHT, IGNORE = "code", "weight", ""
CODE_NAMES = ("code", "respondent", "repondant", "respondentid", "identifiant", "idrepondant")
CODE_FALLBACKS = ("id", "responseid", "uuid", "instanceid", "submissionid")
WEIGHT_NAMES = ("weight", "poids", "ponderation", "pondération")
DONT_KNOW_WORDS = (
    str(DONT_KNOW_CODE), "99", "dk", "nsp", "ne sait pas", "je ne sais pas", "dont know", "don't know",
    "do not know", "i don't know", "na", "n/a", "-oth-", "sans avis", "no opinion",
)  # fmt: skip
MAX_PROBLEMS = 500
FIRST_ROW = uploads.FIRST_DATA_ROW  # problems at a spreadsheet's rows: 1 = the column names (HEADER), 2 = first answer
HEADER = uploads.HEADER_ROW


def normalise(text: object) -> str:
    """Lower case, no accents, letters and digits only: "Jeunes 16-25 ans" and "jeunes_16_25_ans" meet."""
    decomposed = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", decomposed.lower())


def _header(text: str) -> str:
    """KoboToolbox prefixes a group ("group_x/question"); LimeSurvey may add "[SQ001]" or "code. text"."""
    return str(text).strip().rsplit("/", 1)[-1].strip()


# --- reading ------------------------------------------------------------------------------------


def read_table(data: bytes, filename: str) -> pd.DataFrame:
    """The file as a frame of strings; refused by size before any parsing."""
    frame = uploads.read_table(data, filename, max_bytes=MAX_BYTES)  # its index keeps each row's place (blank rows)
    if frame.empty or not len(frame.columns):
        raise SpiraleError("error.survey_file_no_rows")
    return frame


def grid_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The facilitator's typed grid (numbers, None) as the strings a file would hold; blank lines dropped."""
    table = frame.map(uploads.cell_text)
    return table.loc[~(table == "").all(axis=1)].reset_index(drop=True)


def grid_mapping(question_keys: Sequence[str], indicator_ids: Sequence[int]) -> dict[str, str]:
    """The paper grid's columns -> what each holds: the respondent's code, the profile questions, the weight,
    then one column per indicator (`ind<id>`), in the order the grid shows them."""
    return {
        "code": CODE,
        **{key: f"q:{key}" for key in question_keys},
        "weight": WEIGHT,
        **{f"ind{iid}": f"i:{iid}" for iid in indicator_ids},
    }


# --- mapping ------------------------------------------------------------------------------------


@dataclass
class Target:
    """What the file can be mapped to: the project's indicators and profile questions."""

    indicators: Mapping[int, Mapping[str, str]]  # id -> name_fr, name_en, level1..level5
    questions: Sequence[tuple[str, str, str, list[str]]]  # key, label_fr, label_en, choices

    def options(self) -> list[str]:
        """Mapping values: "" ignore, "code", "weight", "q:<key>", "i:<id>"."""
        return [IGNORE, CODE, WEIGHT, *[f"q:{q[0]}" for q in self.questions], *[f"i:{i}" for i in self.indicators]]


def guess_mapping(columns: Sequence[str], target: Target) -> dict[str, str]:
    """Propose a target per column from its name (our variables, names or labels in either language)."""
    known: dict[str, str] = {}
    for key, label_fr, label_en, _ in target.questions:
        for name in (key, label_fr, label_en):
            known.setdefault(normalise(name), f"q:{key}")
    for iid, info in target.indicators.items():
        for name in (variable(iid), info.get("name_fr", ""), info.get("name_en", "")):
            if normalise(name):
                known.setdefault(normalise(name), f"i:{iid}")
    for name in (*CODE_NAMES, i18n.translate("export.code", "fr"), i18n.translate("export.code", "en")):
        known.setdefault(normalise(name), CODE)
    for name in (*WEIGHT_NAMES, i18n.translate("export.weight", "fr"), i18n.translate("export.weight", "en")):
        known.setdefault(normalise(name), WEIGHT)
    mapping = {column: known.get(normalise(_header(column)), IGNORE) for column in columns}
    if CODE not in mapping.values():
        fallback = next((c for c in columns if normalise(_header(c)) in CODE_FALLBACKS), None)
        if fallback:
            mapping[fallback] = CODE
    used: set[str] = set()
    for column in columns:  # one column per target: a second one is left out, for the person to decide
        if mapping[column] in used:
            mapping[column] = IGNORE
        elif mapping[column]:
            used.add(mapping[column])
    return mapping


# --- validation ---------------------------------------------------------------------------------


@dataclass
class Checked:
    responses: list[ResponseIn]
    problems: list[Problem]
    ignored: list[str]
    total_problems: int = 0

    @property
    def valid(self) -> bool:
        return not self.problems and bool(self.responses)


def _level_lookup(info: Mapping[str, str]) -> dict[str, int | None]:
    lookup: dict[str, int | None] = {normalise(w): None for w in DONT_KNOW_WORDS}
    for lang in ("fr", "en"):
        lookup[normalise(i18n.translate("export.dont_know", lang))] = None
        lookup[normalise(i18n.translate("step3.dont_know", lang))] = None
    for level in LEVELS:
        for text in (str(level), f"{level}.0", i18n.translate(f"level.{level}", "fr"),
                     i18n.translate(f"level.{level}", "en"), info.get(f"level{level}", "")):  # fmt: skip
            if normalise(text):
                lookup[normalise(text)] = level
    return lookup


def _level(value: str, lookup: Mapping[str, int | None]) -> int | str | None:
    """A cell -> level, None (don't know), or "bad"."""
    key = normalise(value)
    if key in lookup:
        return lookup[key]
    if match := re.fullmatch(r"[a-z]{1,3}0*([1-5])", key):  # LimeSurvey answer codes A1..A5, L001...
        return int(match.group(1))
    return "bad"


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE = re.compile(r"\+\d{10,15}|0\d{9}")
_NAME_WORD = re.compile(r"[^\W\d_][^\W\d_'’-]+(?:[-'’][^\W\d_]+)*")


def looks_personal(code: str) -> bool:
    """A respondent code that looks like an email, a phone number or a first and last name.

    Respondents stay pseudonymous: such a file column is refused, not stored (see error.import_code_personal).
    """
    text = code.strip()
    if _EMAIL.fullmatch(text) or _PHONE.fullmatch(re.sub(r"[\s.()-]", "", text)):
        return True
    words = text.split()
    return 2 <= len(words) <= 4 and all(_NAME_WORD.fullmatch(w) for w in words)


def _weight(value: str) -> float | None:
    if not value.strip():
        return 1.0
    try:
        weight = float(value.strip().replace(",", "."))
    except ValueError:
        return None
    return weight if math.isfinite(weight) and weight > 0 else None


def validate(
    frame: pd.DataFrame,
    mapping: Mapping[str, str],
    target: Target,
    *,
    existing_codes: set[str] = frozenset(),
    first_row: int = FIRST_ROW,
) -> Checked:
    """Every cell checked; the responses are usable only when there is no problem.

    Problems name the spreadsheet row: the frame's index (read_table's, blank rows counted) + `first_row`.
    """
    problems: list[Problem] = []
    add = problems.append
    chosen = {c: m for c, m in mapping.items() if m and c in frame.columns}
    ignored = [c for c in frame.columns if c not in chosen]
    for column in ignored:
        if re.fullmatch(r"ind\d+", normalise(_header(column))):
            add(Problem(HEADER, "error.import_indicator_unknown", column=column, value=column))
    targets = list(chosen.values())
    for duplicate in sorted({t for t in targets if targets.count(t) > 1}):
        twice = ", ".join(c for c, m in chosen.items() if m == duplicate)
        add(Problem(HEADER, "error.import_twice", column=twice, value=duplicate))
    indicator_columns = {c: int(m[2:]) for c, m in chosen.items() if m.startswith("i:")}
    for column, iid in indicator_columns.items():
        if iid not in target.indicators:
            add(Problem(HEADER, "error.import_indicator_unknown", column=column, value=str(iid)))
    if not indicator_columns:
        add(Problem(HEADER, "error.import_no_indicator"))
    if problems:
        return Checked([], problems, ignored, len(problems))
    lookups = {c: _level_lookup(target.indicators[iid]) for c, iid in indicator_columns.items()}
    questions = {f"q:{q[0]}": q for q in target.questions}
    question_columns = {c: questions[m] for c, m in chosen.items() if m in questions}
    choice_maps = {c: {normalise(x): x for x in q[3]} for c, q in question_columns.items()}
    code_column = next((c for c, m in chosen.items() if m == CODE), None)
    weight_column = next((c for c, m in chosen.items() if m == WEIGHT), None)
    seen: dict[str, int] = {}
    responses = []
    for row, record in zip(uploads.rows(frame, first_row), frame.to_dict("records"), strict=True):
        levels: dict[int, int | None] = {}
        for column, iid in indicator_columns.items():
            value = str(record[column]).strip()
            if not value:
                continue  # not answered
            level = _level(value, lookups[column])
            if level == "bad":
                add(Problem(row, "error.import_level", column=column, value=value))
            else:
                levels[iid] = level
        profile: dict[str, str] = {}
        for column, (key, *_rest, choices) in question_columns.items():
            value = str(record[column]).strip()
            if value and choices:
                canonical = choice_maps[column].get(normalise(value))
                if canonical is None:
                    choice = {"choices": " / ".join(choices)}
                    add(Problem(row, "error.import_choice", choice, column=column, value=value))
                value = canonical or value
            profile[key] = value
        code = str(record[code_column]).strip() if code_column else ""
        if code_column and not code:
            add(Problem(row, "error.import_code_empty", column=code_column, value=""))
        elif code in seen:
            add(Problem(row, "error.import_code_twice", {"first": seen[code]}, column=code_column, value=code))
        elif code in existing_codes:
            add(Problem(row, "error.import_code_exists", column=code_column, value=code))
        elif looks_personal(code):
            add(Problem(row, "error.import_code_personal", column=code_column, value=code))
        if code:
            seen.setdefault(code, row)
        weight = _weight(str(record[weight_column])) if weight_column else 1.0
        if weight is None:
            add(Problem(row, "error.import_weight", column=weight_column, value=str(record[weight_column])))
        if len(code) > 64:
            add(Problem(row, "error.import_code_long", column=code_column, value=code[:64]))
        responses.append(
            ResponseIn(
                levels=levels,
                code=code,  # blank: the service gives a new pseudonymous code
                profile=profile.get("profile", ""),
                place=profile.get("place", ""),
                age_band=profile.get("age_band", ""),
                weight=weight or 1.0,
                extra={k: v for k, v in profile.items() if k not in ("profile", "place", "age_band") and v},
            )
        )
    return Checked(responses if not problems else [], problems[:MAX_PROBLEMS], ignored, len(problems))


# --- with the database --------------------------------------------------------------------------


def target(*, session: Session, project_id: int) -> Target:
    """The project's usable indicators (names, situations) and profile questions."""
    from indicators import service as indicators_service

    frame = indicators_service.indicators_frame(session=session, project_id=project_id)
    usable = service.usable_indicator_ids(session=session, project_id=project_id)
    indicators = {
        int(r["id"]): {k: str(v) for k, v in r.items()} for r in frame.to_dict("records") if r["id"] in usable
    }
    questions = [
        (q.key, q.label_fr, q.label_en, q.options)
        for q in service.profile_questions(session=session, project_id=project_id)
    ]
    return Target(indicators=indicators, questions=questions)


def check(
    *,
    session: Session,
    project_id: int,
    wave_id: int,
    frame: pd.DataFrame,
    mapping: Mapping[str, str],
    first_row: int = FIRST_ROW,
) -> Checked:
    existing = service.existing_codes(session=session, project_id=project_id, wave_id=wave_id)
    found = target(session=session, project_id=project_id)
    return validate(frame, mapping, found, existing_codes=existing, first_row=first_row)


def import_frame(
    *,
    session: Session,
    project_id: int,
    wave_id: int,
    frame: pd.DataFrame,
    mapping: Mapping[str, str],
    first_row: int = FIRST_ROW,
) -> int:
    """Write the file's responses, all or nothing; refuse when the validation report is not empty."""
    checked = check(
        session=session, project_id=project_id, wave_id=wave_id, frame=frame, mapping=mapping, first_row=first_row
    )
    if not checked.valid:
        raise SpiraleError("error.import_invalid", count=checked.total_problems)
    return len(
        service.add_responses(session=session, project_id=project_id, wave_id=wave_id, responses=checked.responses)
    )
