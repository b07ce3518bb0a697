"""Participants are pseudonymous by default: no name is required, and imported files cannot bring one in."""

import pandas as pd
import pytest

from groups import service as groups_service
from indicators import service as indicators_service
from surveys import imports
from surveys import service as surveys_service
from workshop import projects

TARGET = imports.Target(indicators={1: {"name_fr": "Logement", "name_en": "Housing"}}, questions=[])


@pytest.mark.parametrize(
    "code",
    [
        "Marie Dupont",
        "élodie le gall",
        "marie.dupont@example.org",
        "06 12 34 56 78",
        "+33 6 12 34 56 78",
        "Jean-Luc Côté",
    ],
)
def test_an_imported_code_that_names_someone_is_refused(code):
    frame = pd.DataFrame({"Identifiant": [code, "R-002"], "Logement": ["4", "2"]})
    checked = imports.validate(frame, {"Identifiant": imports.CODE, "Logement": "i:1"}, TARGET)
    assert not checked.valid and checked.responses == []
    assert [(p.row, p.key) for p in checked.problems] == [(2, "error.import_code_personal")]


@pytest.mark.parametrize("code", ["R-001", "A12", "web-12", "5f3a9c0e1b", "123456789", "resp A", "Marie", "ZZ 14"])
def test_pseudonymous_codes_pass(code):
    frame = pd.DataFrame({"code": [code], "Logement": ["4"]})
    assert imports.validate(frame, {"code": imports.CODE, "Logement": "i:1"}, TARGET).valid


def test_without_a_code_column_each_respondent_gets_a_random_code(session):
    pid = projects.create_project(session=session, name="Anonymes").id
    levels = {level: f"Situation {level}" for level in range(1, 6)}
    indicator = indicators_service.create_indicator(session=session, project_id=pid, name_fr="Logement", levels=levels)
    wave = surveys_service.create_wave(session=session, project_id=pid, name="V1").id
    frame = pd.DataFrame({"Logement": ["4", "2"], "Nom": ["Marie Dupont", "Paul Martin"]})
    mapping = {"Logement": f"i:{indicator.id}", "Nom": imports.IGNORE}  # a column left unmapped is never stored
    assert imports.import_frame(session=session, project_id=pid, wave_id=wave, frame=frame, mapping=mapping) == 2
    respondents = surveys_service.respondents_frame(session=session, project_id=pid, wave_id=wave)
    codes = list(respondents["code"])
    assert len(set(codes)) == 2 and all(len(c) == 10 for c in codes)
    assert "Marie Dupont" not in respondents.to_csv()


def test_notes_need_no_name(session):
    pid = projects.create_project(session=session, name="Sans nom").id
    group = groups_service.create_group(session=session, project_id=pid, profile="Jeunes").id
    note = groups_service.add_criterion(
        session=session, project_id=pid, group_id=group, question="wellbeing", text="Un parc"
    )
    assert note.author == ""
