"""The clustering board's services: pin, rename, merge, split, move, family, re-suggest, undo, history, concurrency."""

import json

import pytest

from groups import service as groups_service
from groups.models import ACTION, ILLBEING, WELLBEING
from indicators import board
from indicators.board import SuggestedGroup
from indicators.models import BoardEvent, Cluster
from workshop.errors import SpiraleError
from workshop.text import NOTE_MAX

NOTES = [
    ("Jeunes", WELLBEING, "Avoir un logement à soi"),
    ("Jeunes", ILLBEING, "Un loyer trop cher"),
    ("Aînés", WELLBEING, "Un appartement adapté"),
    ("Aînés", ILLBEING, "La solitude le dimanche"),
    ("Aînés", WELLBEING, "Des voisins qui se parlent"),
    ("Jeunes", ACTION, "Organiser une fête de quartier"),
]


@pytest.fixture
def notes(session, project):
    groups = {
        name: groups_service.create_group(session=session, project_id=project.id, profile=name)
        for name in ("Jeunes", "Aînés")
    }
    return [
        groups_service.add_criterion(
            session=session, project_id=project.id, group_id=groups[g].id, question=q, text=text
        ).id
        for g, q, text in NOTES
    ]


@pytest.fixture
def laid_out(session, project, notes):
    """Two clusters (housing, neighbours) and one note left alone."""
    groups = [SuggestedGroup("logement", notes[0:3]), SuggestedGroup("voisins", notes[3:5])]
    view = board.load_board(session=session, project_id=project.id)
    board.apply_suggestion(session=session, project_id=project.id, groups=groups, seen=view.versions)
    return board.load_board(session=session, project_id=project.id)


def view(session, project):
    return board.load_board(session=session, project_id=project.id)


def members(cluster):
    return [n.criterion_id for n in cluster.notes]


def test_suggestion_lays_out_clusters_and_keeps_notes_alone(session, project, notes, laid_out):
    assert [c.name for c in laid_out.clusters] == ["logement", "voisins"]
    assert members(laid_out.clusters[0]) == notes[0:3]
    assert [n.criterion_id for n in laid_out.unclustered] == [notes[5]]
    assert laid_out.clusters[0].groups == ["Aînés", "Jeunes"]
    assert laid_out.clusters[0].notes[1].question == ILLBEING


def test_pin_and_rename(session, project, laid_out):
    housing = laid_out.clusters[0]
    board.pin(session=session, project_id=project.id, cluster_id=housing.id, seen=laid_out.versions)
    after = view(session, project)
    board.rename(session=session, project_id=project.id, cluster_id=housing.id, name="  Un toit  ", seen=after.versions)
    cluster = view(session, project).cluster(housing.id)
    assert cluster.pinned and cluster.name == "Un toit" and cluster.version == housing.version + 2
    with pytest.raises(SpiraleError) as error:
        board.rename(
            session=session,
            project_id=project.id,
            cluster_id=housing.id,
            name="   ",
            seen=view(session, project).versions,
        )
    assert error.value.key == "error.text_empty"


def test_merge_then_undo_restores_both(session, project, notes, laid_out):
    housing, neighbours = laid_out.clusters
    board.merge(
        session=session, project_id=project.id, source_id=neighbours.id, target_id=housing.id, seen=laid_out.versions
    )
    merged = view(session, project)
    assert [c.id for c in merged.clusters] == [housing.id]
    assert members(merged.clusters[0]) == notes[0:5]
    board.undo(session=session, project_id=project.id, event_id=merged.last_event_id)
    back = view(session, project)
    assert [members(c) for c in back.clusters] == [notes[0:3], notes[3:5]]
    assert [c.name for c in back.clusters] == ["logement", "voisins"]


def test_merge_into_itself_is_refused(session, project, laid_out):
    housing = laid_out.clusters[0]
    with pytest.raises(SpiraleError) as error:
        board.merge(
            session=session, project_id=project.id, source_id=housing.id, target_id=housing.id, seen=laid_out.versions
        )
    assert error.value.key == "error.merge_same"
    assert view(session, project).clusters[0].version == housing.version


