"""Imports of answers from CSV and XLSX files (ours, LimeSurvey, KoboToolbox, Google Forms, Excel): pure parts.

read_table() turns bytes into a frame of strings (or a clear refusal); guess_mapping() proposes which column is
what, from the headings these tools write; value_table() lists each choice column's distinct values with what
they are read as, for a person to recode; validate() checks every cell and returns the responses and a report
of problems with row numbers. Nothing is written here: the service writes only when the report is empty.
"""

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlmodel import Session

from surveys import service
from surveys.exports import DK_SUFFIX, DONT_KNOW_CODE, LEVELS, variable
from surveys.service import ResponseIn
from workshop import i18n, settings, uploads
from workshop.errors import SpiraleError
from workshop.uploads import Problem

MAX_BYTES = 10 * 1024 * 1024
CODE, WEIGHT, SUBMITTED, IGNORE = "code", "weight", "submitted", ""
DONT_KNOW, EMPTY = "dk", "-"  # recoding meanings beside the levels "1".."5" and a profile question's choices
CODE_NAMES = ("code", "respondent", "repondant", "respondentid", "identifiant", "idrepondant")
CODE_FALLBACKS = ("id", "responseid", "uuid", "instanceid", "submissionid")
WEIGHT_NAMES = ("weight", "poids", "ponderation", "pondération")
# LimeSurvey's completion date ("submitdate", "Date submitted", "Date de soumission"): empty = not finished.
SUBMITTED_NAMES = ("submitdate", "datesubmitted", "datedesoumission", "datedenvoi", "dateenvoi")
# Headings a person writes for the built-in questions ("Profil", "Âge"), beside their keys and labels.
QUESTION_ALIASES = {
    "profile": ("profil", "profile", "groupe", "group", "groupecible", "publiccible", "categorie"),
    "place": ("quartier", "lieu", "place", "neighbourhood", "neighborhood", "secteur", "commune", "residence"),
    "age_band": ("age", "tranchedage", "trancheage", "classedage", "agegroup", "ageband", "agerange"),
}
# `indicateur_3` (a Kobo name), `[SQ003]` (a LimeSurvey subquestion): the 3rd indicator of the questionnaire.
_POSITIONAL = re.compile(r"(?:indicateur|indicator|sq)0*([1-9]\d*)")
_LIME_CODE_TEXT = re.compile(r"^([A-Za-z][A-Za-z0-9_]*(?:\[[^\]]*\])?)\.\s+(.+)$", re.S)
_POSSESSIVE = re.compile(r"^(?:votre|vos|ton|ta|tes|your)\s+", re.I)  # "Votre âge" -> "âge"
_BRACKET = re.compile(r"\[([^\]]+)\]\s*$")
_LIME_ANSWER = re.compile(r"A0*([1-5])")  # LimeSurvey's default answer codes, in the scale's order
_LEVEL_NUMBER = re.compile(r"([1-5])(?:[.,]0+)?")  # "3", "3.0", "3,0" but not "30" nor "3.5"
_LABEL_PREFIX = re.compile(r"^\s*[1-5]\s*[·.:)-]\s*")  # "1 · Situation très insatisfaisante"
DONT_KNOW_WORDS = (
    str(DONT_KNOW_CODE), "99", "dk", "nsp", "ne sait pas", "je ne sais pas", "dont know", "don't know",
    "do not know", "i don't know", "na", "n/a", "sans avis", "no opinion",
)  # fmt: skip
MAX_PROBLEMS = 500
# What to do with rows already in the wave (the same code; the same answers when the file has no code column).
SKIP, UPDATE, REFUSE, ADD = "skip", "update", "refuse", "add"
MERGES = (SKIP, UPDATE, REFUSE, ADD)
FIRST_ROW = uploads.FIRST_DATA_ROW  # problems at a spreadsheet's rows: 1 = the column names (HEADER), 2 = first answer
HEADER = uploads.HEADER_ROW


def normalise(text: object) -> str:
    """Lower case, no accents, letters and digits only: "Jeunes 16-25 ans" and "jeunes_16_25_ans" meet."""
    decomposed = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", decomposed.lower())


def _header(text: str) -> str:
    """KoboToolbox prefixes a group ("group_x/question")."""
    return str(text).strip().rsplit("/", 1)[-1].strip()


