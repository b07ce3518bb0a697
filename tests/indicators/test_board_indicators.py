"""Indicators made from the board's clusters; editing, reordering, retiring; mixed groups' delegates."""

import pytest

from groups import service as groups_service
from groups.models import ACTION, ILLBEING, MIXED, WELLBEING
from indicators import board, mixed
from indicators import service as indicators_service
from indicators.board import SuggestedGroup
from indicators.models import ACTIVE, DRAFT, RETIRED
from workshop.errors import SpiraleError

FIVE = {level: f"Situation {level}" for level in range(1, 6)}


@pytest.fixture
def setup(session, project):
    young = groups_service.create_group(session=session, project_id=project.id, profile="Jeunes")
    old = groups_service.create_group(session=session, project_id=project.id, profile="Aînés")
    rows = [
        (young, ILLBEING, "Un loyer trop cher"),
        (old, WELLBEING, "Un logement à soi"),
        (old, ACTION, "Demander une aide au logement"),
        (young, WELLBEING, "Des amis"),
    ]
    ids = [
        groups_service.add_criterion(session=session, project_id=project.id, group_id=g.id, question=q, text=t).id
        for g, q, t in rows
    ]
    view = board.load_board(session=session, project_id=project.id)
    board.apply_suggestion(
        session=session, project_id=project.id, groups=[SuggestedGroup("logement", ids[:3])], seen=view.versions
    )
    cluster = board.load_board(session=session, project_id=project.id).clusters[0]
    board.set_family(
        session=session,
        project_id=project.id,
        cluster_id=cluster.id,
        family_code="A",
        component_code="A03",
        seen={cluster.id: cluster.version},
    )
    return project.id, cluster.id, ids, (young, old)


def test_draft_from_a_cluster_then_create_keeps_its_notes_and_groups(session, setup):
    pid, cluster_id, ids, _ = setup
    draft = indicators_service.draft_from_clusters(session=session, project_id=pid, cluster_ids=[cluster_id])
    assert draft.name_fr == "logement" and (draft.family_code, draft.component_code) == ("A", "A03")
    assert draft.criterion_ids == ids[:3]
    assert "Un loyer trop cher" in draft.levels[1] and "Un logement à soi" in draft.levels[5]
    assert "Demander une aide au logement" in draft.levels[3]
    created = indicators_service.create_indicator(
        session=session,
        project_id=pid,
        name_fr="Un logement digne",
        family_code=draft.family_code,
        component_code=draft.component_code,
        levels=draft.levels,
        criterion_ids=draft.criterion_ids,
    )
    assert created.status == ACTIVE
    row = indicators_service.indicators_frame(session=session, project_id=pid).iloc[0]
    assert (row["notes"], row["groups"]) == (3, 2)
    support = indicators_service.supporting_notes(session=session, project_id=pid, indicator_id=created.id)
    assert sorted(support["group"].unique()) == ["Aînés", "Jeunes"]
    with pytest.raises(SpiraleError) as error:
        indicators_service.draft_from_clusters(session=session, project_id=pid, cluster_ids=[])
    assert error.value.key == "error.cluster_missing"


def test_edit_keeps_draft_until_five_levels(session, setup):
    pid, _, ids, _ = setup
    made = indicators_service.create_indicator(session=session, project_id=pid, name_fr="Amis", levels={1: "Seul"})
    assert made.status == DRAFT
    edited = indicators_service.update_indicator(
        session=session,
        project_id=pid,
        indicator_id=made.id,
        name_fr="Des amis",
        name_en="Friends",
        family_code="D",
        levels=FIVE,
        criterion_ids=[ids[3]],
    )
    assert (edited.status, edited.name_en, edited.family_code) == (ACTIVE, "Friends", "D")
    assert indicators_service.levels_of(session=session, project_id=pid, indicator_id=made.id) == FIVE
    back = indicators_service.update_indicator(
        session=session, project_id=pid, indicator_id=made.id, name_fr="Des amis", levels={**FIVE, 3: "  "}
    )
    assert back.status == DRAFT
    usable = indicators_service.list_indicators(session=session, project_id=pid, usable_only=True)
    assert made.id not in [i.id for i in usable]
    for bad, key in (
        ({"family_code": "Z"}, "error.grid_unknown_family"),
        ({"name_fr": "  "}, "error.text_empty"),
        ({"criterion_ids": [99999]}, "error.criterion_missing"),
    ):
        with pytest.raises(SpiraleError) as error:
            indicators_service.update_indicator(
                session=session, project_id=pid, indicator_id=made.id, **{"name_fr": "x", **bad}
            )
        assert error.value.key == key