def test_split_chosen_notes_into_a_new_cluster(session, project, notes, laid_out):
    housing = laid_out.clusters[0]
    board.split(
        session=session,
        project_id=project.id,
        cluster_id=housing.id,
        criterion_ids=[notes[1]],
        seen=laid_out.versions,
        name="Le coût",
    )
    after = view(session, project)
    assert members(after.cluster(housing.id)) == [notes[0], notes[2]]
    new = after.clusters[-1]
    assert new.name == "Le coût" and members(new) == [notes[1]]
    for bad, key in (
        ([], "error.split_empty"),
        ([notes[0], notes[2]], "error.split_all"),
        ([notes[4]], "error.split_foreign"),
    ):
        with pytest.raises(SpiraleError) as error:
            board.split(
                session=session,
                project_id=project.id,
                cluster_id=housing.id,
                criterion_ids=bad,
                seen=view(session, project).versions,
            )
        assert error.value.key == key
    board.undo(session=session, project_id=project.id, event_id=after.last_event_id)
    back = view(session, project)
    assert members(back.cluster(housing.id)) == notes[0:3] and len(back.clusters) == 2


def test_move_notes_between_clusters_and_out_of_none(session, project, notes, laid_out):
    housing, neighbours = laid_out.clusters
    board.move_notes(
        session=session,
        project_id=project.id,
        criterion_ids=[notes[2], notes[5]],
        target_id=neighbours.id,
        seen=laid_out.versions,
    )
    after = view(session, project)
    assert members(after.cluster(neighbours.id)) == [notes[3], notes[4], notes[2], notes[5]]
    assert members(after.cluster(housing.id)) == notes[0:2]
    assert after.unclustered == []
    board.undo(session=session, project_id=project.id, event_id=after.last_event_id)
    back = view(session, project)
    assert members(back.cluster(neighbours.id)) == notes[3:5]
    assert [n.criterion_id for n in back.unclustered] == [notes[5]]


def test_moving_every_note_out_empties_and_hides_the_cluster_then_undo(session, project, notes, laid_out):
    housing, neighbours = laid_out.clusters
    board.move_notes(
        session=session, project_id=project.id, criterion_ids=notes[3:5], target_id=housing.id, seen=laid_out.versions
    )
    after = view(session, project)
    assert [c.id for c in after.clusters] == [housing.id]
    board.undo(session=session, project_id=project.id, event_id=after.last_event_id)
    assert [c.id for c in view(session, project).clusters] == [housing.id, neighbours.id]


def test_move_to_a_new_cluster(session, project, notes, laid_out):
    board.move_notes(
        session=session, project_id=project.id, criterion_ids=[notes[3]], target_id=None, seen=laid_out.versions
    )
    after = view(session, project)
    assert len(after.clusters) == 3 and members(after.clusters[-1]) == [notes[3]]
    assert after.clusters[-1].name == "La solitude le dimanche"
    with pytest.raises(SpiraleError) as error:
        board.move_notes(session=session, project_id=project.id, criterion_ids=[], target_id=None, seen=after.versions)
    assert error.value.key == "error.move_empty"


def test_a_new_clusters_name_is_cut_only_at_the_limit(session, project, notes, laid_out):
    """A typed name up to the limit is kept whole; a note's own text (up to NOTE_MAX) is cut at the limit."""
    assert NOTE_MAX > board.CLUSTER_NAME_MAX
    typed = "Se sentir chez soi dans son immeuble, " * 5 + "x" * 10
    assert len(typed) == board.CLUSTER_NAME_MAX
    board.move_notes(session=session, project_id=project.id, criterion_ids=[notes[3]], target_id=None,
                     seen=laid_out.versions, name=typed)  # fmt: skip
    assert view(session, project).cluster_of(notes[3]).name == typed
    group = groups_service.create_group(session=session, project_id=project.id, profile="Parents")
    long_note = "Un logement trop petit pour nous quatre " * 7
    assert board.CLUSTER_NAME_MAX < len(long_note) <= NOTE_MAX
    note = groups_service.add_criterion(session=session, project_id=project.id, group_id=group.id, question=ILLBEING,
                                        text=long_note)  # fmt: skip
    board.move_notes(session=session, project_id=project.id, criterion_ids=[note.id], target_id=None,
                     seen=view(session, project).versions)  # fmt: skip
    assert view(session, project).cluster_of(note.id).name == long_note.strip()[: board.CLUSTER_NAME_MAX]


def test_a_note_another_screen_just_moved_is_refused_and_nothing_changes(session, project, notes, laid_out):
    housing, neighbours = laid_out.clusters
    # Screen A moves note 2 to the neighbours; screen B, still on the old view, tries to move it elsewhere.
    board.move_notes(
        session=session,
        project_id=project.id,
        criterion_ids=[notes[2]],
        target_id=neighbours.id,
        seen=laid_out.versions,
    )
    before = view(session, project)
    with pytest.raises(SpiraleError) as error:
        board.move_notes(
            session=session, project_id=project.id, criterion_ids=[notes[2]], target_id=None, seen=laid_out.versions
        )
    assert error.value.key == "error.board_changed"
    assert view(session, project) == before
    # A note alone that another screen put in a cluster: the cluster's version changed too.
    board.move_notes(
        session=session, project_id=project.id, criterion_ids=[notes[5]], target_id=housing.id, seen=before.versions
    )
    with pytest.raises(SpiraleError) as error:
        board.move_notes(
            session=session,
            project_id=project.id,
            criterion_ids=[notes[5]],
            target_id=neighbours.id,
            seen=before.versions,
        )
    assert error.value.key == "error.board_changed"


