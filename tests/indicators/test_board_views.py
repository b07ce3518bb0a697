"""Synthesis of step 2: families -> indicators -> notes, groups x families, notes no indicator carries; figures."""

import pytest

from groups import service as groups_service
from groups.models import ILLBEING, WELLBEING
from indicators import board, charts
from indicators import service as indicators_service
from indicators.board import SuggestedGroup

LEVELS = {level: f"Situation {level}" for level in range(1, 6)}


@pytest.fixture
def setting(session, project):
    pid = project.id
    young = groups_service.create_group(session=session, project_id=pid, profile="Jeunes").id
    old = groups_service.create_group(session=session, project_id=pid, profile="Aînés").id

    def add(group: int, question: str, text: str) -> int:
        return groups_service.add_criterion(
            session=session, project_id=pid, group_id=group, question=question, text=text
        ).id

    ids = [
        add(young, ILLBEING, "Loyer trop cher"),
        add(old, WELLBEING, "Un logement à soi"),
        add(old, WELLBEING, "Des voisins"),
        add(young, WELLBEING, "Des amis"),
        add(young, ILLBEING, "Le bruit"),
    ]
    groups_service.classify_criterion(session=session, project_id=pid, criterion_id=ids[4], family_code="B")
    indicators_service.create_indicator(
        session=session,
        project_id=pid,
        name_fr="Un logement digne",
        component_code="A03",
        levels=LEVELS,
        criterion_ids=ids[:2],
    )
    indicators_service.create_indicator(session=session, project_id=pid, name_fr="Sans post-it", family_code="D")
    retired = indicators_service.create_indicator(
        session=session, project_id=pid, name_fr="Ancien", family_code="D", levels=LEVELS, criterion_ids=[ids[3]]
    )
    indicators_service.retire_indicator(session=session, project_id=pid, indicator_id=retired.id)
    view = board.load_board(session=session, project_id=pid)
    board.apply_suggestion(
        session=session, project_id=pid, groups=[SuggestedGroup("liens", ids[2:4])], seen=view.versions
    )
    cluster = board.load_board(session=session, project_id=pid).clusters[0]
    board.set_family(
        session=session, project_id=pid, cluster_id=cluster.id, family_code="D", seen={cluster.id: cluster.version}
    )
    return pid, ids


def test_tree_of_families_indicators_notes(session, setting):
    pid, _ = setting
    tree = indicators_service.synthesis_tree(session=session, project_id=pid)
    assert tree.values.tolist() == [
        ["A", "Un logement digne", "Loyer trop cher", "Jeunes"],
        ["A", "Un logement digne", "Un logement à soi", "Aînés"],
        ["D", "Sans post-it", "", ""],
    ]
    for kind in ("sunburst", "treemap"):
        figure = charts.family_tree(tree, kind=kind, families={"A": "Accès aux moyens de vie"}, no_note="(aucun)")
        assert figure.data[0].type == kind
        assert "A · Accès aux moyens de vie" in list(figure.data[0].labels)
        assert "(aucun)" in list(figure.data[0].labels)


def test_the_tree_says_its_slices_in_the_readers_words(session, setting):
    """No plotly express English ("labels=", "count=", "parent=") in the hover box: the name, the count of notes
    in words, and a note's group."""
    pid, _ = setting
    tree = indicators_service.synthesis_tree(session=session, project_id=pid)
    for kind in ("sunburst", "treemap"):
        for lang, notes in (("fr", "2 post-it"), ("en", "2 notes")):
            trace = charts.family_tree(tree, kind=kind, families={"A": "Accès"}, no_note="(aucun)", lang=lang).data[0]
            assert trace.hovertemplate == "%{hovertext}<extra></extra>"
            hover = dict(zip(trace.labels, trace.hovertext, strict=True))
            assert hover["Un logement digne"] == f"Un logement digne<br>{notes}"
            one = "1 post-it" if lang == "fr" else "1 note"
            assert hover["Loyer trop cher"] == f"Loyer trop cher<br>{one}<br>Jeunes"
            assert not any(word in text for text in trace.hovertext for word in ("labels=", "count=", "(?)"))


def test_who_spoke_of_what(session, setting):
    pid, _ = setting
    matrix = indicators_service.groups_by_family(session=session, project_id=pid)
    # Own classification first (B), then the indicator's family (A), then the cluster's (D); retired ones do not count.
    assert matrix.loc["Jeunes"].to_dict() == {"A": 1, "B": 1, "D": 1}
    assert matrix.loc["Aînés"].to_dict() == {"A": 1, "B": 0, "D": 1}
    figure = charts.groups_families_heatmap(matrix, families={"B": "Cadre de vie"})
    assert figure.data[0].type == "heatmap" and "B · Cadre de vie" in list(figure.data[0].x)


def test_notes_no_indicator_carries(session, setting):
    pid, ids = setting
    forgotten = indicators_service.notes_without_indicator(session=session, project_id=pid)
    assert forgotten["id"].tolist() == ids[2:]  # the retired indicator's note is free again


def test_empty_project_gives_empty_views(session, project):
    assert indicators_service.synthesis_tree(session=session, project_id=project.id).empty
    assert indicators_service.groups_by_family(session=session, project_id=project.id).empty
    assert charts.family_tree(indicators_service.synthesis_tree(session=session, project_id=project.id)).data == ()