def header_names(text: str) -> list[str]:
    """What a column heading may name, the most telling first.

    Ours and Excel's: the heading itself. KoboToolbox: "group_ab12/indicateur_1" -> "indicateur_1".
    LimeSurvey's "code & question text": "G01Q01[SQ001]. Votre situation ? [Avoir un travail]" -> the text,
    the subquestion's text in brackets, then the code. Google Forms' grids: "Votre situation [Avoir un travail]".
    """
    whole = str(text).strip()
    names = [whole, _header(whole), _POSSESSIVE.sub("", _header(whole))]
    text_part, code = whole, ""
    if match := _LIME_CODE_TEXT.match(whole):
        code, text_part = match.group(1), match.group(2).strip()
        names += [text_part, _POSSESSIVE.sub("", text_part)]
    if match := _BRACKET.search(text_part):
        names.append(match.group(1).strip())
    if code:
        names.append(code)
    return list(dict.fromkeys(n for n in names if n))


def _positional(name: str, order: Sequence[int]) -> int | None:
    """`indicateur_3`, `G01Q01[SQ003]` -> the questionnaire's 3rd indicator (None when there is none)."""
    key = normalise(name.rsplit("[", 1)[-1]) if "[" in name else normalise(name)
    match = _POSITIONAL.fullmatch(key)
    return order[int(match.group(1)) - 1] if match and int(match.group(1)) <= len(order) else None


# --- reading ------------------------------------------------------------------------------------


def read_table(data: bytes, filename: str) -> pd.DataFrame:
    """The file as a frame of strings; refused by size before any parsing."""
    frame = uploads.read_table(  # its index keeps each row's place (blank rows)
        data, filename, max_bytes=MAX_BYTES, max_rows=settings.import_max_rows()
    )
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
        return [
            IGNORE, CODE, WEIGHT, SUBMITTED, *[f"q:{q[0]}" for q in self.questions],
            *[f"i:{i}" for i in self.indicators],
        ]  # fmt: skip


def guess_mapping(columns: Sequence[str], target: Target, titles: Mapping[str, str] | None = None) -> dict[str, str]:
    """Propose a target per column from its heading (our variables, names or labels in either language, the
    headings of LimeSurvey, KoboToolbox and Google Forms), or from its title in the tool's label file."""
    known = _known_names(target)
    order = list(target.indicators)
    mapping = {}
    for column in columns:
        names = [*header_names(column), *header_names((titles or {}).get(column, ""))]
        found = next((known[normalise(n)] for n in names if normalise(n) in known), None)
        if found is None:
            iid = next((i for n in names if (i := _positional(n, order)) is not None), None)
            found = f"i:{iid}" if iid is not None else IGNORE
        mapping[column] = found
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


def _known_names(target: Target) -> dict[str, str]:
    """Normalised name -> mapping value, for every name a heading may give a target."""
    known: dict[str, str] = {}
    for key, label_fr, label_en, _ in target.questions:
        for name in (key, label_fr, label_en, *QUESTION_ALIASES.get(key, ())):
            known.setdefault(normalise(name), f"q:{key}")
    for iid, info in target.indicators.items():
        for name in (variable(iid), info.get("name_fr", ""), info.get("name_en", "")):
            if normalise(name):
                known.setdefault(normalise(name), f"i:{iid}")
    for name in (*CODE_NAMES, i18n.translate("export.code", "fr"), i18n.translate("export.code", "en")):
        known.setdefault(normalise(name), CODE)
    for name in (*WEIGHT_NAMES, i18n.translate("export.weight", "fr"), i18n.translate("export.weight", "en")):
        known.setdefault(normalise(name), WEIGHT)
    for name in SUBMITTED_NAMES:
        known.setdefault(name, SUBMITTED)
    known.pop("", None)
    return known


# --- validation ---------------------------------------------------------------------------------


@dataclass
class Checked:
    responses: list[ResponseIn]
    problems: list[Problem]
    ignored: list[str]
    total_problems: int = 0
    incomplete: int = 0  # rows left out because the tool says they were not finished (complete_only)
    blank: int = 0  # rows left out because no indicator is answered: not respondents
    known: int = 0  # rows already in the wave: the same code, or the same answers when the file has no code
    known_left_out: int = 0
    updates: list[ResponseIn] = field(default_factory=list)  # known codes whose stored answers the file replaces
    indicator_ids: frozenset[int] = frozenset()  # what the file carries, all an update may change
    fields: frozenset[str] = frozenset()  # profile question keys, and "weight" when the file has a weight column
    has_codes: bool = False

    @property
    def valid(self) -> bool:
        return not self.problems and bool(self.responses or self.updates)