def test_an_old_screen_cannot_rename_merge_or_undo(session, project, laid_out):
    housing, neighbours = laid_out.clusters
    board.rename(session=session, project_id=project.id, cluster_id=housing.id, name="Toit", seen=laid_out.versions)
    for call in (
        lambda: board.rename(
            session=session, project_id=project.id, cluster_id=housing.id, name="X", seen=laid_out.versions
        ),
        lambda: board.merge(
            session=session,
            project_id=project.id,
            source_id=neighbours.id,
            target_id=housing.id,
            seen=laid_out.versions,
        ),
        lambda: board.undo(session=session, project_id=project.id, event_id=laid_out.last_event_id),
    ):
        with pytest.raises(SpiraleError) as error:
            call()
        assert error.value.key == "error.board_changed"
    assert view(session, project).cluster(housing.id).name == "Toit"


def test_family_checked_against_the_grid(session, project, laid_out):
    housing = laid_out.clusters[0]
    board.set_family(
        session=session,
        project_id=project.id,
        cluster_id=housing.id,
        family_code=None,
        component_code="A03",
        seen=laid_out.versions,
    )
    cluster = view(session, project).cluster(housing.id)
    assert (cluster.family_code, cluster.component_code) == ("A", "A03")
    for family, component, key in (
        ("Z", None, "error.grid_unknown_family"),
        ("B", "A03", "error.grid_code_family"),
        ("A", "A99", "error.grid_unknown_component"),
    ):
        with pytest.raises(SpiraleError) as error:
            board.set_family(
                session=session,
                project_id=project.id,
                cluster_id=housing.id,
                family_code=family,
                component_code=component,
                seen=view(session, project).versions,
            )
        assert error.value.key == key


def test_resuggest_replaces_only_unpinned_clusters(session, project, notes, laid_out):
    housing, neighbours = laid_out.clusters
    board.pin(session=session, project_id=project.id, cluster_id=housing.id, seen=laid_out.versions)
    free = board.free_notes(session=session, project_id=project.id)
    assert [i for i, _ in free] == notes[3:6]
    seen = view(session, project).versions
    board.apply_suggestion(
        session=session, project_id=project.id, groups=[SuggestedGroup("quartier", notes[4:6])], seen=seen
    )
    after = view(session, project)
    assert [(c.name, members(c)) for c in after.clusters] == [("logement", notes[0:3]), ("quartier", notes[4:6])]
    assert after.cluster(housing.id).version == seen[housing.id]  # the pinned cluster was not touched
    assert [n.criterion_id for n in after.unclustered] == [notes[3]]
    board.undo(session=session, project_id=project.id, event_id=after.last_event_id)
    assert [c.id for c in view(session, project).clusters] == [housing.id, neighbours.id]


def test_engine_suggestion_on_free_notes(session, project, notes, no_embedding):
    groups = board.suggest_groups(board.free_notes(session=session, project_id=project.id), threshold=0.9)
    assert groups and all(len(g.criterion_ids) > 1 for g in groups)
    assert len({i for g in groups for i in g.criterion_ids}) == sum(len(g.criterion_ids) for g in groups)
    assert board.suggest_groups([]) == []


def test_undo_walks_back_and_history_keeps_everything(session, project, notes, laid_out):
    housing = laid_out.clusters[0]
    board.rename(session=session, project_id=project.id, cluster_id=housing.id, name="Toit", seen=laid_out.versions)
    board.pin(session=session, project_id=project.id, cluster_id=housing.id, seen=view(session, project).versions)
    for _ in range(3):
        board.undo(session=session, project_id=project.id, event_id=view(session, project).last_event_id)
    empty = view(session, project)
    assert empty.clusters == [] and len(empty.unclustered) == len(notes)
    with pytest.raises(SpiraleError) as error:
        board.undo(session=session, project_id=project.id, event_id=empty.last_event_id)
    assert error.value.key == "error.undo_nothing"
    kinds = [(e.kind, e.undone) for e in board.history(session=session, project_id=project.id)]
    assert kinds == [("undo", False)] * 3 + [("pin", True), ("rename", True), ("suggest", True)]
    assert board.history(session=session, project_id=project.id)[-1].names == ["logement", "voisins"]


