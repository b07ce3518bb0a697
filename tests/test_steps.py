"""Services of the four steps: data flows from notes to indicators, answers and commitments."""

import pandas as pd
import pytest

from actions import service as actions_service
from groups import service as groups_service
from groups.models import ACTION, ILLBEING, MIXED, VALIDATED, WELLBEING
from indicators import service as indicators_service
from surveys import charts
from surveys import service as surveys_service
from workshop.errors import SpiraleError

LEVELS = {1: "Je n'ai pas de logement", 2: "Logement précaire", 3: "Logement correct", 4: "Bon logement", 5: "Idéal"}


@pytest.fixture
def group(session, project):
    return groups_service.create_group(
        session=session, project_id=project.id, profile="Jeunes 16-25 ans", planned_size=10
    )


def add(session, project, group, question, text):
    return groups_service.add_criterion(
        session=session, project_id=project.id, group_id=group.id, question=question, text=text
    )


def test_criteria_on_three_questions_with_counts(session, project, group):
    add(session, project, group, WELLBEING, "Avoir un logement à soi")
    add(session, project, group, ILLBEING, "Le chômage")
    add(session, project, group, ACTION, "Je fais du bénévolat")
    add(session, project, group, WELLBEING, "<script>alert(1)</script> **gras**")
    counts = groups_service.count_by_question(session=session, project_id=project.id, group_id=group.id)
    assert counts == {WELLBEING: 2, ILLBEING: 1, ACTION: 1}
    texts = [c.text for c in groups_service.list_criteria(session=session, project_id=project.id)]
    assert "<script>alert(1)</script> **gras**" in texts  # stored exactly, rendering escapes it


def test_bad_notes_refused(session, project, group):
    for text, key in [("   ", "error.text_empty"), ("x" * 10_000, "error.text_too_long")]:
        with pytest.raises(SpiraleError) as info:
            add(session, project, group, WELLBEING, text)
        assert info.value.key == key
    with pytest.raises(SpiraleError) as info:
        add(session, project, group, "other", "texte")
    assert (info.value.key, info.value.params) == ("error.question", {"question": "other"})
    assert groups_service.list_criteria(session=session, project_id=project.id) == []


def test_correction_keeps_the_written_text(session, project, group):
    note = add(session, project, group, ILLBEING, "le chommage")
    corrected = groups_service.correct_criterion(
        session=session, project_id=project.id, criterion_id=note.id, text="le chômage"
    )
    assert (corrected.text, corrected.corrected_text, corrected.shown_text) == (
        "le chommage",
        "le chômage",
        "le chômage",
    )


def test_soft_delete_and_undo(session, project, group):
    note = add(session, project, group, WELLBEING, "Des voisins sympas")
    groups_service.delete_criterion(session=session, project_id=project.id, criterion_id=note.id)
    assert groups_service.list_criteria(session=session, project_id=project.id) == []
    groups_service.restore_criterion(session=session, project_id=project.id, criterion_id=note.id)
    assert [c.id for c in groups_service.list_criteria(session=session, project_id=project.id)] == [note.id]


def test_group_validates_its_notes(session, project, group):
    for text in ["Un travail stable", "Un toit", "Des amis"]:
        add(session, project, group, WELLBEING, text)
    assert groups_service.validate_group(session=session, project_id=project.id, group_id=group.id) == 3
    assert groups_service.validate_group(session=session, project_id=project.id, group_id=group.id) == 0
    assert {c.status for c in groups_service.list_criteria(session=session, project_id=project.id)} == {VALIDATED}


def test_groups_of_another_project_are_out_of_reach(session, project, group):
    from workshop import projects

    other = projects.create_project(session=session, name="Ailleurs")
    with pytest.raises(SpiraleError) as info:
        groups_service.add_criterion(
            session=session, project_id=other.id, group_id=group.id, question=WELLBEING, text="intrus"
        )
    assert info.value.key == "error.group_missing"


def test_mixed_groups_listed_apart(session, project, group):
    groups_service.create_group(session=session, project_id=project.id, profile="Groupe mixte 1", kind=MIXED)
    assert [g.profile for g in groups_service.list_groups(session=session, project_id=project.id, kind=MIXED)] == [
        "Groupe mixte 1"
    ]


def make_indicator(session, project, group, levels=LEVELS):
    notes = [
        add(session, project, group, WELLBEING, "Un logement à soi"),
        add(session, project, group, ILLBEING, "Pas de toit"),
    ]
    return indicators_service.create_indicator(
        session=session,
        project_id=project.id,
        name_fr="Avoir un logement",
        family_code="A",
        component_code="A03",
        levels=levels,
        criterion_ids=[n.id for n in notes],
    )


