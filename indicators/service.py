"""Step 2 services: clusters of criteria suggested by the engine, and indicators with five situations."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, select

from groups import service as groups_service
from indicators import board, scales
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
from workshop.database import project_row
from workshop.errors import SpiraleError
from workshop.text import clean_name, clean_optional

INDICATOR_NAME_MAX = 200


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
    criterion_ids = _known_criteria(session, project_id, criterion_ids)
    family_code, component_code = board.check_codes(
        session=session, project_id=project_id, family_code=family_code, component_code=component_code
    )
    position = len(session.exec(select(Indicator.id).where(Indicator.project_id == project_id)).all())
    indicator = Indicator(
        project_id=project_id,
        name_fr=clean_name(name_fr),
        name_en=clean_optional(name_en, max_length=INDICATOR_NAME_MAX),
        family_code=family_code,
        component_code=component_code,
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


def _known_criteria(session: Session, project_id: int, criterion_ids: Iterable[int]) -> list[int]:
    known = {c.id for c in groups_service.list_criteria(session=session, project_id=project_id)}
    criterion_ids = list(dict.fromkeys(int(i) for i in criterion_ids))
    if unknown := [cid for cid in criterion_ids if cid not in known]:
        raise SpiraleError("error.criterion_missing", ids=unknown)
    return criterion_ids


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


# ---------- editing, ordering, retiring ----------


def _indicator(session: Session, project_id: int, indicator_id: int) -> Indicator:
    return project_row(session, Indicator, indicator_id, project_id, "error.indicator_missing")


def _editable(session: Session, project_id: int, indicator_id: int, expected_version: int | None) -> Indicator:
    """The indicator locked for an edit; refused when another screen saved it since this one read it.

    `expected_version` is the version the screen showed (None: a script, no check). The lock makes
    the check and the write one step on PostgreSQL; SQLite runs one writer at a time already.
    """
    query = select(Indicator).where(Indicator.id == indicator_id).with_for_update()
    indicator = session.exec(query.execution_options(populate_existing=True)).first()
    if indicator is None or indicator.project_id != project_id:
        raise SpiraleError("error.indicator_missing")
    if expected_version is not None and indicator.version != expected_version:
        raise SpiraleError("error.stale_indicator", name=indicator.name_fr)
    return indicator


def get_indicator(*, session: Session, project_id: int, indicator_id: int) -> IndicatorRead:
    return IndicatorRead.model_validate(_indicator(session, project_id, indicator_id))


def _usable_status(indicator: Indicator, texts: Mapping[int, str]) -> str:
    if indicator.status == RETIRED:
        return RETIRED
    return ACTIVE if len(texts) == len(LEVELS) else DRAFT


def update_indicator(
    *,
    session: Session,
    project_id: int,
    indicator_id: int,
    name_fr: str,
    name_en: str = "",
    family_code: str | None = None,
    component_code: str | None = None,
    definition: str = "",
    levels: Mapping[int, str] | None = None,
    criterion_ids: Iterable[int] | None = None,
    expected_version: int | None = None,
) -> IndicatorRead:
    """Rewrite an indicator; it is active with five situations, a draft otherwise (a retired one stays retired).

    Everything is checked before anything changes, so a refusal leaves the indicator as it was.
    """
    indicator = _editable(session, project_id, indicator_id, expected_version)
    texts = _levels(levels or {})
    family_code, component_code = board.check_codes(
        session=session, project_id=project_id, family_code=family_code, component_code=component_code
    )
    names = clean_name(name_fr), clean_optional(name_en, max_length=INDICATOR_NAME_MAX), clean_optional(definition)
    wanted = _known_criteria(session, project_id, criterion_ids) if criterion_ids is not None else None
    indicator.name_fr, indicator.name_en, indicator.definition = names
    indicator.family_code, indicator.component_code = family_code, component_code
    indicator.status = _usable_status(indicator, texts)
    indicator.version += 1
    session.add(indicator)
    for row in session.exec(select(IndicatorLevel).where(IndicatorLevel.indicator_id == indicator.id)):
        session.delete(row)
    session.flush()
    for level, text in texts.items():
        session.add(IndicatorLevel(project_id=project_id, indicator_id=indicator.id, level=level, text=text))
    if wanted is not None:
        links = session.exec(select(IndicatorCriterion).where(IndicatorCriterion.indicator_id == indicator.id)).all()
        for link in links:
            if link.criterion_id not in wanted:
                session.delete(link)
        linked = {link.criterion_id for link in links}
        for criterion_id in wanted:
            if criterion_id not in linked:
                session.add(
                    IndicatorCriterion(project_id=project_id, indicator_id=indicator.id, criterion_id=criterion_id)
                )
    session.flush()
    return IndicatorRead.model_validate(indicator)


def retire_indicator(
    *, session: Session, project_id: int, indicator_id: int, expected_version: int | None = None
) -> IndicatorRead:
    """Retired, never deleted: its answers and its notes stay; it leaves new surveys."""
    indicator = _editable(session, project_id, indicator_id, expected_version)
    indicator.status = RETIRED
    indicator.version += 1
    session.add(indicator)
    session.flush()
    return IndicatorRead.model_validate(indicator)


def restore_indicator(
    *, session: Session, project_id: int, indicator_id: int, expected_version: int | None = None
) -> IndicatorRead:
    indicator = _editable(session, project_id, indicator_id, expected_version)
    texts = levels_of(session=session, project_id=project_id, indicator_id=indicator_id)
    indicator.status = DRAFT  # recomputed from its levels just below
    indicator.status = _usable_status(indicator, texts)
    indicator.version += 1
    session.add(indicator)
    session.flush()
    return IndicatorRead.model_validate(indicator)


def move_indicator(*, session: Session, project_id: int, indicator_id: int, offset: int) -> list[IndicatorRead]:
    """Move an indicator up (offset < 0) or down in the list; positions are renumbered 0..n-1.

    The order is no part of what an editor writes, so moving leaves the versions as they are.
    """
    ordered = session.exec(
        select(Indicator).where(Indicator.project_id == project_id).order_by(Indicator.position, Indicator.id)
    ).all()
    index = next((i for i, row in enumerate(ordered) if row.id == indicator_id), None)
    if index is None:
        raise SpiraleError("error.indicator_missing")
    target = min(max(index + int(offset), 0), len(ordered) - 1)
    ordered = list(ordered)
    ordered.insert(target, ordered.pop(index))
    for position, row in enumerate(ordered):
        row.position = position
        session.add(row)
    session.flush()
    return list_indicators(session=session, project_id=project_id, include_retired=True)


def supporting_notes(*, session: Session, project_id: int, indicator_id: int) -> pd.DataFrame:
    """The notes behind an indicator (rows of groups_service.criteria_frame)."""
    _indicator(session, project_id, indicator_id)
    ids = session.exec(
        select(IndicatorCriterion.criterion_id).where(IndicatorCriterion.indicator_id == indicator_id)
    ).all()
    frame = groups_service.criteria_frame(session=session, project_id=project_id)
    return frame[frame["id"].isin(ids)].reset_index(drop=True)


@dataclass(frozen=True)
class IndicatorDraft:
    """What the editor starts from when an indicator is made from clusters."""

    name_fr: str
    family_code: str | None
    component_code: str | None
    levels: dict[int, str]
    criterion_ids: list[int]


def draft_from_clusters(
    *, session: Session, project_id: int, cluster_ids: Iterable[int], lang: str = "fr"
) -> IndicatorDraft:
    """Name, family and five draft situations from clusters' notes: ill-being low, well-being high, actions between."""
    cluster_ids = list(dict.fromkeys(cluster_ids))
    view = board.load_board(session=session, project_id=project_id)
    clusters = [view.cluster(cid) for cid in cluster_ids]
    if not clusters or any(c is None for c in clusters):
        raise SpiraleError("error.cluster_missing")
    notes = [n for c in clusters for n in c.notes]
    classified = next((c for c in clusters if c.family_code), None)
    return IndicatorDraft(
        name_fr=scales.draft_name([c.name for c in clusters]),
        family_code=classified.family_code if classified else None,
        component_code=classified.component_code if classified else None,
        levels=scales.draft_levels([(n.text, n.question) for n in notes], lang),
        criterion_ids=list(dict.fromkeys(n.criterion_id for n in notes)),
    )


