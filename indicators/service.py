"""Step 2 services: clusters of criteria suggested by the engine, and indicators with five situations."""

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
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
from indicators.text import detect_language
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
    drafts: Mapping[int, str] | None = None,
    accepted: Iterable[int] = (),
) -> IndicatorRead:
    """An indicator with its five situations; without all five it stays a draft (not usable in a survey).

    `drafts` are the situations the machine proposed (draft_from_clusters): one saved as drafted, and not
    in `accepted`, stays marked to rewrite, and keeps the indicator a draft, off phones and exports.
    """
    texts = _levels(levels or {})
    rewrite = _still_drafted(texts, _levels(drafts or {}), accepted)  # both as stored: cleaned the same way
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
        status=ACTIVE if len(texts) == len(LEVELS) and not rewrite else DRAFT,
        position=position,
    )
    session.add(indicator)
    session.flush()
    for level, text in texts.items():
        session.add(
            IndicatorLevel(
                project_id=project_id, indicator_id=indicator.id, level=level, text=text, to_rewrite=level in rewrite
            )
        )
    for criterion_id in criterion_ids:
        session.add(IndicatorCriterion(project_id=project_id, indicator_id=indicator.id, criterion_id=criterion_id))
    session.flush()
    return IndicatorRead.model_validate(indicator)


def _still_drafted(texts: Mapping[int, str], drafts: Mapping[int, str], accepted: Iterable[int]) -> set[int]:
    """Levels whose text is the machine's draft word for word, and which nobody accepted."""
    accepted = {int(level) for level in accepted}
    return {
        level
        for level, text in texts.items()
        if level not in accepted and level in drafts and " ".join(text.split()) == " ".join(drafts[level].split())
    }


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


def _level_rows(session: Session, project_id: int, indicator_id: int) -> list[IndicatorLevel]:
    query = select(IndicatorLevel).where(
        IndicatorLevel.project_id == project_id, IndicatorLevel.indicator_id == indicator_id
    )
    return list(session.exec(query.order_by(IndicatorLevel.level)))


def levels_of(*, session: Session, project_id: int, indicator_id: int) -> dict[int, str]:
    """Every written situation, drafts to rewrite included: what the editor shows (with `levels_to_rewrite`)."""
    return {row.level: row.text for row in _level_rows(session, project_id, indicator_id)}


def levels_to_rewrite(*, session: Session, project_id: int, indicator_id: int) -> set[int]:
    """The situations the machine drafted that no person has edited or accepted yet."""
    return {row.level for row in _level_rows(session, project_id, indicator_id) if row.to_rewrite}


def usable_levels_of(*, session: Session, project_id: int, indicator_id: int) -> dict[int, str]:
    """Usable situations only: the ones a person wrote, edited or accepted. What phones and exports may show."""
    return {row.level: row.text for row in _level_rows(session, project_id, indicator_id) if not row.to_rewrite}


@dataclass(frozen=True)
class QuestionnaireIndicator:
    """An indicator as a questionnaire asks it: its five situations, each written or accepted by a person."""

    indicator: IndicatorRead
    levels: dict[int, str]


def questionnaire_indicators(*, session: Session, project_id: int) -> list[QuestionnaireIndicator]:
    """The indicators a survey may ask, in their order, with their usable situations (all five, none to rewrite).

    For the phones' questionnaire and the survey's exports: an indicator with a situation still to rewrite
    is a draft already (never ACTIVE); this keeps a situation flagged meanwhile off the phone all the same.
    """
    out = []
    for indicator in list_indicators(session=session, project_id=project_id, usable_only=True):
        levels = usable_levels_of(session=session, project_id=project_id, indicator_id=indicator.id)
        if len(levels) == len(LEVELS):
            out.append(QuestionnaireIndicator(indicator, levels))
    return out


