"""Step 3 services: waves, responses (a level per indicator) and the first diagnosis figures."""

import uuid
from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd
from sqlmodel import Session, select

from indicators import service as indicators_service
from surveys.models import WAVE_KINDS, Answer, Respondent, Wave, WaveRead
from workshop.errors import SpiraleError
from workshop.text import clean_name, clean_optional


def create_wave(
    *,
    session: Session,
    project_id: int,
    name: str,
    kind: str = "ex-ante",
    opened_on: date | None = None,
    closed_on: date | None = None,
) -> WaveRead:
    if kind not in WAVE_KINDS:
        raise SpiraleError("error.wave_kind", kind=kind)
    if opened_on and closed_on and closed_on < opened_on:
        raise SpiraleError("error.wave_dates")
    wave = Wave(project_id=project_id, name=clean_name(name), kind=kind, opened_on=opened_on, closed_on=closed_on)
    session.add(wave)
    session.flush()
    return WaveRead.model_validate(wave)


def list_waves(*, session: Session, project_id: int) -> list[WaveRead]:
    query = select(Wave).where(Wave.project_id == project_id).order_by(Wave.id)
    return [WaveRead.model_validate(w) for w in session.exec(query)]


def add_response(
    *,
    session: Session,
    project_id: int,
    wave_id: int,
    levels: Mapping[int, int | None],
    profile: str = "",
    place: str = "",
    age_band: str = "",
    weight: float = 1.0,
    code: str | None = None,
) -> int:
    """Store one respondent's answers (None = "don't know"); return the respondent's id."""
    wave = session.get(Wave, wave_id)
    if wave is None or wave.project_id != project_id:
        raise SpiraleError("error.wave_missing")
    usable = {
        i.id for i in indicators_service.list_indicators(session=session, project_id=project_id, usable_only=True)
    }
    if unknown := sorted(set(levels) - usable):
        raise SpiraleError("error.indicator_unknown", ids=unknown)
    if bad := [lvl for lvl in levels.values() if lvl is not None and lvl not in (1, 2, 3, 4, 5)]:
        raise SpiraleError("error.level_range", value=bad[0])
    if not weight or weight <= 0 or not np.isfinite(weight):
        raise SpiraleError("error.weight")
    code = clean_optional(code, max_length=64) or uuid.uuid4().hex[:10]
    if session.exec(select(Respondent.id).where(Respondent.wave_id == wave_id, Respondent.code == code)).first():
        raise SpiraleError("error.respondent_exists", code=code)
    respondent = Respondent(
        project_id=project_id,
        wave_id=wave_id,
        code=code,
        profile=clean_optional(profile, max_length=120),
        place=clean_optional(place, max_length=120),
        age_band=clean_optional(age_band, max_length=20),
        weight=float(weight),
    )
    session.add(respondent)
    session.flush()
    session.add_all(
        Answer(project_id=project_id, respondent_id=respondent.id, indicator_id=iid, level=lvl)
        for iid, lvl in levels.items()
    )
    session.flush()
    return respondent.id


def answers_frame(*, session: Session, project_id: int, wave_id: int) -> pd.DataFrame:
    """One row per answer: respondent, profile, place, weight, indicator, level (NaN = don't know)."""
    query = (
        select(
            Respondent.id, Respondent.profile, Respondent.place, Respondent.weight, Answer.indicator_id, Answer.level
        )
        .join(Answer, Answer.respondent_id == Respondent.id)
        .where(Respondent.project_id == project_id, Respondent.wave_id == wave_id)
    )
    columns = ["respondent", "profile", "place", "weight", "indicator_id", "level"]
    frame = pd.DataFrame(session.exec(query).all(), columns=columns)
    return frame.astype({"level": "float64", "weight": "float64"})


def indicator_means(answers: pd.DataFrame) -> pd.DataFrame:
    """Weighted mean level, share in levels 4-5 and counts per indicator; "don't know" is left out."""
    known = answers.dropna(subset=["level"])
    columns = ["indicator_id", "mean", "share_good", "answers", "dont_know"]
    if known.empty:
        return pd.DataFrame(columns=columns)
    weighted = known.assign(wl=known["level"] * known["weight"], wg=(known["level"] >= 4) * known["weight"])
    sums = weighted.groupby("indicator_id")[["wl", "wg", "weight"]].sum()
    result = pd.DataFrame(
        {
            "mean": sums["wl"] / sums["weight"],
            "share_good": sums["wg"] / sums["weight"],
            "answers": known.groupby("indicator_id").size(),
        }
    )
    dont_know = answers["level"].isna().groupby(answers["indicator_id"]).sum()
    result["dont_know"] = dont_know.reindex(result.index).fillna(0).astype(int)
    return result.reset_index()[columns]


def respondent_count(*, session: Session, project_id: int, wave_id: int) -> int:
    query = select(Respondent.id).where(Respondent.project_id == project_id, Respondent.wave_id == wave_id)
    return len(session.exec(query).all())
