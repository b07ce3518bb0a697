"""Priority axes of progress, ranked from the shared diagnosis, and the coordination group's recorded choice.

The ranking is a pure function of three readings of the diagnosis:
- how low the indicator stands (weighted mean level, share of answers in levels 4-5),
- how far apart the groups' profiles are on it (largest gap between two profiles' means),
- how many ill-being notes of the homogeneous groups support it (what people said hurts).
Each part is scaled to 0-1 and weighted; the reasons kept with each rank say which parts weigh most.
"""

import json
from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd
from sqlmodel import Session, col, func, select

from actions.models import PriorityAxis, PriorityAxisRead, PriorityVoteSupport
from groups.models import ILLBEING, Criterion
from indicators import service as indicators_service
from indicators.models import IndicatorCriterion
from surveys import analysis
from surveys import service as surveys_service
from surveys.models import EX_ANTE
from workshop import formats, i18n
from workshop.errors import SpiraleError
from workshop.text import clean_optional

WEIGHTS = {"low": 0.35, "share": 0.15, "gap": 0.25, "illbeing": 0.25}
LOW_MEAN = 3.0  # below "average" on the five situations
LOW_SHARE = 0.5  # fewer than half in "good" or "ideal"
WIDE_GAP = 0.5  # half a level between two profiles
RANK_COLUMNS = ["rank", "indicator_id", "score", "mean", "share_good", "gap", "low_group", "high_group", "illbeing"]
Reason = tuple[str, dict]


def rank_indicators(
    summary: pd.DataFrame, gaps: pd.DataFrame, illbeing: Mapping[int, int], *, indicator_ids: Sequence[int] = ()
) -> pd.DataFrame:
    """Pure: rank indicators (1 = most urgent) with their score, the figures behind it, and `reasons`.

    summary: analysis.summary (indicator_id, mean, share_good); gaps: analysis.largest_gaps with every
    indicator; illbeing: ill-being notes per indicator; indicator_ids: indicators to rank even without answers.
    """
    ids = list(dict.fromkeys([*indicator_ids, *summary["indicator_id"].tolist(), *illbeing]))
    if not ids:
        return pd.DataFrame(columns=[*RANK_COLUMNS, "reasons"])
    table = pd.DataFrame({"indicator_id": ids})
    table = table.merge(summary[["indicator_id", "mean", "share_good"]], on="indicator_id", how="left")
    table = table.merge(
        gaps[["indicator_id", "gap", "low_group", "low", "high_group", "high"]], on="indicator_id", how="left"
    )
    table["illbeing"] = table["indicator_id"].map(lambda i: int(illbeing.get(i, 0)))
    most_notes = max(int(table["illbeing"].max()), 1)
    parts = pd.DataFrame(
        {
            "low": ((5 - table["mean"].astype(float)) / 4).fillna(0).clip(0, 1),
            "share": (1 - table["share_good"].astype(float)).fillna(0).clip(0, 1),
            "gap": (table["gap"].astype(float) / 4).fillna(0).clip(0, 1),
            "illbeing": table["illbeing"] / most_notes,
        }
    )
    table["score"] = sum(parts[name] * weight for name, weight in WEIGHTS.items())
    table["reasons"] = [_reasons(row, parts.loc[i]) for i, row in table.iterrows()]
    table = table.sort_values(["score", "indicator_id"], ascending=[False, True], kind="stable").reset_index(drop=True)
    table["rank"] = range(1, len(table) + 1)
    return table[[*RANK_COLUMNS, "reasons"]]


def _reasons(row: pd.Series, parts: pd.Series) -> list[Reason]:
    """The readings that make an indicator a priority, the heaviest first; a plain reading when none stands out."""
    found: list[tuple[float, Reason]] = []
    if pd.notna(row["mean"]) and row["mean"] < LOW_MEAN:
        found.append((parts["low"] * WEIGHTS["low"], ("priority.reason.low", {"mean": f"{row['mean']:.1f}"})))
    if pd.notna(row["share_good"]) and row["share_good"] < LOW_SHARE:
        share = f"{row['share_good'] * 100:.0f}"
        found.append((parts["share"] * WEIGHTS["share"], ("priority.reason.share", {"share": share})))
    if pd.notna(row["gap"]) and row["gap"] >= WIDE_GAP:
        params = {
            "gap": f"{row['gap']:.1f}",
            "low_group": str(row["low_group"]),
            "low": f"{row['low']:.1f}",
            "high_group": str(row["high_group"]),
            "high": f"{row['high']:.1f}",
        }
        found.append((parts["gap"] * WEIGHTS["gap"], ("priority.reason.gap", params)))
    if row["illbeing"] > 0:
        found.append(
            (parts["illbeing"] * WEIGHTS["illbeing"], ("priority.reason.illbeing", {"count": row["illbeing"]}))
        )
    if not found:
        if pd.isna(row["mean"]):
            return [("priority.reason.no_answer", {})]
        return [("priority.reason.fine", {"mean": f"{row['mean']:.1f}"})]
    return [reason for _, reason in sorted(found, key=lambda item: -item[0])]


LEVEL_PARAMS = ("mean", "gap", "low", "high")  # levels kept as "2.5" in the reasons (and in recorded axes)


def _localized(params: dict) -> dict:
    """A reason's levels in the reader's decimal form ("2,5" in French); the texts stored stay as they are."""
    return {k: (float(v) if k in LEVEL_PARAMS and _is_number(v) else v) for k, v in params.items()}