def indicators_frame(*, session: Session, project_id: int) -> pd.DataFrame:
    """One row per indicator with its usable level texts (a situation to rewrite is left blank), how many notes
    and groups support it, and how many of its situations are still to rewrite."""
    criteria = groups_service.criteria_frame(session=session, project_id=project_id).set_index("id")
    links = session.exec(select(IndicatorCriterion).where(IndicatorCriterion.project_id == project_id)).all()
    rows = []
    for indicator in list_indicators(session=session, project_id=project_id):
        rows_ = _level_rows(session, project_id, indicator.id)
        levels = {row.level: row.text for row in rows_ if not row.to_rewrite}  # a draft to rewrite goes nowhere
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
                "to_rewrite": sum(row.to_rewrite for row in rows_),
            }
        )
    columns = ["id", "name_fr", "name_en", "family", "component", "status", "notes", "groups"]
    return pd.DataFrame(rows, columns=columns + [f"level{level}" for level in LEVELS] + ["to_rewrite"])


def indicator_name(indicator: IndicatorRead, lang: str) -> str:
    return indicator.name_en if lang == "en" and indicator.name_en else indicator.name_fr


def code_pair(code: str | None, family_codes: Collection[str]) -> tuple[str | None, str | None]:
    """One grid code chosen in a list -> (family, component): a family's own code, or a component's."""
    if not code:
        return None, None
    return (code, None) if code in family_codes else (None, code)


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


def _usable_status(indicator: Indicator, texts: Mapping[int, str], rewrite: set[int] | frozenset = frozenset()) -> str:
    """Active with five situations none of which is still to rewrite; a draft otherwise; retired stays retired."""
    if indicator.status == RETIRED:
        return RETIRED
    return ACTIVE if len(texts) == len(LEVELS) and not rewrite else DRAFT


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
    accepted: Iterable[int] = (),
) -> IndicatorRead:
    """Rewrite an indicator; it is active with five situations, a draft otherwise (a retired one stays retired).

    A situation to rewrite stays so while its text is the draft's and it is not in `accepted`; edited, it is
    the group's. Everything is checked before anything changes, so a refusal leaves the indicator as it was.
    """
    indicator = _editable(session, project_id, indicator_id, expected_version)
    texts = _levels(levels or {})
    drafted = {row.level: row.text for row in _level_rows(session, project_id, indicator_id) if row.to_rewrite}
    rewrite = _still_drafted(texts, drafted, accepted)
    family_code, component_code = board.check_codes(
        session=session, project_id=project_id, family_code=family_code, component_code=component_code
    )
    names = clean_name(name_fr), clean_optional(name_en, max_length=INDICATOR_NAME_MAX), clean_optional(definition)
    wanted = _known_criteria(session, project_id, criterion_ids) if criterion_ids is not None else None
    indicator.name_fr, indicator.name_en, indicator.definition = names
    indicator.family_code, indicator.component_code = family_code, component_code
    indicator.status = _usable_status(indicator, texts, rewrite)
    indicator.version += 1
    session.add(indicator)
    for row in session.exec(select(IndicatorLevel).where(IndicatorLevel.indicator_id == indicator.id)):
        session.delete(row)
    session.flush()
    for level, text in texts.items():
        session.add(
            IndicatorLevel(
                project_id=project_id, indicator_id=indicator.id, level=level, text=text, to_rewrite=level in rewrite
            )
        )
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


def accept_levels(
    *,
    session: Session,
    project_id: int,
    indicator_id: int,
    levels: Iterable[int],
    expected_version: int | None = None,
) -> IndicatorRead:
    """A person read drafted situations and keeps them as they are: no longer to rewrite.

    With all five written and none left to rewrite, the indicator becomes usable in a survey.
    """
    indicator = _editable(session, project_id, indicator_id, expected_version)
    chosen = {int(level) for level in levels}
    if not chosen:
        raise SpiraleError("error.accept_none")
    rows = _level_rows(session, project_id, indicator_id)
    for row in rows:
        if row.level in chosen and row.to_rewrite:
            row.to_rewrite = False
            session.add(row)
    session.flush()
    rewrite = {row.level for row in rows if row.to_rewrite}
    indicator.status = _usable_status(indicator, {row.level: row.text for row in rows}, rewrite)
    indicator.version += 1
    session.add(indicator)
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
    rewrite = levels_to_rewrite(session=session, project_id=project_id, indicator_id=indicator_id)
    indicator.status = DRAFT  # recomputed from its levels just below
    indicator.status = _usable_status(indicator, texts, rewrite)
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