INDICATORS = "i"  # value_table's and recode's group of every indicator column (one scale for all)


def _level_lookup(info: Mapping[str, str]) -> dict[str, int | None]:
    lookup: dict[str, int | None] = {normalise(w): None for w in DONT_KNOW_WORDS}
    for lang in ("fr", "en"):
        lookup[normalise(i18n.translate("export.dont_know", lang))] = None
        lookup[normalise(i18n.translate("step3.dont_know", lang))] = None
    for level in LEVELS:
        for lang in ("fr", "en"):  # "1 · Situation très insatisfaisante", and without "1 · " (a Google Forms grid)
            label = i18n.translate(f"level.{level}", lang)
            lookup[normalise(label)] = lookup[normalise(_LABEL_PREFIX.sub("", label))] = level
        if normalise(info.get(f"level{level}", "")):
            lookup[normalise(info[f"level{level}"])] = level
    return lookup


def _level(value: str, lookup: Mapping[str, int | None]) -> int | str | None:
    """A cell -> level, None (don't know), or "bad". Exact: "10" is not 1, "-oth-" is not "don't know"."""
    if match := _LEVEL_NUMBER.fullmatch(value) or _LIME_ANSWER.fullmatch(value):
        return int(match.group(1))
    return lookup.get(normalise(value), "bad") if normalise(value) else "bad"


def _meaning(level: int | str | None) -> str:
    return "" if level == "bad" else DONT_KNOW if level is None else str(level)


def _from_meaning(meaning: str) -> int | str | None:
    """A person's recoding -> level, None (don't know), EMPTY (not answered) or "bad" (not chosen)."""
    if meaning == DONT_KNOW:
        return None
    if meaning == EMPTY:
        return EMPTY
    return int(meaning) if meaning in {str(level) for level in LEVELS} else "bad"


def _question_columns(mapping: Mapping[str, str], target: Target, columns: Sequence[str]) -> dict[str, tuple]:
    questions = {f"q:{q[0]}": q for q in target.questions}
    return {c: questions[m] for c, m in mapping.items() if m in questions and c in columns}


def value_table(frame: pd.DataFrame, mapping: Mapping[str, str], target: Target) -> dict[str, pd.DataFrame]:
    """The distinct values of the choice columns, with their counts and what they are read as.

    One table for all indicator columns (INDICATORS: one scale), one per profile question with choices.
    `meaning`: "1".."5", DONT_KNOW, a choice of the question, or "" when it is not recognised.
    """
    tables = {}
    indicator_columns = [c for c, m in mapping.items() if m.startswith("i:") and c in frame.columns]
    if indicator_columns:
        lookup = _level_lookup({})
        for column in indicator_columns:
            lookup.update(_level_lookup(target.indicators.get(int(mapping[column][2:]), {})))
        counts = pd.Series(frame[indicator_columns].to_numpy().ravel()).str.strip().value_counts()
        counts = counts[counts.index != ""]
        tables[INDICATORS] = pd.DataFrame(
            {
                "value": counts.index,
                "count": counts.to_numpy(),
                "meaning": [_meaning(_level(v, lookup)) for v in counts.index],
            }
        )
    for column, (key, *_rest, choices) in _question_columns(mapping, target, frame.columns).items():
        if not choices:
            continue
        by_name = {normalise(x): x for x in choices}
        counts = frame[column].str.strip().value_counts()
        counts = counts[counts.index != ""]
        meanings = [by_name.get(normalise(v), "") for v in counts.index]
        tables[f"q:{key}"] = pd.DataFrame({"value": counts.index, "count": counts.to_numpy(), "meaning": meanings})
    return tables


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


Signature = tuple


def signature(response: ResponseIn) -> Signature:
    """What makes two rows the same answers: profile, place, age band and every level (a re-imported file)."""
    levels = ",".join(f"{i}:{'dk' if lvl is None else lvl}" for i, lvl in sorted(response.levels.items()))
    return (response.profile, response.place, response.age_band, levels)