def test_reorder_retire_and_restore(session, setup):
    pid = setup[0]
    a, b, c = (
        indicators_service.create_indicator(session=session, project_id=pid, name_fr=n, levels=FIVE).id for n in "abc"
    )
    order = [
        i.id for i in indicators_service.move_indicator(session=session, project_id=pid, indicator_id=c, offset=-1)
    ]
    assert order == [a, c, b]
    order = [
        i.id for i in indicators_service.move_indicator(session=session, project_id=pid, indicator_id=a, offset=-5)
    ]
    assert order == [a, c, b]
    retired = indicators_service.retire_indicator(session=session, project_id=pid, indicator_id=c)
    assert retired.status == RETIRED
    assert [i.id for i in indicators_service.list_indicators(session=session, project_id=pid)] == [a, b]
    assert c in [
        i.id for i in indicators_service.list_indicators(session=session, project_id=pid, include_retired=True)
    ]
    edited = indicators_service.update_indicator(
        session=session, project_id=pid, indicator_id=c, name_fr="c", levels=FIVE
    )
    assert edited.status == RETIRED  # editing does not bring it back by itself
    assert indicators_service.restore_indicator(session=session, project_id=pid, indicator_id=c).status == ACTIVE
    with pytest.raises(SpiraleError) as error:
        indicators_service.retire_indicator(session=session, project_id=pid + 1, indicator_id=a)
    assert error.value.key == "error.indicator_missing"


def test_mixed_group_composition_shows_represented_and_missing(session, setup):
    pid, _, _, (young, old) = setup
    newcomers = groups_service.create_group(session=session, project_id=pid, profile="Nouveaux arrivants")
    rainbow = mixed.create_mixed_group(session=session, project_id=pid, profile="Arc-en-ciel 1")
    assert rainbow.kind == MIXED
    table = mixed.compose(session=session, project_id=pid, mixed_group_id=rainbow.id, delegates={young.id: "Inès"})
    assert [(d.group, d.name) for d in table.delegates] == [("Jeunes", "Inès")]
    assert [g.profile for g in table.missing] == ["Aînés", "Nouveaux arrivants"] and not table.complete
    table = mixed.compose(
        session=session,
        project_id=pid,
        mixed_group_id=rainbow.id,
        delegates={old.id: "Marcel", newcomers.id: "", young.id: "Yanis"},
    )
    assert [(d.group, d.name) for d in table.delegates] == [
        ("Jeunes", "Yanis"),
        ("Aînés", "Marcel"),
        ("Nouveaux arrivants", ""),
    ]
    assert table.complete
    table = mixed.compose(session=session, project_id=pid, mixed_group_id=rainbow.id, delegates={old.id: "Marcel"})
    assert [g.profile for g in table.missing] == ["Jeunes", "Nouveaux arrivants"]
    for group_id, delegates, key in (
        (young.id, {}, "error.group_not_mixed"),
        (rainbow.id, {rainbow.id: "x"}, "error.delegate_group"),
        (rainbow.id, {old.id: "x" * 500}, "error.text_too_long"),
    ):
        with pytest.raises(SpiraleError) as error:
            mixed.compose(session=session, project_id=pid, mixed_group_id=group_id, delegates=delegates)
        assert error.value.key == key


def test_a_grid_code_chosen_in_a_list_is_a_family_or_a_component():
    families = {"A", "B"}
    assert indicators_service.code_pair("A", families) == ("A", None)
    assert indicators_service.code_pair("A06", families) == (None, "A06")
    assert indicators_service.code_pair(None, families) == (None, None)
    assert indicators_service.code_pair("", families) == (None, None)