def notes_language(texts: Iterable[str]) -> str | None:
    """The language most notes are written in ("fr"/"en"), None without notes: drafts speak it."""
    langs = Counter(detect_language(text) for text in texts if text.strip())
    return langs.most_common(1)[0][0] if langs else None


def draft_from_clusters(
    *, session: Session, project_id: int, cluster_ids: Iterable[int], lang: str = "fr"
) -> IndicatorDraft:
    """Name, family and five draft situations from clusters' notes: ill-being low, well-being high, actions between.

    The situations are in the notes' language (`lang`, the screen's, only when there is no note).
    """
    cluster_ids = list(dict.fromkeys(cluster_ids))
    view = board.load_board(session=session, project_id=project_id)
    clusters = [view.cluster(cid) for cid in cluster_ids]
    if not clusters or any(c is None for c in clusters):
        raise SpiraleError("error.cluster_missing")
    notes = [n for c in clusters for n in c.notes]
    classified = next((c for c in clusters if c.family_code), None)
    language = notes_language(n.text for n in notes) or lang
    return IndicatorDraft(
        name_fr=scales.draft_name([c.name for c in sorted(clusters, key=lambda c: -len(c.notes))]),
        family_code=classified.family_code if classified else None,
        component_code=classified.component_code if classified else None,
        levels=scales.draft_levels([(n.text, n.question) for n in notes], language),
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


# ---------- diversity: whose voices the indicators carry ----------


@dataclass(frozen=True)
class GroupVoice:
    """A homogeneous group's notes, and how many of them an indicator in use carries."""

    group: str
    notes: int
    carried: int

    @property
    def uncarried(self) -> int:
        return self.notes - self.carried


@dataclass(frozen=True)
class IndicatorVoices:
    """Which groups' notes an indicator carries (notes per group), and which groups that spoke it leaves out."""

    indicator_id: int
    name: str
    groups: dict[str, int]
    silent: list[str]


@dataclass(frozen=True)
class Diversity:
    """What a mixed group checks before closing its synthesis: notes no indicator carries, and every group heard."""

    uncarried_ids: frozenset[int]
    groups: list[GroupVoice]
    indicators: list[IndicatorVoices]

    @property
    def unheard(self) -> list[str]:
        """Groups none of whose notes an indicator carries yet: a minority view about to be dropped."""
        return [g.group for g in self.groups if g.notes and not g.carried]


def diversity(*, session: Session, project_id: int, lang: str = "fr") -> Diversity:
    """Notes carried or not by the indicators in use (not retired), per group and per indicator."""
    criteria = groups_service.criteria_frame(session=session, project_id=project_id)
    links = _links(session, project_id)
    group_of = dict(zip(criteria["id"], criteria["group"], strict=True))
    carried = {int(c) for c in links["criterion_id"] if c in group_of}
    spoke = sorted(set(criteria["group"]))
    groups = [
        GroupVoice(
            group,
            int((criteria["group"] == group).sum()),
            sum(1 for cid in carried if group_of[cid] == group),
        )
        for group in spoke
    ]
    indicators = []
    for indicator in list_indicators(session=session, project_id=project_id):
        notes = [int(c) for c in links.loc[links["indicator_id"] == indicator.id, "criterion_id"] if c in group_of]
        per_group = Counter(group_of[c] for c in notes)
        indicators.append(
            IndicatorVoices(
                indicator.id,
                indicator_name(indicator, lang),
                dict(sorted(per_group.items(), key=lambda item: (-item[1], item[0]))),
                [g for g in spoke if g not in per_group],
            )
        )
    uncarried = frozenset(int(c) for c in criteria["id"] if int(c) not in carried)
    return Diversity(uncarried, groups, indicators)