def test_indicator_keeps_its_notes_and_levels(session, project, group):
    indicator = make_indicator(session, project, group)
    assert indicator.status == "active"
    frame = indicators_service.indicators_frame(session=session, project_id=project.id)
    row = frame.iloc[0]
    assert (row["notes"], row["groups"], row["level1"], row["level5"]) == (2, 1, LEVELS[1], "Idéal")


def test_indicator_without_five_levels_is_a_draft(session, project, group):
    indicator = make_indicator(session, project, group, levels={1: "Très mal", 5: "Très bien"})
    assert indicator.status == "draft"
    assert indicators_service.list_indicators(session=session, project_id=project.id, usable_only=True) == []


def test_indicator_with_unknown_notes_refused(session, project, group):
    with pytest.raises(SpiraleError) as info:
        indicators_service.create_indicator(session=session, project_id=project.id, name_fr="X", criterion_ids=[999])
    assert (info.value.key, info.value.params) == ("error.criterion_missing", {"ids": [999]})


def test_survey_means_weighted_and_dont_know_left_out(session, project, group):
    indicator = make_indicator(session, project, group)
    wave = surveys_service.create_wave(session=session, project_id=project.id, name="Vague 1")
    for level, weight in [(1, 1.0), (5, 3.0), (None, 1.0)]:
        surveys_service.add_response(
            session=session, project_id=project.id, wave_id=wave.id, levels={indicator.id: level}, weight=weight
        )
    answers = surveys_service.answers_frame(session=session, project_id=project.id, wave_id=wave.id)
    means = surveys_service.indicator_means(answers)
    row = means.iloc[0]
    # (1*1 + 5*3) / 4 = 4.0 ; share in 4-5 = 3/4 ; one "don't know".
    assert (row["mean"], row["share_good"], row["answers"], row["dont_know"]) == (4.0, 0.75, 2, 1)
    figure = charts.mean_by_indicator(means, names={indicator.id: "Logement"}, title="t", axis_label="a")
    assert list(figure.data[0].y) == ["Logement"] and list(figure.data[0].x) == [4.0]


def test_bad_survey_answers_refused(session, project, group):
    indicator = make_indicator(session, project, group)
    wave = surveys_service.create_wave(session=session, project_id=project.id, name="Vague 1")
    for levels, key in [({indicator.id: 6}, "error.level_range"), ({999: 3}, "error.indicator_unknown")]:
        with pytest.raises(SpiraleError) as info:
            surveys_service.add_response(session=session, project_id=project.id, wave_id=wave.id, levels=levels)
        assert info.value.key == key
    surveys_service.add_response(session=session, project_id=project.id, wave_id=wave.id, levels={}, code="r1")
    with pytest.raises(SpiraleError) as info:
        surveys_service.add_response(session=session, project_id=project.id, wave_id=wave.id, levels={}, code="r1")
    assert (info.value.key, info.value.params) == ("error.respondent_exists", {"code": "r1"})


def test_indicator_means_of_no_answer_is_empty():
    empty = pd.DataFrame(columns=["respondent", "profile", "place", "weight", "indicator_id", "level"])
    assert surveys_service.indicator_means(empty).empty


def test_action_with_partners_commitments(session, project, group):
    indicator = make_indicator(session, project, group)
    town = actions_service.add_partner(session=session, project_id=project.id, name="Mairie", kind="public")
    people = actions_service.add_partner(session=session, project_id=project.id, name="Habitants", kind="citizens")
    action = actions_service.create_action(
        session=session,
        project_id=project.id,
        title="Réparer les logements",
        targets={indicator.id: 4},
        pilot_partner_id=town.id,
        status="planned",
    )
    actions_service.add_commitment(
        session=session,
        project_id=project.id,
        action_id=action.id,
        partner_id=town.id,
        kind="funding",
        amount="12 000,50",
        unit="EUR",
    )
    actions_service.add_commitment(
        session=session,
        project_id=project.id,
        action_id=action.id,
        partner_id=people.id,
        kind="participation",
    )
    commitments = actions_service.commitments_frame(session=session, project_id=project.id)
    assert commitments[["partner", "kind", "amount"]].values.tolist()[0] == ["Mairie", "funding", 12000.5]
    assert len(commitments) == 2
    targets = actions_service.action_targets(session=session, project_id=project.id)
    assert targets.values.tolist() == [[action.id, indicator.id, 4]]


@pytest.mark.parametrize(
    ("amount", "key"),
    [("-5", "error.amount_negative"), ("beaucoup", "error.amount_number"), ("nan", "error.amount_negative")],
)
def test_bad_commitment_amounts_refused(amount, key):
    with pytest.raises(SpiraleError) as info:
        actions_service.parse_amount(amount)
    assert info.value.key == key