# ---------- synthesis views ----------

UNCLASSIFIED = "?"


def _links(session: Session, project_id: int) -> pd.DataFrame:
    """(indicator_id, criterion_id) of indicators still in use (not retired)."""
    live = {i.id: i for i in list_indicators(session=session, project_id=project_id)}
    rows = session.exec(select(IndicatorCriterion).where(IndicatorCriterion.project_id == project_id)).all()
    pairs = [(r.indicator_id, r.criterion_id) for r in rows if r.indicator_id in live]
    return pd.DataFrame(pairs, columns=["indicator_id", "criterion_id"])


def synthesis_tree(*, session: Session, project_id: int, lang: str = "fr") -> pd.DataFrame:
    """Families -> indicators -> notes, one row per (indicator, note); an indicator without notes has note ""."""
    criteria = groups_service.criteria_frame(session=session, project_id=project_id).set_index("id")
    links = _links(session, project_id)
    rows = []
    for indicator in list_indicators(session=session, project_id=project_id):
        notes = links.loc[links["indicator_id"] == indicator.id, "criterion_id"]
        notes = [n for n in notes if n in criteria.index]
        base = {"family": indicator.family_code or UNCLASSIFIED, "indicator": indicator_name(indicator, lang)}
        rows += [{**base, "note": criteria.at[n, "text"], "group": criteria.at[n, "group"]} for n in notes] or [
            {**base, "note": "", "group": ""}
        ]
    return pd.DataFrame(rows, columns=["family", "indicator", "note", "group"])


def note_families(*, session: Session, project_id: int) -> pd.DataFrame:
    """Each live note with the family it speaks of: its own classification, else its indicator's, else its cluster's."""
    frame = groups_service.criteria_frame(session=session, project_id=project_id)
    by_indicator = {i.id: i.family_code for i in list_indicators(session=session, project_id=project_id)}
    links = _links(session, project_id)
    from_indicator = {
        c: by_indicator[i] for i, c in zip(links["indicator_id"], links["criterion_id"], strict=True) if by_indicator[i]
    }
    view = board.load_board(session=session, project_id=project_id)
    from_cluster = {n.criterion_id: c.family_code for c in view.clusters if c.family_code for n in c.notes}
    families = [
        own or from_indicator.get(cid) or from_cluster.get(cid) or UNCLASSIFIED
        for cid, own in zip(frame["id"], frame["family"], strict=True)
    ]
    return frame.assign(family=families)


def groups_by_family(*, session: Session, project_id: int) -> pd.DataFrame:
    """Who spoke of what: notes counted per group (rows) and family (columns)."""
    frame = note_families(session=session, project_id=project_id)
    if frame.empty:
        return pd.DataFrame()
    return frame.pivot_table(index="group", columns="family", values="id", aggfunc="count", fill_value=0)


def notes_without_indicator(*, session: Session, project_id: int) -> pd.DataFrame:
    """Live notes that no indicator in use carries yet: so that nothing said is forgotten."""
    frame = groups_service.criteria_frame(session=session, project_id=project_id)
    carried = set(_links(session, project_id)["criterion_id"])
    return frame[~frame["id"].isin(carried)].reset_index(drop=True)
