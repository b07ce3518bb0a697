"""AppTest of the participant's questionnaire: one question per screen, resumable, sent once, bad links."""

from streamlit.testing.v1 import AppTest

from demo import load_demo
from surveys import service
from tests.pages.conftest import APP, by_label, raw_keys
from workshop import database, i18n


def fr(key: str, **params) -> str:
    return i18n.translate(key, "fr", **params)


def participant(token: str) -> AppTest:
    test = AppTest.from_file(str(APP), default_timeout=60)
    test.query_params["survey"] = token
    return test.run()


def demo_token(db_url) -> tuple[int, int, str]:
    with database.session_scope(db_url) as session:
        project = load_demo(session=session)
        wave = service.list_waves(session=session, project_id=project.id)[0]
        token = service.create_tokens(session=session, project_id=project.id, wave_id=wave.id, count=1)[0]
    return project.id, wave.id, token


def test_participant_answers_one_screen_at_a_time_and_resumes(db_url):
    pid, wid, token = demo_token(db_url)
    phone = participant(token)
    assert not phone.exception and raw_keys(phone) == []
    assert phone.title[0].value == fr("answer.title")
    assert not phone.sidebar.children or not phone.sidebar.selectbox  # no navigation for participants
    phone.radio[0].set_value("Commerçants")
    by_label(phone.button, fr("answer.next")).click().run()
    assert len(phone.radio) == 0 and len(phone.text_input) == 1  # neighbourhood: free text, one question
    phone.text_input[0].set_value("Centre-ville")
    by_label(phone.button, fr("answer.next")).click().run()
    phone.radio[0].set_value("26-40")
    by_label(phone.button, fr("answer.next")).click().run()
    phone.radio[0].set_value(4)
    by_label(phone.button, fr("answer.next")).click().run()
    phone.radio[0].set_value(0)  # don't know
    by_label(phone.button, fr("answer.next")).click().run()
    again = participant(token)  # the link opened later resumes on the third indicator
    assert again.progress[0].value == int(100 * 5 / 19)  # step 5 of 19 (3 profile questions, 16 indicators)
    with database.session_scope(db_url) as session:
        before = service.respondent_count(session=session, project_id=pid, wave_id=wid)
    for _ in range(14):
        by_label(again.button, fr("answer.next")).click().run()
    assert again.markdown[-1].value == fr("answer.review", answered=2, total=16)
    by_label(again.button, fr("answer.send")).click().run()
    assert again.success[0].value == fr("answer.thanks")
    with database.session_scope(db_url) as session:
        assert service.respondent_count(session=session, project_id=pid, wave_id=wid) == before + 1
        answers = service.answers_frame(session=session, project_id=pid, wave_id=wid)
    mine = answers[answers["code"].str.startswith("web-")]
    assert list(mine["level"].fillna(0)) == [4, 0] and set(mine["profile"]) == {"Commerçants"}
    assert participant(token).success[0].value == fr("answer.thanks")  # one response per link


def test_unknown_link_and_closed_wave(db_url):
    phone = participant("nope")
    assert phone.error[0].value == fr("error.token_unknown")
    pid, wid, token = demo_token(db_url)
    with database.session_scope(db_url) as session:
        service.set_wave_status(session=session, project_id=pid, wave_id=wid, status="closed")
    assert participant(token).info[0].value == fr("answer.closed")


def test_a_survey_closed_while_answering_takes_nothing_more(db_url):
    pid, wid, token = demo_token(db_url)
    phone = participant(token)
    phone.radio[0].set_value("Commerçants")
    with database.session_scope(db_url) as session:
        service.set_wave_status(session=session, project_id=pid, wave_id=wid, status="closed")
    by_label(phone.button, fr("answer.next")).click().run()
    assert not phone.exception and phone.info[0].value == fr("answer.closed")
    assert not [b for b in phone.button if b.label in (fr("answer.next"), fr("answer.send"))]
    with database.session_scope(db_url) as session:
        assert service.token_state(session=session, token=token).draft == {}  # not even the screen left
