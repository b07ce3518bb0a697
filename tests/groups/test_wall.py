"""The projected wall's services: veiled questions ("individual, then collective"), moderation, what changed."""

import pytest

from groups import join, service
from groups.models import ACTION, HIDE, ILLBEING, SHOW, WELLBEING
from workshop import archive, projects
from workshop.errors import SpiraleError


@pytest.fixture
def group(session, project):
    return service.create_group(session=session, project_id=project.id, profile="Parents seuls")


def add(session, project, group, text: str, question: str = WELLBEING):
    return service.add_criterion(
        session=session, project_id=project.id, group_id=group.id, question=question, text=text
    )


def columns(session, project, group) -> dict[str, service.WallColumn]:
    return {c.question: c for c in service.wall(session=session, project_id=project.id, group_id=group.id)}


def test_wall_shows_notes_by_question_in_arrival_order(session, project, group):
    first = add(session, project, group, "Un parc propre")
    add(session, project, group, "Le bruit la nuit", ILLBEING)
    second = add(session, project, group, "Des voisins qui se parlent")
    wall = columns(session, project, group)
    assert [c.id for c in wall[WELLBEING].notes] == [first.id, second.id]
    assert (wall[WELLBEING].count, wall[ILLBEING].count, wall[ACTION].count) == (2, 1, 0)
    assert not any(c.veiled for c in wall.values())


def test_a_veiled_question_shows_only_its_count_until_revealed(session, project, group):
    service.set_veil(session=session, project_id=project.id, group_id=group.id, question=WELLBEING, veiled=True)
    add(session, project, group, "Un parc propre")
    add(session, project, group, "Un travail", WELLBEING)
    add(session, project, group, "Le bruit", ILLBEING)
    wall = columns(session, project, group)
    assert wall[WELLBEING].veiled and wall[WELLBEING].count == 2 and wall[WELLBEING].notes == ()
    assert [c.text for c in wall[ILLBEING].notes] == ["Le bruit"]  # the other questions are not veiled
    veils = service.set_veil(
        session=session, project_id=project.id, group_id=group.id, question=WELLBEING, veiled=False
    )
    assert veils == {WELLBEING: False, ILLBEING: False, ACTION: False}
    assert [c.text for c in columns(session, project, group)[WELLBEING].notes] == ["Un parc propre", "Un travail"]
    # The notes themselves never changed: every other screen lists them all along.
    assert len(service.list_criteria(session=session, project_id=project.id, group_id=group.id)) == 3


def test_veil_refuses_an_unknown_question_or_another_projects_group(session, project, group):
    with pytest.raises(SpiraleError) as caught:
        service.set_veil(session=session, project_id=project.id, group_id=group.id, question="x", veiled=True)
    assert caught.value.key == "error.question"
    other = projects.create_project(session=session, name="Autre")
    with pytest.raises(SpiraleError) as caught:
        service.set_veil(session=session, project_id=other.id, group_id=group.id, question=WELLBEING, veiled=True)
    assert caught.value.key == "error.group_missing"


def test_a_hidden_note_leaves_the_wall_is_kept_and_comes_back_logged(session, project, group):
    note = add(session, project, group, "Un mot blessant")
    kept = add(session, project, group, "Un parc propre")
    hidden = service.hide_criterion(session=session, project_id=project.id, criterion_id=note.id, account_id=7)
    assert hidden.hidden_at is not None and hidden.text == "Un mot blessant"
    assert [c.id for c in columns(session, project, group)[WELLBEING].notes] == [kept.id]
    assert columns(session, project, group)[WELLBEING].count == 1  # the room's count is of what it sees
    listed = {c.id: c for c in service.list_criteria(session=session, project_id=project.id, group_id=group.id)}
    assert listed[note.id].text == "Un mot blessant" and listed[note.id].hidden_at is not None

    shown = service.show_criterion(session=session, project_id=project.id, criterion_id=note.id, account_id=7)
    assert shown.hidden_at is None
    assert [c.id for c in columns(session, project, group)[WELLBEING].notes] == [note.id, kept.id]
    log = service.moderation_log(session=session, project_id=project.id, criterion_id=note.id)
    assert [(e.action, e.account_id) for e in log] == [(HIDE, 7), (SHOW, 7)]
    assert log[0].at <= log[1].at