def validate(
    frame: pd.DataFrame,
    mapping: Mapping[str, str],
    target: Target,
    *,
    existing_codes: set[str] = frozenset(),
    existing_signatures: Mapping[Signature, int] | None = None,
    first_row: int = FIRST_ROW,
    recode: Mapping[str, Mapping[str, str]] | None = None,
    complete_only: bool = False,
    merge: str = ADD,
    source: str = "file",
) -> Checked:
    """Every cell checked; the responses are usable only when there is no problem.

    Problems name the spreadsheet row: the frame's index (read_table's, blank rows counted) + `first_row`.
    `recode` is the person's reading of values ({INDICATORS or "q:<key>": {value: meaning}}), applied first.
    Left out, and counted: rows with no indicator answered (not respondents); with `complete_only`, rows whose
    SUBMITTED column is empty. Rows already in the wave (same code; same answers when the file has no code
    column), by the person's `merge`: SKIP leaves them out; UPDATE makes a known code's row an update of its
    respondent (`updates`; known answers without a code are left out, being the same); REFUSE makes each a
    problem; ADD (the default) adds known answers again and refuses a known code (codes are unique).
    """
    if merge not in MERGES:
        raise SpiraleError("error.import_merge", choice=str(merge)[:20])
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
    recode = recode or {}
    level_recode = {v: _from_meaning(m) for v, m in recode.get(INDICATORS, {}).items() if m}
    lookups = {c: _level_lookup(target.indicators[iid]) for c, iid in indicator_columns.items()}
    readings: dict[str, dict[str, int | str | None]] = {c: {"": EMPTY} for c in indicator_columns}
    question_columns = _question_columns(chosen, target, frame.columns)
    choice_maps = {
        c: {**{normalise(x): x for x in q[3]}, **{normalise(v): m for v, m in recode.get(f"q:{q[0]}", {}).items() if m}}
        for c, q in question_columns.items()
    }
    dk_flags = {c: f"{c}{DK_SUFFIX}" for c in indicator_columns if f"{c}{DK_SUFFIX}" in frame.columns}
    code_column = next((c for c, m in chosen.items() if m == CODE), None)
    weight_column = next((c for c, m in chosen.items() if m == WEIGHT), None)
    submitted_column = next((c for c, m in chosen.items() if m == SUBMITTED), None)
    known = dict(existing_signatures or {})
    seen: dict[str, int] = {}
    responses: list[ResponseIn] = []
    updates: list[ResponseIn] = []
    checked = Checked([], problems, ignored)
    for row, record in zip(uploads.rows(frame, first_row), frame.to_dict("records"), strict=True):
        if complete_only and submitted_column and not str(record[submitted_column]).strip():
            checked.incomplete += 1
            continue
        levels: dict[int, int | None] = {}
        bad = False
        for column, iid in indicator_columns.items():
            value = str(record[column]).strip()
            if not value and column in dk_flags and str(record[dk_flags[column]]).strip() in ("1", "True"):
                levels[iid] = None  # our XLSX: "don't know" blank, flagged in ind<id>_dk
                continue
            read = readings[column]  # a file holds a few distinct values: each is read once per column
            if value not in read:
                read[value] = level_recode[value] if value in level_recode else _level(value, lookups[column])
            level = read[value]
            if level == "bad":
                bad = True
                add(Problem(row, "error.import_level", column=column, value=value))
            elif level != EMPTY:  # EMPTY: not answered
                levels[iid] = level
        if not levels and not bad:
            checked.blank += 1  # nothing answered: not a respondent (a LimeSurvey visit that stopped at once)
            continue
        profile: dict[str, str] = {}
        for column, (key, *_rest, choices) in question_columns.items():
            value = str(record[column]).strip()
            if value and choices:
                canonical = choice_maps[column].get(normalise(value))
                if canonical is None:
                    choice = {"choices": " / ".join(choices)}
                    add(Problem(row, "error.import_choice", choice, column=column, value=value))
                value = "" if canonical == EMPTY else canonical or value
            profile[key] = value
        code = str(record[code_column]).strip() if code_column else ""
        weight = _weight(str(record[weight_column])) if weight_column else 1.0
        response = ResponseIn(
            levels=levels,
            code=code,  # blank: the service gives a new pseudonymous code
            profile=profile.get("profile", ""),
            place=profile.get("place", ""),
            age_band=profile.get("age_band", ""),
            weight=weight or 1.0,
            extra={k: v for k, v in profile.items() if k not in ("profile", "place", "age_band") and v},
            source=source,  # a file, or the paper grid typed on the survey page
        )
        updating = False
        if (code_column and code in existing_codes) or (not code_column and known.get(signature(response), 0) > 0):
            checked.known += 1
            if not code_column:
                known[signature(response)] -= 1
            if merge == SKIP or (merge == UPDATE and not code_column):
                checked.known_left_out += 1
                continue
            if merge == REFUSE and not code_column:
                add(Problem(row, "error.import_answers_known"))
            updating = merge == UPDATE
        if code_column and not code:
            add(Problem(row, "error.import_code_empty", column=code_column, value=""))
        elif code in seen:
            add(Problem(row, "error.import_code_twice", {"first": seen[code]}, column=code_column, value=code))
        elif code in existing_codes and not updating:
            add(Problem(row, "error.import_code_exists", column=code_column, value=code))
        elif looks_personal(code):
            add(Problem(row, "error.import_code_personal", column=code_column, value=code))
        if code:
            seen.setdefault(code, row)
        if weight is None:
            add(Problem(row, "error.import_weight", column=weight_column, value=str(record[weight_column])))
        if len(code) > 64:
            add(Problem(row, "error.import_code_long", column=code_column, value=code[:64]))
        (updates if updating else responses).append(response)
    checked.responses = responses if not problems else []
    checked.updates = updates if not problems else []
    checked.indicator_ids = frozenset(indicator_columns.values())
    checked.fields = frozenset([q[0] for q in question_columns.values()] + ([WEIGHT] if weight_column else []))
    checked.has_codes = code_column is not None
    checked.total_problems = len(problems)
    checked.problems = problems[:MAX_PROBLEMS]
    return checked


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


