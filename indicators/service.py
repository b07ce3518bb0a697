"""Step 2 services: clusters of criteria suggested by the engine, and indicators with five situations."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, select

from groups import service as groups_service
from indicators.clustering import DEFAULT_THRESHOLD, suggest_clusters
from indicators.models import (
    ACTIVE,
    DRAFT,
    LEVELS,
    RETIRED,
    Indicator,
    IndicatorCriterion,
    IndicatorLevel,
    IndicatorRead,
)
from workshop.errors import SpiraleError
from workshop.text import clean_name, clean_optional


@dataclass(frozen=True)
class SuggestedCluster:
    label: int
    criteria: pd.DataFrame  # rows of groups_service.criteria_frame


def suggested_clusters(
    *,
    session: Session,
    project_id: int,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[SuggestedCluster]:
    """The project's notes grouped by similarity, largest groups first."""
    frame = groups_service.criteria_frame(session=session, project_id=project_id)
    if frame.empty:
        return []
    frame = frame.assign(cluster=suggest_clusters(frame["text"].tolist(), threshold=threshold))
    clusters = [SuggestedCluster(int(label), rows.drop(columns="cluster")) for label, rows in frame.groupby("cluster")]
    return sorted(clusters, key=lambda c: (-len(c.criteria), int(c.criteria["id"].min())))


def _levels(levels: Mapping[int, str]) -> dict[int, str]:
    texts = {level: clean_optional(levels.get(level, ""), max_length=2000) for level in LEVELS}
    return {level: text for level, text in texts.items() if text}


def create_indicator(
    *,
    session: Session,
    project_id: int,
    name_fr: str,
    name_en: str = "",
    family_code: str | None = None,
    component_code: str | None = None,
    definition: str = "",
    levels: Mapping[int, str] | None = None,
    criterion_ids: Iterable[int] = (),
) -> IndicatorRead:
    """An indicator with its five situations; without all five it stays a draft (not usable in a survey)."""
    texts = _levels(levels or {})
    known = {c.id for c in groups_service.list_criteria(session=session, project_id=project_id)}
    criterion_ids = list(dict.fromkeys(criterion_ids))
    if unknown := [cid for cid in criterion_ids if cid not in known]:
        raise SpiraleError("error.criterion_missing", ids=unknown)
    position = len(session.exec(select(Indicator.id).where(Indicator.project_id == project_id)).all())
    indicator = Indicator(
        project_id=project_id,
        name_fr=clean_name(name_fr),
        name_en=clean_optional(name_en, max_length=200),
        family_code=family_code or None,
        component_code=component_code or None,
        definition=clean_optional(definition),
        status=ACTIVE if len(texts) == len(LEVELS) else DRAFT,
        position=position,
    )
    session.add(indicator)
    session.flush()
    for level, text in texts.items():
        session.add(IndicatorLevel(project_id=project_id, indicator_id=indicator.id, level=level, text=text))
    for criterion_id in criterion_ids:
        session.add(IndicatorCriterion(project_id=project_id, indicator_id=indicator.id, criterion_id=criterion_id))
    session.flush()
    return IndicatorRead.model_validate(indicator)


def list_indicators(
    *,
    session: Session,
    project_id: int,
    usable_only: bool = False,
    include_retired: bool = False,
) -> list[IndicatorRead]:
    query = select(Indicator).where(Indicator.project_id == project_id)
    if usable_only:
        query = query.where(Indicator.status == ACTIVE)
    elif not include_retired:
        query = query.where(Indicator.status != RETIRED)
    return [IndicatorRead.model_validate(i) for i in session.exec(query.order_by(Indicator.position, Indicator.id))]


def levels_of(*, session: Session, project_id: int, indicator_id: int) -> dict[int, str]:
    query = select(IndicatorLevel).where(
        IndicatorLevel.project_id == project_id, IndicatorLevel.indicator_id == indicator_id
    )
    return {row.level: row.text for row in session.exec(query)}


def indicators_frame(*, session: Session, project_id: int) -> pd.DataFrame:
    """One row per indicator with its level texts and how many notes and groups support it."""
    criteria = groups_service.criteria_frame(session=session, project_id=project_id).set_index("id")
    links = session.exec(select(IndicatorCriterion).where(IndicatorCriterion.project_id == project_id)).all()
    rows = []
    for indicator in list_indicators(session=session, project_id=project_id):
        levels = levels_of(session=session, project_id=project_id, indicator_id=indicator.id)
        notes = [link.criterion_id for link in links if link.indicator_id == indicator.id]
        supported = criteria.loc[criteria.index.intersection(notes)]
        rows.append(
            {
                "id": indicator.id,
                "name_fr": indicator.name_fr,
                "name_en": indicator.name_en,
                "family": indicator.family_code or "",
                "component": indicator.component_code or "",
                "status": indicator.status,
                "notes": len(supported),
                "groups": supported["group_id"].nunique(),
                **{f"level{level}": levels.get(level, "") for level in LEVELS},
            }
        )
    columns = ["id", "name_fr", "name_en", "family", "component", "status", "notes", "groups"]
    return pd.DataFrame(rows, columns=columns + [f"level{level}" for level in LEVELS])


def indicator_name(indicator: IndicatorRead, lang: str) -> str:
    return indicator.name_en if lang == "en" and indicator.name_en else indicator.name_fr
