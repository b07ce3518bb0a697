"""The demo project: a fictional town's first cycle, loaded from data/demo/ through the services.

Loading goes through the same services as the pages, so the demo is checked by the same rules.
"""

import json
from datetime import date

import pandas as pd
from sqlmodel import Session

from actions import partners as action_partners
from actions import service as actions_service
from groups import service as groups_service
from groups.models import VALIDATED
from indicators import board
from indicators import mixed as mixed_service
from indicators import service as indicators_service
from indicators.models import LEVELS
from surveys import service as surveys_service
from workshop import projects, settings
from workshop.models import ProjectRead

DEMO_DIR = settings.DATA_DIR / "demo"


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(DEMO_DIR / name, dtype=str, keep_default_na=False)


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def load_demo(*, session: Session) -> ProjectRead:
    """Create the demo project (a new copy each time, with a numbered name if one exists)."""
    info = json.loads((DEMO_DIR / "project.json").read_text(encoding="utf-8"))
    existing = {p.name for p in projects.list_projects(session=session)}
    name, number = info["name"], 1
    while name in existing:
        number += 1
        name = f"{info['name']} ({number})"
    project = projects.create_project(
        session=session,
        name=name,
        place=info.get("place", ""),
        language=info.get("language", "fr"),
        cycle=int(info.get("cycle", 1)),
        description=info.get("description_fr", ""),
    )
    pid = project.id
    groups = _load_groups(session, pid)
    criteria = _load_criteria(session, pid, groups)
    _load_delegates(session, pid, groups)
    indicators = _load_indicators(session, pid, criteria)
    _load_board(session, pid, criteria)
    _load_survey(session, pid, indicators, "wave.json", "responses.csv")
    _load_survey(session, pid, indicators, "wave_expost.json", "responses_expost.csv")
    _load_actions(session, pid, indicators)
    return project


def _load_groups(session: Session, pid: int) -> dict[str, int]:
    return {
        row["key"]: groups_service.create_group(
            session=session,
            project_id=pid,
            profile=row["profile"],
            kind=row["kind"],
            planned_size=int(row["planned_size"]) if row["planned_size"] else None,
            meeting_date=_date(row["meeting_date"]),
            facilitator=row["facilitator"],
        ).id
        for row in _csv("groups.csv").to_dict("records")
    }


def _load_criteria(session: Session, pid: int, groups: dict[str, int]) -> dict[str, int]:
    keys = {}
    for row in _csv("criteria.csv").to_dict("records"):
        criterion = groups_service.add_criterion(
            session=session,
            project_id=pid,
            group_id=groups[row["group"]],
            question=row["question"],
            text=row["text"],
            author=row["author"],
        )
        if row["corrected_text"]:
            groups_service.correct_criterion(
                session=session, project_id=pid, criterion_id=criterion.id, text=row["corrected_text"]
            )
        if row["status"] == VALIDATED:
            groups_service.set_status(session=session, project_id=pid, criterion_id=criterion.id, status=VALIDATED)
        if row["family"]:
            groups_service.classify_criterion(
                session=session,
                project_id=pid,
                criterion_id=criterion.id,
                family_code=row["family"],
                component_code=row["component"] or None,
            )
        keys[row["key"]] = criterion.id
    return keys


def _load_delegates(session: Session, pid: int, groups: dict[str, int]) -> None:
    seats = _csv("delegates.csv")
    for mixed, table in seats.groupby("mixed"):
        delegates = {groups[row["group"]]: row["name"] for row in table.to_dict("records")}
        mixed_service.compose(session=session, project_id=pid, mixed_group_id=groups[mixed], delegates=delegates)


def _load_board(session: Session, pid: int, criteria: dict[str, int]) -> None:
    """The mixed groups' board as they left it: one classified cluster per indicator they wrote.

    Not pinned, so a visitor can try the engine's re-suggestion on the demo.
    """
    rows = _csv("indicators.csv").to_dict("records")
    placed: set[str] = set()  # a note sits in one cluster, even when two indicators draw on it
    suggestion = []
    for row in rows:
        keys = [key for key in row["criteria"].split() if key not in placed]
        placed.update(keys)
        suggestion.append(board.SuggestedGroup(row["name_fr"], [criteria[key] for key in keys]))
    board.apply_suggestion(session=session, project_id=pid, groups=suggestion, seen={})
    laid_out = board.load_board(session=session, project_id=pid)
    for cluster, row in zip(laid_out.clusters, rows, strict=True):
        seen = board.load_board(session=session, project_id=pid).versions
        board.set_family(session=session, project_id=pid, cluster_id=cluster.id, family_code=row["family"] or None,
                         component_code=row["component"] or None, seen=seen)  # fmt: skip


