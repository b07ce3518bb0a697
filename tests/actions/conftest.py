"""A small project with a diagnosis: two indicators, notes of two groups, an ex-ante wave, partners."""

from dataclasses import dataclass

import pytest

from actions import service
from groups import service as groups_service
from groups.models import ILLBEING, WELLBEING
from indicators import service as indicators_service
from surveys import service as surveys_service

SCALE = {level: f"Situation {level}" for level in range(1, 6)}


@dataclass
class Setting:
    project_id: int
    housing: int
    work: int
    town: int
    people: int
    wave: int


def note(session, project_id, group_id, question, text):
    return groups_service.add_criterion(
        session=session, project_id=project_id, group_id=group_id, question=question, text=text
    ).id


def answer(session, project_id, wave, profile, housing, work, count=1):
    for _ in range(count):
        surveys_service.add_response(
            session=session, project_id=project_id, wave_id=wave, levels={housing[0]: housing[1], work[0]: work[1]},
            profile=profile,
        )  # fmt: skip


@pytest.fixture
def setting(session, project) -> Setting:
    pid = project.id
    young = groups_service.create_group(session=session, project_id=pid, profile="Jeunes").id
    old = groups_service.create_group(session=session, project_id=pid, profile="Aînés").id
    ill = [note(session, pid, g, ILLBEING, f"Logement humide {i}") for i, g in enumerate([young, old, young])]
    good = note(session, pid, old, WELLBEING, "Un travail")
    housing = indicators_service.create_indicator(
        session=session, project_id=pid, name_fr="Un logement digne", levels=SCALE, criterion_ids=ill
    ).id
    work = indicators_service.create_indicator(
        session=session, project_id=pid, name_fr="Avoir un travail", levels=SCALE, criterion_ids=[good]
    ).id
    wave = surveys_service.create_wave(session=session, project_id=pid, name="Vague 1", kind="ex-ante").id
    answer(session, pid, wave, "Jeunes", (housing, 1), (work, 4), count=3)
    answer(session, pid, wave, "Aînés", (housing, 3), (work, 4), count=3)
    town = service.add_partner(session=session, project_id=pid, name="Mairie", kind="public").id
    people = service.add_partner(session=session, project_id=pid, name="Collectif des habitants", kind="citizens").id
    return Setting(pid, housing, work, town, people, wave)
