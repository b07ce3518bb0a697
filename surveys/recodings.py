"""Saved recodings (issue 15, point 2): a person's reading of one form's files, kept by name and offered again
for the next file with the same headings (the same LimeSurvey survey, the same Kobo form, another wave).

What is kept: each column's target (an indicator, a profile question, the code, the weight, the completion
date), each value's meaning (a level, "don't know", a choice, empty) and "complete responses only". Reading it
back gives only what still makes sense: a column the new file lacks, an indicator since removed, a value the
new file does not hold are left to the guess.
"""

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from surveys.imports import IGNORE, INDICATORS, Target
from surveys.models import ImportRecoding, check_recoding
from workshop.database import project_row, utcnow
from workshop.errors import SpiraleError
from workshop.text import clean_text

JSON_MAX = 60000  # each JSON field's column length


@dataclass(frozen=True)
class Recoding:
    id: int
    name: str
    headings: str
    columns: list[str]
    mapping: dict[str, str]
    recode: dict[str, dict[str, str]]
    indicators: dict[str, str]
    complete_only: bool
    updated_at: object


def fingerprint(columns: Sequence[str]) -> str:
    """Which files a recoding is for: the same headings, in any order (a tool may move a column)."""
    text = "\n".join(sorted(str(c).strip() for c in columns))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _json(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if len(text) > JSON_MAX:
        raise SpiraleError("error.text_too_long", length=len(text), limit=JSON_MAX)
    return text


def save_recoding(
    *,
    session: Session,
    project_id: int,
    name: str,
    columns: Sequence[str],
    mapping: Mapping[str, str],
    recode: Mapping[str, Mapping[str, str]],
    complete_only: bool,
    target: Target,
) -> Recoding:
    """Keep this reading under its name (saving again under the same name replaces it)."""
    name = clean_text(name, max_length=120, required=False)
    if not name:
        raise SpiraleError("error.recoding_name")
    kept_mapping = {str(c): m for c, m in mapping.items() if m != IGNORE and c in columns}
    kept_recode = {g: {str(v): m for v, m in values.items() if m} for g, values in recode.items()}
    used = {int(m[2:]) for m in kept_mapping.values() if m.startswith("i:")}
    names = {str(i): target.indicators[i].get("name_fr", "") for i in sorted(used) if i in target.indicators}
    query = select(ImportRecoding).where(ImportRecoding.project_id == project_id, ImportRecoding.name == name)
    row = session.exec(query).first() or ImportRecoding(project_id=project_id, name=name)
    row.headings = fingerprint(columns)
    row.columns, row.mapping = _json(list(columns)), _json(kept_mapping)
    row.recode, row.indicators = _json({g: v for g, v in kept_recode.items() if v}), _json(names)
    row.complete_only, row.updated_at = bool(complete_only), utcnow()
    check_recoding(row.model_dump())  # the rule an archive's rows pass too
    session.add(row)
    session.flush()
    return _read(row)


def _read(row: ImportRecoding) -> Recoding:
    return Recoding(
        id=row.id, name=row.name, headings=row.headings, columns=json.loads(row.columns or "[]"),
        mapping=json.loads(row.mapping or "{}"), recode=json.loads(row.recode or "{}"),
        indicators=json.loads(row.indicators or "{}"), complete_only=row.complete_only, updated_at=row.updated_at,
    )  # fmt: skip


def list_recodings(*, session: Session, project_id: int) -> list[Recoding]:
    """The project's saved recodings, the most recently saved first."""
    query = (
        select(ImportRecoding)
        .where(ImportRecoding.project_id == project_id)
        .order_by(col(ImportRecoding.updated_at).desc(), col(ImportRecoding.id).desc())
    )
    return [_read(row) for row in session.exec(query)]


def delete_recoding(*, session: Session, project_id: int, recoding_id: int) -> None:
    row = project_row(session, ImportRecoding, recoding_id, project_id, "error.recoding_missing")
    session.delete(row)
    session.flush()


def matching(recodings: Sequence[Recoding], columns: Sequence[str]) -> Recoding | None:
    """The newest recoding saved for files with these headings."""
    wanted = fingerprint(columns)
    return next((r for r in recodings if r.headings == wanted), None)


def applied(recoding: Recoding, columns: Sequence[str], target: Target) -> tuple[dict[str, str], dict]:
    """The recoding's targets for the columns this file has (indicators found by id, else by their name), and
    its meanings for the value groups the project still has."""
    by_name = {info.get("name_fr", ""): iid for iid, info in target.indicators.items()}
    questions = {f"q:{q[0]}" for q in target.questions}
    mapping: dict[str, str] = {}
    for column, wanted in recoding.mapping.items():
        if column not in columns:
            continue
        if wanted.startswith("i:"):
            iid, name = int(wanted[2:]), recoding.indicators.get(wanted[2:], "")
            found = by_name.get(name) if name else None  # by name first: an archive gave new ids
            found = found if found is not None else (iid if iid in target.indicators else None)
            if found is not None:
                mapping[column] = f"i:{found}"
        elif wanted in target.options():
            mapping[column] = wanted
    recode = {g: dict(v) for g, v in recoding.recode.items() if g == INDICATORS or g in questions}
    return mapping, recode