def test_notes_themselves_never_change(session, project, notes, laid_out):
    before = [c.model_dump() for c in groups_service.list_criteria(session=session, project_id=project.id)]
    housing, neighbours = laid_out.clusters
    board.merge(
        session=session, project_id=project.id, source_id=neighbours.id, target_id=housing.id, seen=laid_out.versions
    )
    board.undo(session=session, project_id=project.id, event_id=view(session, project).last_event_id)
    assert [c.model_dump() for c in groups_service.list_criteria(session=session, project_id=project.id)] == before


def test_deleted_notes_are_hidden_and_clusters_of_other_projects_unknown(session, project, notes, laid_out):
    groups_service.delete_criterion(session=session, project_id=project.id, criterion_id=notes[0])
    assert notes[0] not in members(view(session, project).clusters[0])
    with pytest.raises(SpiraleError) as error:
        board.pin(
            session=session, project_id=project.id + 1, cluster_id=laid_out.clusters[0].id, seen=laid_out.versions
        )
    assert error.value.key == "error.cluster_missing"


def test_undo_refuses_a_history_that_points_elsewhere(session, project, laid_out):
    event = session.get(BoardEvent, laid_out.last_event_id)
    payload = json.loads(event.payload)
    payload["after"][0]["id"] = 999_999
    event.payload = json.dumps(payload)
    session.add(event)
    with pytest.raises(SpiraleError) as error:
        board.undo(session=session, project_id=project.id, event_id=event.id)
    assert error.value.key == "error.undo_stale"
    assert session.get(Cluster, laid_out.clusters[0].id).active


def test_notes_of_clusters_for_an_indicator(session, project, notes, laid_out):
    housing, neighbours = laid_out.clusters
    ids = board.notes_of_clusters(session=session, project_id=project.id, cluster_ids=[neighbours.id, housing.id])
    assert ids == notes[3:5] + notes[0:3]
    with pytest.raises(SpiraleError) as error:
        board.notes_of_clusters(session=session, project_id=project.id, cluster_ids=[999])
    assert error.value.key == "error.cluster_missing"


def test_cluster_family_suggestion_learns_from_classified_notes(session, project, notes, no_embedding):
    groups_service.classify_criterion(
        session=session, project_id=project.id, criterion_id=notes[0], family_code="A", component_code="A03"
    )
    inputs = board.family_inputs(session=session, project_id=project.id)
    assert ("Avoir un logement à soi", "A03") in inputs.confirmed
    suggester = board.make_suggester(inputs)
    suggestion = board.suggest_cluster_family(["Avoir un logement à soi", "Un appartement adapté"], suggester)
    assert suggestion.family == "A" and suggestion.component == "A03"
    assert board.suggest_cluster_family([], suggester) is None


def test_two_screens_at_once_on_postgres(pg_url):
    """Row locks and versions on PostgreSQL: of two screens moving the same note, the later one is refused."""
    from workshop import database, projects

    database.prepare(pg_url)
    with database.session_scope(pg_url) as session:
        pid = projects.create_project(session=session, name="PG", place="").id
        group = groups_service.create_group(session=session, project_id=pid, profile="Jeunes").id
        ids = [
            groups_service.add_criterion(session=session, project_id=pid, group_id=group, question=WELLBEING, text=t).id
            for t in ("Un toit", "Un logement", "Des amis", "Des voisins")
        ]
        seen = board.load_board(session=session, project_id=pid).versions
        board.apply_suggestion(
            session=session,
            project_id=pid,
            seen=seen,
            groups=[SuggestedGroup("toit", ids[:2]), SuggestedGroup("amis", ids[2:])],
        )
    with database.session_scope(pg_url) as session:
        old = board.load_board(session=session, project_id=pid)
    housing, friends = old.clusters
    with database.session_scope(pg_url) as session:
        board.move_notes(
            session=session, project_id=pid, criterion_ids=[ids[0]], target_id=friends.id, seen=old.versions
        )
    with pytest.raises(SpiraleError) as error, database.session_scope(pg_url) as session:
        board.move_notes(session=session, project_id=pid, criterion_ids=[ids[0]], target_id=None, seen=old.versions)
    assert error.value.key == "error.board_changed"
    with database.session_scope(pg_url) as session:
        now = board.load_board(session=session, project_id=pid)
        assert [n.criterion_id for n in now.cluster(friends.id).notes] == [ids[2], ids[3], ids[0]]
        board.undo(session=session, project_id=pid, event_id=now.last_event_id)
    with database.session_scope(pg_url) as session:
        back = board.load_board(session=session, project_id=pid)
    assert [n.criterion_id for n in back.cluster(housing.id).notes] == ids[:2]
