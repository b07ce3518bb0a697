"""Hostile text in the survey's phone screens (/p/q/TOKEN): a free-text answer, a choice, a level.

Each one is kept literally in the draft (cleaned of controls and surrounding whitespace), shown escaped on the
review screen and stored so in the response, or refused with a message in the phone's language and the draft
left as it was.
"""

from collections.abc import Iterator

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.testclient import TestClient

from indicators import service as indicators_service
from participants import routes, web
from surveys import service
from tests.robustness.conftest import examples, read
from tests.robustness.strategies import cleaned, hostile_text
from workshop import database, i18n

EXAMPLES = examples(20)
SCALE = {level: f"Situation {level}" for level in range(1, 6)}
QUESTIONS = [{"key": "place", "label_fr": "Quartier"}, {"key": "bus", "label_fr": "Bus ?", "choices": "Oui\nNon"}]
MESSAGES = {"error.text_too_long", "error.choice_unknown", "error.level_range"}


@pytest.fixture
def survey(db_url: str, project_id: int) -> Iterator[tuple[str, int, TestClient]]:
    """A link of an open wave (place, bus, one indicator) and a phone that has opened it."""
    with database.session_scope(db_url) as session:
        indicator = indicators_service.create_indicator(
            session=session, project_id=project_id, name_fr="Logement", levels=SCALE
        )
        service.set_profile_questions(session=session, project_id=project_id, questions=QUESTIONS)
        wave = service.create_wave(session=session, project_id=project_id, name="Vague")
        token = service.create_tokens(session=session, project_id=project_id, wave_id=wave.id, count=1)[0]
    phone = TestClient(Starlette(routes=routes.ROUTES, middleware=[Middleware(routes.ParticipantGuard)]))
    phone.follow_redirects = False
    assert phone.get(f"/p/q/{token}").status_code == 200
    yield token, indicator.id, phone
    phone.close()


def _draft(url: str, token: str) -> dict:
    return read(url, service.token_state, token=token).draft


def _send_screen(phone: TestClient, token: str, step: int, key: str, value: str):
    fields = {"csrf": web.csrf_token(phone.cookies["spirale_participant"]), "etape": step, "cle": key, "reponse": value}
    return phone.post(f"/p/q/{token}", data=fields)


def _refused_clearly(answer, before: dict, after: dict) -> None:
    """A refusal: a status, a message of the catalog in French, the draft unchanged, the text never as markup."""
    assert answer.status_code in (413, 422), answer.text[:200]
    assert before == after
    french = {web.e(i18n.translate(k, "fr")).split("{")[0] for k in MESSAGES | {"phone.error.too_large"}}
    assert any(start in answer.text for start in french), answer.text[:500]


@EXAMPLES
@given(text=hostile_text)
@example(text="<script>alert(1)</script>")
@example(text="x" * 121)
def test_a_free_text_answer_is_kept_literally_or_refused(db_url, survey, text):
    token, _, phone = survey
    before = _draft(db_url, token)
    answer = _send_screen(phone, token, 0, "q:place", text)
    after = _draft(db_url, token)
    if answer.status_code != 303:
        _refused_clearly(answer, before, after)
        if answer.status_code == 422 and "<" in text:
            assert text not in answer.text  # what was typed is back in its field, escaped
        return
    assert after["profile"]["place"] == cleaned(text)
    review = phone.get(f"/p/q/{token}?etape=3").text
    assert web.e(cleaned(text)) in review or not cleaned(text)
    if "<" in cleaned(text):
        assert cleaned(text) not in review


@EXAMPLES
@given(
    choice=st.one_of(hostile_text, st.sampled_from(["Oui", "Non", ""])),
    level=st.one_of(hostile_text, st.sampled_from(list("012345"))),
)
def test_a_choice_and_a_level_are_one_offered_or_refused(db_url, survey, choice, level):
    token, indicator_id, phone = survey
    before = _draft(db_url, token)
    answer = _send_screen(phone, token, 1, "q:bus", choice)
    after = _draft(db_url, token)
    if choice in ("Oui", "Non", ""):
        assert answer.status_code == 303 and after["profile"]["bus"] == choice
    else:
        _refused_clearly(answer, before, after)
    before = after
    answer = _send_screen(phone, token, 2, f"i:{indicator_id}", level)
    after = _draft(db_url, token)
    if level in list("012345") or level == "":
        assert answer.status_code == 303 and after["levels"][str(indicator_id)] == (int(level) if level else None)
    else:
        _refused_clearly(answer, before, after)