def _load_indicators(session: Session, pid: int, criteria: dict[str, int]) -> dict[str, int]:
    return {
        row["key"]: indicators_service.create_indicator(
            session=session,
            project_id=pid,
            name_fr=row["name_fr"],
            name_en=row["name_en"],
            family_code=row["family"] or None,
            component_code=row["component"] or None,
            definition=row["definition_fr"],
            levels={level: row[f"level{level}"] for level in LEVELS},
            criterion_ids=[criteria[key] for key in row["criteria"].split()],
        ).id
        for row in _csv("indicators.csv").to_dict("records")
    }


def _load_survey(session: Session, pid: int, indicators: dict[str, int], wave_file: str, responses: str) -> None:
    info = json.loads((DEMO_DIR / wave_file).read_text(encoding="utf-8"))
    wave = surveys_service.create_wave(
        session=session,
        project_id=pid,
        name=info["name_fr"],
        name_en=info.get("name_en", ""),
        kind=info["kind"],
        opened_on=_date(info.get("opened_on", "")),
        closed_on=_date(info.get("closed_on", "")),
    )
    for row in _csv(responses).to_dict("records"):
        levels = {iid: (int(row[key]) if row[key] else None) for key, iid in indicators.items() if key in row}
        surveys_service.add_response(
            session=session,
            project_id=pid,
            wave_id=wave.id,
            levels=levels,
            profile=row["profile"],
            place=row["neighbourhood"],
            age_band=row["age_band"],
            weight=float(row["weight"] or 1),
            code=row["respondent"],
        )


def _load_actions(session: Session, pid: int, indicators: dict[str, int]) -> None:
    partners = {
        row["key"]: actions_service.add_partner(
            session=session,
            project_id=pid,
            name=row["name"],
            kind=row["kind"],
            contact=row["contact"],
            charter_signed_on=_date(row["charter_signed_on"]),
        ).id
        for row in _csv("partners.csv").to_dict("records")
    }
    commissions = {
        row["key"]: action_partners.create_commission(
            session=session,
            project_id=pid,
            name=row["name"],
            theme=row["theme"],
            pilot_partner_id=partners[row["pilot"]],
            member_ids=[partners[key] for key in row["members"].split()],
        ).id
        for row in _csv("commissions.csv").to_dict("records")
    }
    for row in _csv("plenaries.csv").to_dict("records"):
        action_partners.add_plenary(
            session=session,
            project_id=pid,
            held_on=_date(row["held_on"]),
            title=row["title"],
            presented=row["presented"],
            attendance=row["attendance"],
        )
    actions = {}
    for row in _csv("actions.csv").to_dict("records"):
        targets = {
            indicators[key]: int(level) for key, level in (item.split(":") for item in row["indicators"].split())
        }
        actions[row["key"]] = actions_service.create_action(
            session=session,
            project_id=pid,
            title=row["title"],
            description=row["description"],
            status=row["status"],
            targets=targets,
            pilot_partner_id=partners.get(row["pilot"]),
            commission_id=commissions.get(row.get("commission", "")),
            start_on=_date(row["start_on"]),
            end_on=_date(row["end_on"]),
        ).id
    for row in _csv("milestones.csv").to_dict("records"):
        actions_service.add_milestone(
            session=session,
            project_id=pid,
            action_id=actions[row["action"]],
            title=row["title"],
            due_on=_date(row["due_on"]),
            done_on=_date(row["done_on"]),
        )
    commitments: list[int] = []
    for row in _csv("commitments.csv").to_dict("records"):
        reciprocal = row.get("reciprocal_row", "")
        commitment_id = actions_service.add_commitment(
            session=session,
            project_id=pid,
            action_id=actions[row["action"]],
            partner_id=partners[row["partner"]],
            kind=row["kind"],
            amount=row["amount"],
            unit=row["unit"],
            description=row["description"],
            due_on=_date(row.get("due_on", "")),
            reciprocal_id=commitments[int(reciprocal)] if reciprocal else None,
        )
        commitments.append(commitment_id)
        if row.get("fulfilment", "pending") != "pending":
            actions_service.set_fulfilment(
                session=session,
                project_id=pid,
                commitment_id=commitment_id,
                fulfilment=row["fulfilment"],
                fulfilled_on=_date(row.get("fulfilled_on", "")),
            )