def test_moderation_refuses_a_removed_note_or_another_projects_note(session, project, group):
    note = add(session, project, group, "Un parc propre")
    other = projects.create_project(session=session, name="Autre")
    with pytest.raises(SpiraleError) as caught:
        service.hide_criterion(session=session, project_id=other.id, criterion_id=note.id)
    assert caught.value.key == "error.criterion_missing"
    service.delete_criterion(session=session, project_id=project.id, criterion_id=note.id)
    with pytest.raises(SpiraleError) as caught:
        service.hide_criterion(session=session, project_id=project.id, criterion_id=note.id)
    assert caught.value.key == "error.criterion_missing"
    assert service.moderation_log(session=session, project_id=project.id) == []


def test_what_changed_follows_every_change_the_wall_shows_and_only_those(session, project, group):
    def change():
        return service.wall_change(session=session, project_id=project.id, group_id=group.id)

    seen = [change()]

    def changed() -> bool:
        now = change()
        new = now != seen[-1]
        seen.append(now)
        return new

    note = add(session, project, group, "Un parc propre")
    assert changed()
    assert not changed()  # nothing happened: the same value
    steps = [
        lambda: service.correct_criterion(session=session, project_id=project.id, criterion_id=note.id, text="Parc"),
        lambda: service.set_status(session=session, project_id=project.id, criterion_id=note.id, status="validated"),
        lambda: service.hide_criterion(session=session, project_id=project.id, criterion_id=note.id),
        lambda: service.show_criterion(session=session, project_id=project.id, criterion_id=note.id),
        lambda: service.delete_criterion(session=session, project_id=project.id, criterion_id=note.id),
        lambda: service.restore_criterion(session=session, project_id=project.id, criterion_id=note.id),
        lambda: service.set_veil(
            session=session, project_id=project.id, group_id=group.id, question=ACTION, veiled=True
        ),
        lambda: join.open_join(session=session, project_id=project.id, group_id=group.id),
        lambda: service.start_timer(
            session=session, project_id=project.id, group_id=group.id, question=WELLBEING, minutes=5
        ),
    ]
    for number, step in enumerate(steps):
        step()
        assert changed(), f"step {number} left the value unchanged"
    # Another group's notes do not change this group's value.
    other = service.create_group(session=session, project_id=project.id, profile="Aînés")
    add(session, project, other, "Un banc")
    assert not changed()
    assert service.wall_change(session=session, project_id=project.id + 1, group_id=group.id) is None


def test_project_change_follows_the_notes_of_every_group(session, project, group):
    before = service.project_change(session=session, project_id=project.id)
    note = add(session, project, group, "Un parc propre")
    after = service.project_change(session=session, project_id=project.id)
    assert after != before
    service.hide_criterion(session=session, project_id=project.id, criterion_id=note.id)
    assert service.project_change(session=session, project_id=project.id) != after


def test_archive_round_trip_keeps_veils_hidden_notes_and_their_log(session, project, group):
    import schema

    note = add(session, project, group, "Un mot blessant")
    service.hide_criterion(session=session, project_id=project.id, criterion_id=note.id, account_id=3)
    service.set_veil(session=session, project_id=project.id, group_id=group.id, question=WELLBEING, veiled=True)
    data = archive.export_project(session=session, metadata=schema.metadata, project_id=project.id)
    copy = archive.import_project(session=session, metadata=schema.metadata, data=data)
    copied_group = service.list_groups(session=session, project_id=copy)[0]
    copied = service.list_criteria(session=session, project_id=copy)[0]
    assert copied.hidden_at is not None and copied.text == "Un mot blessant"
    assert service.wall_veils(session=session, project_id=copy, group_id=copied_group.id)[WELLBEING]
    assert [(e.criterion_id, e.action) for e in service.moderation_log(session=session, project_id=copy)] == [
        (copied.id, HIDE)
    ]


def test_erasing_a_participant_takes_the_moderation_log_of_their_notes(session, project, group):
    from privacy import service as privacy
    from privacy.service import Selector

    token = "phone-of-marie-0123456789abcdef"
    note = service.add_criterion(
        session=session,
        project_id=project.id,
        group_id=group.id,
        question=WELLBEING,
        text="Je m'appelle Marie Dupont",
        participant_token=token,
    )
    kept = add(session, project, group, "Un parc propre")
    service.hide_criterion(session=session, project_id=project.id, criterion_id=note.id)
    service.hide_criterion(session=session, project_id=project.id, criterion_id=kept.id)
    summary = privacy.erase_participant(session=session, project_id=project.id, selector=Selector(token=token))
    assert summary.notes == 1 and summary.removed.get("note_moderation") == 1
    assert [e.criterion_id for e in service.moderation_log(session=session, project_id=project.id)] == [kept.id]