def _is_number(value: object) -> bool:
    try:
        float(str(value))
    except ValueError:
        return False
    return True


def reason_text(reasons: Sequence[Reason], lang: str) -> str:
    def shown(params: dict) -> dict:
        return {k: formats.number(v, lang, 1) if isinstance(v, float) else v for k, v in _localized(params).items()}

    return " · ".join(i18n.translate(key, lang, **shown(params)) for key, params in reasons)


def illbeing_notes(*, session: Session, project_id: int) -> dict[int, int]:
    """Ill-being notes (not deleted) linked to each indicator."""
    query = (
        select(IndicatorCriterion.indicator_id, func.count(Criterion.id))
        .join(Criterion, Criterion.id == IndicatorCriterion.criterion_id)
        .where(
            IndicatorCriterion.project_id == project_id,
            Criterion.question == ILLBEING,
            col(Criterion.deleted_at).is_(None),
        )
        .group_by(IndicatorCriterion.indicator_id)
    )
    return {int(i): int(n) for i, n in session.exec(query).all()}


def diagnosis_wave(*, session: Session, project_id: int) -> int | None:
    """The wave the priorities come from: the first ex-ante wave, else the first wave."""
    waves = surveys_service.list_waves(session=session, project_id=project_id)
    ex_ante = [w for w in waves if w.kind == EX_ANTE]
    return (ex_ante or waves)[0].id if waves else None


def ranking(*, session: Session, project_id: int, wave_id: int | None = None) -> pd.DataFrame:
    """The ranked indicators of a project, from its diagnosis wave (or the one given)."""
    wave_id = wave_id or diagnosis_wave(session=session, project_id=project_id)
    indicators = [i.id for i in indicators_service.list_indicators(session=session, project_id=project_id)]
    if wave_id is None:
        answers = pd.DataFrame(columns=["respondent", "profile", "place", "weight", "indicator_id", "level"])
    else:
        answers = surveys_service.answers_frame(session=session, project_id=project_id, wave_id=wave_id)
    summary = (
        analysis.summary(answers) if len(answers) else pd.DataFrame(columns=["indicator_id", "mean", "share_good"])
    )
    groups = analysis.by_group(answers, "profile") if len(answers) else pd.DataFrame()
    gaps = analysis.largest_gaps(groups, top=len(indicators) or 1)
    notes = illbeing_notes(session=session, project_id=project_id)
    notes = {i: n for i, n in notes.items() if i in set(indicators)}
    return rank_indicators(summary, gaps, notes, indicator_ids=indicators)


def choose_axes(
    *,
    session: Session,
    project_id: int,
    indicator_ids: Sequence[int],
    decided_by: str = "",
    decided_on: date | None = None,
    note: str = "",
    wave_id: int | None = None,
    support: Mapping[int, Mapping[str, object]] | None = None,
) -> list[PriorityAxisRead]:
    """Record the coordination group's choice of priority axes, with the rank and reasons they had then.

    A new choice replaces the previous one (the axes no longer chosen are removed, the others updated).
    `support`: the room's vote behind each axis (actions.vote.choose_from_vote); without it, none is kept.
    """
    if not indicator_ids:
        raise SpiraleError("error.priority_none")
    wave_id = wave_id or diagnosis_wave(session=session, project_id=project_id)
    ranked = ranking(session=session, project_id=project_id, wave_id=wave_id).set_index("indicator_id")
    if unknown := sorted(set(indicator_ids) - set(ranked.index)):
        raise SpiraleError("error.indicator_unknown", ids=unknown)
    existing = {
        a.indicator_id: a for a in session.exec(select(PriorityAxis).where(PriorityAxis.project_id == project_id))
    }
    for indicator_id, axis in existing.items():
        if indicator_id not in indicator_ids:
            session.delete(axis)
    session.flush()
    chosen = []
    for indicator_id in dict.fromkeys(indicator_ids):
        row = ranked.loc[indicator_id]
        axis = existing.get(indicator_id) or PriorityAxis(project_id=project_id, indicator_id=indicator_id, rank=1)
        axis.rank, axis.score, axis.wave_id = int(row["rank"]), float(row["score"]), wave_id
        axis.reason = json.dumps(row["reasons"], ensure_ascii=False)
        axis.decided_by = clean_optional(decided_by, max_length=200)
        axis.decided_on = decided_on or date.today()
        axis.note = clean_optional(note)
        backing = (support or {}).get(indicator_id, {})
        for name in PriorityVoteSupport.model_fields:
            setattr(axis, name, backing.get(name, PriorityVoteSupport.model_fields[name].default))
        session.add(axis)
        chosen.append(axis)
    session.flush()
    return [PriorityAxisRead.model_validate(a) for a in sorted(chosen, key=lambda a: a.rank)]


def list_axes(*, session: Session, project_id: int) -> list[PriorityAxisRead]:
    query = select(PriorityAxis).where(PriorityAxis.project_id == project_id).order_by(PriorityAxis.rank)
    return [PriorityAxisRead.model_validate(a) for a in session.exec(query)]


def axis_reasons(axis: PriorityAxisRead) -> list[Reason]:
    """The reasons recorded with a chosen axis."""
    try:
        return [(key, params) for key, params in json.loads(axis.reason or "[]")]
    except (ValueError, TypeError):
        return []
