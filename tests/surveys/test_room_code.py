"""The room's survey code: one per wave, kept, opened and closed with it; one response per phone, even at once."""

import threading
import time

import pytest
from sqlmodel import func, select

from groups import join
from surveys import service
from surveys.models import SurveyToken, Wave
from workshop import database, projects
from workshop.errors import SpiraleError

PHONE_1, PHONE_2 = join.new_participant_token(), join.new_participant_token()


def _wave(session) -> tuple[int, int]:
    project = projects.create_project(session=session, name="Salle", place="Testville")
    wave = service.create_wave(session=session, project_id=project.id, name="Vague 1")
    return project.id, wave.id


def _responses(session, wave_id: int | None = None) -> int:
    query = select(func.count()).select_from(SurveyToken)
    return session.exec(query if wave_id is None else query.where(SurveyToken.wave_id == wave_id)).one()


def _refused(key: str, call, **kwargs) -> None:
    with pytest.raises(SpiraleError) as refused:
        call(**kwargs)
    assert refused.value.key == key, refused.value


def test_each_wave_gets_its_own_code_and_keeps_it(session):
    pid, wid = _wave(session)
    code = service.room_code(session=session, project_id=pid, wave_id=wid)
    assert len(code) == service.ROOM_CODE_LENGTH and set(code) <= set(join.ALPHABET)
    assert service.room_code(session=session, project_id=pid, wave_id=wid) == code
    other = service.create_wave(session=session, project_id=pid, name="Vague 2")
    assert service.room_code(session=session, project_id=pid, wave_id=other.id) != code
    old = session.get(Wave, other.id)  # a wave made before room codes (migration 0013 left it empty)
    old.room_code = ""
    session.add(old)
    session.flush()
    made = service.room_code(session=session, project_id=pid, wave_id=other.id)
    assert made and session.get(Wave, other.id).room_code == made
    _refused("error.wave_missing", service.room_code, session=session, project_id=pid + 1, wave_id=wid)


def test_one_response_per_phone_and_wave(session):
    pid, wid = _wave(session)
    code = service.room_code(session=session, project_id=pid, wave_id=wid)
    assert service.room_state(session=session, code=code, participant_token=PHONE_1).token == ""  # nothing stored
    assert _responses(session) == 0
    first = service.room_response(session=session, code=f" {code.lower()} ", participant_token=PHONE_1)
    assert service.room_response(session=session, code=code, participant_token=PHONE_1) == first
    second = service.room_response(session=session, code=code, participant_token=PHONE_2)
    assert second != first and _responses(session) == 2
    service.submit_token(session=session, token=first, levels={}, profile={"place": "Gare"})
    state = service.room_state(session=session, code=code, participant_token=PHONE_1)
    assert state.answered and state.token == first and state.participant_token == PHONE_1
    _refused("error.token_used", service.submit_token, session=session, token=first, levels={}, profile={})
    assert service.respondent_count(session=session, project_id=pid, wave_id=wid) == 1
    assert service.room_answers(session=session, project_id=pid, wave_id=wid) == 1  # the other phone has not sent
    assert service.tokens_frame(session=session, project_id=pid, wave_id=wid).empty  # not mailed links
    _refused("error.token_unknown", service.room_response, session=session, code=code, participant_token="short")
    _refused("error.room_code_unknown", service.room_state, session=session, code="", participant_token=PHONE_1)
    _refused("error.room_code_unknown", service.room_state, session=session, code="ZZZZZZ", participant_token=PHONE_1)


def test_a_closed_wave_makes_no_new_response(session):
    pid, wid = _wave(session)
    code = service.room_code(session=session, project_id=pid, wave_id=wid)
    started = service.room_response(session=session, code=code, participant_token=PHONE_1)
    service.set_wave_status(session=session, project_id=pid, wave_id=wid, status="closed")
    assert not service.room_state(session=session, code=code, participant_token=PHONE_2).wave_open
    _refused("error.wave_closed", service.room_response, session=session, code=code, participant_token=PHONE_2)
    assert service.room_response(session=session, code=code, participant_token=PHONE_1) == started
    _refused("error.wave_closed", service.save_draft, session=session, token=started, draft={"step": 1})
    assert _responses(session) == 1


def _first_answers_at_once(url: str) -> tuple[list[str], int]:
    """Two requests of one phone make its response at the same moment: the second waits, then finds the first."""
    with database.session_scope(url) as session:
        pid, wid = _wave(session)
        code = service.room_code(session=session, project_id=pid, wave_id=wid)
    inserted, tokens, errors = threading.Event(), [], []

    def first() -> None:
        try:
            with database.session_scope(url) as session:
                tokens.append(service.room_response(session=session, code=code, participant_token=PHONE_1))
                inserted.set()
                time.sleep(0.5)  # the second request reads and inserts while this one has not committed
        except Exception as error:  # reported below
            errors.append(error)
            inserted.set()

    def second() -> None:
        inserted.wait(10)
        try:
            with database.session_scope(url) as session:
                tokens.append(service.room_response(session=session, code=code, participant_token=PHONE_1))
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    with database.session_scope(url) as session:
        return tokens, _responses(session, wid)


def test_two_first_answers_at_once_make_one_response_on_sqlite(db_url):
    tokens, rows = _first_answers_at_once(db_url)
    assert len(tokens) == 2 and len(set(tokens)) == 1 and rows == 1


def test_two_first_answers_at_once_make_one_response_on_postgres(pg_url):
    database.prepare(pg_url)
    tokens, rows = _first_answers_at_once(pg_url)
    assert len(tokens) == 2 and len(set(tokens)) == 1 and rows == 1
