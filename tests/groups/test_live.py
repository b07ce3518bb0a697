"""Step 1 live: join codes, phones' notes, double taps, rate limit, countdown, question wordings."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from groups import join, service
from groups.models import ACTION, ILLBEING, VALIDATED, WELLBEING
from workshop import database, projects
from workshop.errors import SpiraleError
from workshop.text import NOTE_MAX


@pytest.fixture
def group(session, project):
    created = service.create_group(session=session, project_id=project.id, profile="Jeunes de 16 à 25 ans")
    session.commit()
    return created


@pytest.fixture
def code(session, project, group):
    opened = join.open_join(session=session, project_id=project.id, group_id=group.id)
    session.commit()
    return opened.join_code


def refused(key: str, call, **params) -> SpiraleError:
    with pytest.raises(SpiraleError) as caught:
        call(**params)
    assert caught.value.key == key, caught.value
    return caught.value


def test_open_code_is_short_unambiguous_and_kept(session, project, group, code):
    assert len(code) == join.CODE_LENGTH and set(code) <= set(join.ALPHABET)
    assert not set(code) & set("0O1IL2Z5S8B")
    again = join.open_join(session=session, project_id=project.id, group_id=group.id)
    assert again.join_code == code and join.is_open(again)
    found = join.find_group(session=session, code=f" {code[:3].lower()}-{code[3:]} ")
    assert (found.group_id, found.project_id, found.profile) == (group.id, project.id, "Jeunes de 16 à 25 ans")


def test_codes_are_unique_across_projects(session, project):
    other = projects.create_project(session=session, name="Autre quartier")
    codes = set()
    for owner in (project, other):
        for number in range(20):
            made = service.create_group(session=session, project_id=owner.id, profile=f"G{number}")
            codes.add(join.open_join(session=session, project_id=owner.id, group_id=made.id).join_code)
    assert len(codes) == 40


def test_wrong_empty_and_closed_codes_are_refused(session, project, group, code):
    refused("error.join_code_empty", join.find_group, session=session, code="  ")
    refused("error.join_code_unknown", join.find_group, session=session, code="ZZZ")
    unknown = "".join(c for c in join.ALPHABET if c not in code)[:6]
    assert refused("error.join_code_unknown", join.find_group, session=session, code=unknown).params["code"] == unknown
    join.close_join(session=session, project_id=project.id, group_id=group.id)
    refused("error.join_code_closed", join.find_group, session=session, code=code)
    refused(
        "error.join_code_closed",
        join.send_note,
        session=session,
        code=code,
        participant_token="t",
        question=WELLBEING,
        text="Une idée",
    )


def test_code_expires_by_itself(session, project, group):
    opened = join.open_join(session=session, project_id=project.id, group_id=group.id, hours=-0.01)
    assert not join.is_open(opened)
    refused("error.join_code_closed", join.find_group, session=session, code=opened.join_code)


def test_code_copied_by_an_archive_is_renewed_when_opened(session, project, group, code):
    twin = service.create_group(session=session, project_id=project.id, profile="Copie")
    from groups.models import Group

    session.get(Group, twin.id).join_code = code
    reopened = join.open_join(session=session, project_id=project.id, group_id=twin.id)
    assert reopened.join_code != code
    assert join.find_group(session=session, code=code).group_id == group.id


def test_phone_sends_sees_edits_and_withdraws_its_own_notes(session, project, group, code):
    mine, theirs = join.new_participant_token(), join.new_participant_token()
    note = join.send_note(
        session=session, code=code, participant_token=mine, question=ILLBEING, text="Le bruit la nuit", alias="Léa"
    )
    join.send_note(session=session, code=code, participant_token=theirs, question=ACTION, text="Un jardin")
    assert (note.author, note.participant_token, note.group_id) == ("Léa", mine, group.id)
    assert [n.text for n in join.own_notes(session=session, code=code, participant_token=mine)] == ["Le bruit la nuit"]
    edited = join.edit_own_note(
        session=session, code=code, participant_token=mine, criterion_id=note.id, text="Le bruit des scooters"
    )
    assert (edited.text, edited.shown_text) == ("Le bruit la nuit", "Le bruit des scooters")
    refused(
        "error.criterion_missing",
        join.edit_own_note,
        session=session,
        code=code,
        participant_token=theirs,
        criterion_id=note.id,
        text="pirate",
    )
    service.set_status(session=session, project_id=project.id, criterion_id=note.id, status=VALIDATED)
    refused(
        "error.note_validated",
        join.edit_own_note,
        session=session,
        code=code,
        participant_token=mine,
        criterion_id=note.id,
        text="trop tard",
    )
    other = join.send_note(session=session, code=code, participant_token=mine, question=ACTION, text="Des murs")
    join.withdraw_own_note(session=session, code=code, participant_token=mine, criterion_id=other.id)
    assert [n.id for n in join.own_notes(session=session, code=code, participant_token=mine)] == [note.id]


def test_a_code_reaches_its_own_group_only(session, project, group, code):
    other = service.create_group(session=session, project_id=project.id, profile="Retraités")
    foreign = service.add_criterion(
        session=session, project_id=project.id, group_id=other.id, question=WELLBEING, text="Le marché"
    )
    refused(
        "error.criterion_missing",
        join.edit_own_note,
        session=session,
        code=code,
        participant_token="",
        criterion_id=foreign.id,
        text="pirate",
    )


def test_bad_notes_are_refused_with_a_reason(session, code):
    send = lambda text: join.send_note(  # noqa: E731
        session=session, code=code, participant_token="tok", question=WELLBEING, text=text
    )
    refused("error.text_empty", send, text=" \n\t ")
    error = refused("error.text_too_long", send, text="x" * (NOTE_MAX + 1))
    assert error.params == {"limit": NOTE_MAX, "length": NOTE_MAX + 1}
    refused("error.question", join.send_note, session=session, code=code, participant_token="t", question="x", text="a")
    refused(
        "error.join_token",
        join.send_note,
        session=session,
        code=code,
        participant_token=" ",
        question=WELLBEING,
        text="a",
    )
    hostile = send("<script>alert(1)</script> **gras**")
    assert hostile.text == "<script>alert(1)</script> **gras**"


def test_double_tap_stores_one_note(session, project, group, code):
    first = join.send_note(session=session, code=code, participant_token="tok", question=WELLBEING, text="Un toit")
    second = join.send_note(session=session, code=code, participant_token="tok", question=WELLBEING, text=" Un toit ")
    assert first.id == second.id
    other_phone = join.send_note(
        session=session, code=code, participant_token="tik", question=WELLBEING, text="Un toit"
    )
    assert other_phone.id != first.id
    typed = [
        service.add_criterion(session=session, project_id=project.id, group_id=group.id, question=ACTION, text="Voir")
        for _ in range(2)
    ]
    assert typed[0].id == typed[1].id
    assert len(service.list_criteria(session=session, project_id=project.id)) == 3


def test_same_text_later_is_a_new_note(session, project, group, code, monkeypatch):
    first = join.send_note(session=session, code=code, participant_token="tok", question=WELLBEING, text="Un toit")
    later = database.utcnow() + timedelta(seconds=service.DOUBLE_TAP_SECONDS + 1)
    monkeypatch.setattr(service, "utcnow", lambda: later)
    again = join.send_note(session=session, code=code, participant_token="tok", question=WELLBEING, text="Un toit")
    assert again.id != first.id


def test_one_phone_cannot_flood_the_wall(session, project, group, code):
    for number in range(service.RATE_LIMIT_NOTES):
        join.send_note(session=session, code=code, participant_token="tok", question=WELLBEING, text=f"Idée {number}")
    error = refused(
        "error.note_rate",
        join.send_note,
        session=session,
        code=code,
        participant_token="tok",
        question=WELLBEING,
        text="Une de trop",
    )
    assert 1 <= int(error.params["seconds"]) <= service.RATE_WINDOW_SECONDS + 1
    join.send_note(session=session, code=code, participant_token="other", question=WELLBEING, text="Une de trop")
    for number in range(service.RATE_LIMIT_NOTES + 3):  # the facilitator's typing is not limited
        service.add_criterion(
            session=session, project_id=project.id, group_id=group.id, question=ACTION, text=f"Saisie {number}"
        )


def test_counts_per_author(session, project, group, code):
    for text in ("a", "b"):
        join.send_note(session=session, code=code, participant_token="p1", question=WELLBEING, text=text, alias="Léa")
    join.send_note(session=session, code=code, participant_token="p2", question=WELLBEING, text="c")
    service.add_criterion(session=session, project_id=project.id, group_id=group.id, question=ACTION, text="d")
    counts = service.count_by_author(session=session, project_id=project.id, group_id=group.id)
    assert [(a.name, a.notes, a.from_phone) for a in counts] == [("Léa", 2, True), ("", 1, True), ("", 1, False)]


def test_countdown_per_question(session, project, group):
    started = service.start_timer(
        session=session, project_id=project.id, group_id=group.id, question=ILLBEING, minutes=5
    )
    assert 295 <= service.seconds_left(started, ILLBEING) <= 300
    assert service.seconds_left(started, WELLBEING) is None
    refused(
        "error.timer_minutes",
        service.start_timer,
        session=session,
        project_id=project.id,
        group_id=group.id,
        question=ILLBEING,
        minutes=0,
    )
    stopped = service.stop_timer(session=session, project_id=project.id, group_id=group.id)
    assert service.seconds_left(stopped, ILLBEING) is None
    over = service.start_timer(
        session=session, project_id=project.id, group_id=group.id, question=ACTION, minutes=0.0001
    )
    import time

    time.sleep(0.05)
    assert service.seconds_left(over, ACTION) == 0


def test_question_wordings_per_project_and_cycle(session, project):
    default = service.question_wordings(session=session, project_id=project.id, cycle=1)
    assert default[WELLBEING] == {"fr": "Pour vous, qu'est-ce que le bien-être ?", "en": "What is well-being for you?"}
    service.set_question_wording(
        session=session,
        project_id=project.id,
        cycle=2,
        question=WELLBEING,
        text_fr="Le bien-être, pour vous ?",
        text_en="",
    )
    assert service.question_wordings(session=session, project_id=project.id, cycle=1) == default
    second = service.question_wordings(session=session, project_id=project.id, cycle=2)
    assert second[WELLBEING] == {"fr": "Le bien-être, pour vous ?", "en": default[WELLBEING]["en"]}
    service.set_question_wording(
        session=session, project_id=project.id, cycle=2, question=WELLBEING, text_fr="", text_en="Well-being?"
    )
    assert service.question_wordings(session=session, project_id=project.id, cycle=2)[WELLBEING] == {
        "fr": default[WELLBEING]["fr"],
        "en": "Well-being?",
    }
    refused(
        "error.text_too_long",
        service.set_question_wording,
        session=session,
        project_id=project.id,
        cycle=1,
        question=ACTION,
        text_fr="x" * 301,
        text_en="",
    )


def test_the_three_wordings_of_one_form_are_saved_together_or_not_at_all(db_url, session, project):
    session.commit()
    typed = {(q, lang): f"{q} {lang} ?" for q in (WELLBEING, ILLBEING, ACTION) for lang in ("fr", "en")}
    with database.session_scope(db_url) as own:
        service.set_question_wordings(session=own, project_id=project.id, cycle=1, typed=typed)
    with database.session_scope(db_url) as own:
        kept = service.question_wordings(session=own, project_id=project.id, cycle=1)
    assert kept == {q: {"fr": f"{q} fr ?", "en": f"{q} en ?"} for q in (WELLBEING, ILLBEING, ACTION)}
    too_long = {**typed, (WELLBEING, "fr"): "Autre ?", (ACTION, "en"): "x" * 301}
    with pytest.raises(SpiraleError) as caught, database.session_scope(db_url) as own:
        service.set_question_wordings(session=own, project_id=project.id, cycle=1, typed=too_long)
    assert caught.value.key == "error.text_too_long"
    with database.session_scope(db_url) as own:
        assert service.question_wordings(session=own, project_id=project.id, cycle=1) == kept  # the first one too


def _sixty_phones(url: str, project_id: int, code: str) -> list[int]:
    """60 phones at once, each sending 5 notes and double-tapping its first one."""

    def phone(number: int) -> list[int]:
        ids = []
        for idea in [0, 0, 1, 2, 3, 4]:
            with database.session_scope(url) as own:
                ids.append(
                    join.send_note(
                        session=own,
                        code=code,
                        participant_token=f"phone-{number}",
                        question=(WELLBEING, ILLBEING, ACTION)[idea % 3],
                        text=f"Idée {idea} du téléphone {number}",
                    ).id
                )
        return ids

    with ThreadPoolExecutor(max_workers=60) as pool:
        return [i for ids in pool.map(phone, range(60)) for i in ids]


def _check_sixty(url: str) -> None:
    with database.session_scope(url) as session:
        project = projects.create_project(session=session, name="Charge")
        group = service.create_group(session=session, project_id=project.id, profile="Tous")
        code = join.open_join(session=session, project_id=project.id, group_id=group.id).join_code
    ids = _sixty_phones(url, project.id, code)
    assert len(ids) == 360 and len(set(ids)) == 300  # each double tap gave back the same note
    with database.session_scope(url) as session:
        stored = service.list_criteria(session=session, project_id=project.id, group_id=group.id)
        counts = service.count_by_question(session=session, project_id=project.id, group_id=group.id)
    assert sorted(c.text for c in stored) == sorted(f"Idée {i} du téléphone {n}" for n in range(60) for i in range(5))
    assert sum(counts.values()) == 300


def test_sixty_phones_at_once_on_sqlite(db_url):
    _check_sixty(db_url)


@pytest.mark.postgres
def test_sixty_phones_at_once_on_postgres(pg_url):
    database.prepare(pg_url)
    _check_sixty(pg_url)


def test_the_phone_view_is_the_group_as_it_is_and_the_phones_own_notes(session, project, group, code):
    mine, other = join.new_participant_token(), join.new_participant_token()
    join.send_note(session=session, code=code, participant_token=mine, question=ILLBEING, text="Le bruit la nuit")
    join.send_note(session=session, code=code.lower(), participant_token=other, question=ILLBEING, text="Autre")
    service.start_timer(session=session, project_id=project.id, group_id=group.id, question=ILLBEING, minutes=2)
    view = join.phone_view(session=session, code=f" {code.lower()} ", participant_token=mine)
    assert (view.joined.code, view.joined.group_id) == (code, group.id)
    assert view.group.timer_question == ILLBEING and view.group.timer_ends_at is not None
    assert [n.text for n in view.own] == ["Le bruit la nuit"]
    assert join.own_note_count(session=session, group_id=group.id, participant_token=mine) == 1
    join.close_join(session=session, project_id=project.id, group_id=group.id)
    with pytest.raises(SpiraleError) as refused:
        join.phone_view(session=session, code=code, participant_token=mine)
    assert refused.value.key == "error.join_code_closed"