def existing_signatures(*, session: Session, project_id: int, wave_id: int) -> Counter:
    """How many of the wave's respondents gave each set of answers (see `signature`), in whole columns:
    47,500 respondents in about a second, where a loop per respondent took 25 s."""
    answers = service.answers_frame(session=session, project_id=project_id, wave_id=wave_id)
    if answers.empty:
        return Counter()
    answers = answers.sort_values(["respondent", "indicator_id"])
    level = np.where(answers["level"].isna(), "dk", answers["level"].fillna(0).astype("int64").astype(str))
    answers = answers.assign(pair=answers["indicator_id"].astype(str) + ":" + level)
    people = answers.groupby("respondent", sort=False).agg(
        profile=("profile", "first"),
        place=("place", "first"),
        age_band=("age_band", "first"),
        levels=("pair", ",".join),
    )
    return Counter(zip(people["profile"], people["place"], people["age_band"], people["levels"], strict=True))


def check(
    *,
    session: Session,
    project_id: int,
    wave_id: int,
    frame: pd.DataFrame,
    mapping: Mapping[str, str],
    first_row: int = FIRST_ROW,
    **options: object,
) -> Checked:
    """validate() against the wave: its codes, and its answers when the file has no code column.

    `options`: validate's recode, complete_only, merge, source.
    """
    existing = service.existing_codes(session=session, project_id=project_id, wave_id=wave_id)
    signatures = None
    if CODE not in mapping.values() and existing:
        signatures = existing_signatures(session=session, project_id=project_id, wave_id=wave_id)
    found = target(session=session, project_id=project_id)
    return validate(
        frame, mapping, found, existing_codes=existing, existing_signatures=signatures, first_row=first_row, **options
    )


def import_frame(
    *,
    session: Session,
    project_id: int,
    wave_id: int,
    frame: pd.DataFrame,
    mapping: Mapping[str, str],
    first_row: int = FIRST_ROW,
    **options: object,
) -> int:
    """Write the file's responses (new respondents, and updates of known ones when `merge` is UPDATE), all or
    nothing; refuse when the validation report is not empty. Returns how many respondents were written."""
    checked = check(
        session=session,
        project_id=project_id,
        wave_id=wave_id,
        frame=frame,
        mapping=mapping,
        first_row=first_row,
        **options,
    )
    if not checked.valid:
        raise SpiraleError("error.import_invalid", count=checked.total_problems)
    # One transaction (the caller's): the new respondents and the updated ones, or nothing.
    added = service.add_responses(session=session, project_id=project_id, wave_id=wave_id, responses=checked.responses)
    updated = service.update_responses(
        session=session,
        project_id=project_id,
        wave_id=wave_id,
        responses=checked.updates,
        indicator_ids=checked.indicator_ids,
        fields=checked.fields,
    )
    return len(added) + updated
