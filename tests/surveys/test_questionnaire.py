"""Participant links: one response per token, resumable drafts, closed waves; the questionnaire's steps."""

import pytest

from surveys import questionnaire, service
from workshop import settings
from workshop.errors import SpiraleError


def test_link_and_qr(monkeypatch):
    monkeypatch.delenv(settings.PUBLIC_URL_VARIABLE, raising=False)
    assert questionnaire.survey_link("abc", "https://spirale.example.org/enquete?x=1") == (
        "https://spirale.example.org/p/q/abc"
    )
    monkeypatch.setenv(settings.PUBLIC_URL_VARIABLE, "https://atelier.example/")
    assert questionnaire.survey_link("a-b_c") == "https://atelier.example/p/q/a-b_c"
    assert service.room_link("ACK3R9") == "https://atelier.example/p/enquete/ACK3R9"
    assert questionnaire.qr_png("https://atelier.example/?survey=abc").startswith(b"\x89PNG")
    sheet = questionnaire.qr_sheet_html(
        ["https://a.example/?survey=1", "https://a.example/?survey=2&x=<b>"], title="Q", lang="fr"
    )
    assert sheet.count("data:image/svg+xml") == 2 and "&lt;b&gt;" in sheet and "<b>" not in sheet


def test_one_screen_answer_checked():
    level, choice, free = ("i", 7), ("q", "profile"), ("q", "place")
    assert [questionnaire.answer_value(level, raw) for raw in ("", "1", "5", "0")] == [None, 1, 5, 0]
    for bad in ("6", "-1", "²", "1.0", " 3", "x" * 50):
        with pytest.raises(SpiraleError) as refused:
            questionnaire.answer_value(level, bad)
        assert refused.value.key == "error.level_range" and refused.value.params["value"] == bad[:12]
    assert questionnaire.answer_value(choice, "Jeunes", ["Jeunes", "Aînés"]) == "Jeunes"
    assert questionnaire.answer_value(choice, "", ["Jeunes"]) is None
    with pytest.raises(SpiraleError) as refused:
        questionnaire.answer_value(choice, "jeunes", ["Jeunes"])
    assert refused.value.key == "error.choice_unknown"
    assert questionnaire.answer_value(free, "  Gare\x00 Nord ") == "Gare Nord"  # as the services store it
    assert questionnaire.answer_value(free, " ") is None
    with pytest.raises(SpiraleError) as refused:
        questionnaire.answer_value(free, "x" * 121)
    assert refused.value.key == "error.text_too_long"
    steps = questionnaire.steps(["profile"], [7])
    draft = {"profile": {"profile": "A", "gone": "B"}, "levels": {"7": 3, "9": 2}}
    assert questionnaire.current_answers(draft, steps) == ({"profile": "A"}, {7: 3})  # retired ones left out
    assert questionnaire.step_key(steps[1]) == "i:7"


def test_steps_and_draft():
    steps = questionnaire.steps(["profile", "place"], [7, 8])
    assert steps == [("q", "profile"), ("q", "place"), ("i", 7), ("i", 8)]
    draft = questionnaire.with_answer({}, steps[0], "Jeunes", 1)
    draft = questionnaire.with_answer(draft, steps[2], 4, 1)
    draft = questionnaire.with_answer(draft, steps[3], questionnaire.DONT_KNOW, -1)
    assert draft["step"] == 1
    assert questionnaire.answers_of(draft) == ({"profile": "Jeunes"}, {7: 4, 8: None})


def test_token_answers_once_and_resumes(session, demo):
    pid, wid = demo
    iid = sorted(service.usable_indicator_ids(session=session, project_id=pid))[0]
    token, other = service.create_tokens(session=session, project_id=pid, wave_id=wid, count=2)
    service.save_draft(session=session, token=token, draft={"step": 3, "levels": {str(iid): 2}})
    state = service.token_state(session=session, token=token)
    assert (state.answered, state.wave_open, state.draft["step"]) == (False, True, 3)
    before = service.respondent_count(session=session, project_id=pid, wave_id=wid)
    service.submit_token(
        session=session, token=token, levels={iid: 2}, profile={"profile": "Commerçants", "bus": "oui"}
    )
    assert service.respondent_count(session=session, project_id=pid, wave_id=wid) == before + 1
    assert service.token_state(session=session, token=token).answered
    with pytest.raises(SpiraleError) as used:
        service.submit_token(session=session, token=token, levels={iid: 3}, profile={})
    assert used.value.key == "error.token_used"
    people = service.respondents_frame(session=session, project_id=pid, wave_id=wid)
    assert people.iloc[-1]["bus"] == "oui"
    with pytest.raises(SpiraleError) as unknown:
        service.token_state(session=session, token="nope")
    assert unknown.value.key == "error.token_unknown"
    frame = service.tokens_frame(session=session, project_id=pid, wave_id=wid)
    assert list(frame["answered"]) == [True, False]
    service.set_wave_status(session=session, project_id=pid, wave_id=wid, status="closed")
    assert not service.token_state(session=session, token=other).wave_open
    with pytest.raises(SpiraleError) as closed:
        service.submit_token(session=session, token=other, levels={iid: 3}, profile={})
    assert closed.value.key == "error.wave_closed"
    with pytest.raises(SpiraleError) as closed:
        service.save_draft(session=session, token=other, draft={"step": 2})
    assert closed.value.key == "error.wave_closed"


def test_profile_questions_default_then_configured(session, demo):
    pid, _ = demo
    defaults = service.profile_questions(session=session, project_id=pid)
    assert [q.key for q in defaults] == ["profile", "place", "age_band"]
    assert "Commerçants" in defaults[0].options and defaults[1].options == []
    configured = service.set_profile_questions(
        session=session,
        project_id=pid,
        questions=[
            {"key": "profile", "label_fr": "Profil", "label_en": "Profile", "choices": "A\nB\n"},
            {
                "key": "bus",
                "label_fr": "Prenez-vous le bus ?",
                "label_en": "Do you take the bus?",
                "choices": "oui\nnon",
            },
        ],
    )
    assert [(q.key, q.options) for q in configured] == [("profile", ["A", "B"]), ("bus", ["oui", "non"])]
    assert configured[1].label("en") == "Do you take the bus?"
    for bad, key in (("1abc", "error.question_key"), ("a b", "error.question_key"), ("", "error.text_empty")):
        with pytest.raises(SpiraleError) as refused:
            service.set_profile_questions(session=session, project_id=pid, questions=[{"key": bad, "label_fr": "x"}])
        assert refused.value.key == key
    with pytest.raises(SpiraleError) as twice:
        service.set_profile_questions(session=session, project_id=pid, questions=[{"key": "a"}, {"key": "a"}])
    assert twice.value.key == "error.question_duplicate"


def test_project_archive_keeps_waves_questions_and_links(session, demo):
    import schema
    from workshop import archive

    pid, wid = demo
    iid = sorted(service.usable_indicator_ids(session=session, project_id=pid))[0]
    used, free = service.create_tokens(session=session, project_id=pid, wave_id=wid, count=2)
    service.submit_token(session=session, token=used, levels={iid: 5}, profile={"profile": "Commerçants"})
    service.set_profile_questions(session=session, project_id=pid, questions=[{"key": "bus", "label_fr": "Bus ?"}])
    copy = archive.import_project(
        session=session,
        metadata=schema.metadata,
        data=archive.export_project(session=session, metadata=schema.metadata, project_id=pid),
    )
    copied_wave = service.list_waves(session=session, project_id=copy)[0].id
    assert service.respondent_count(session=session, project_id=copy, wave_id=copied_wave) == 233
    assert [q.key for q in service.profile_questions(session=session, project_id=copy)] == ["bus"]
    state = service.token_state(session=session, token=free)
    assert (state.project_id, state.answered) == (copy, False)
    assert service.token_state(session=session, token=used).answered


def test_the_questionnaire_in_one_read_matches_each_indicator(session, demo):
    from indicators import service as indicators_service

    pid, _ = demo
    asked = service.questionnaire_of(session=session, project_id=pid)
    usable = indicators_service.list_indicators(session=session, project_id=pid, usable_only=True)
    assert [i.id for i in asked.indicators] == [i.id for i in usable] and len(usable) == 16
    for indicator in usable:
        expected = indicators_service.levels_of(session=session, project_id=pid, indicator_id=indicator.id)
        assert asked.situations[indicator.id] == expected and sorted(expected) == [1, 2, 3, 4, 5]
    assert [q.key for q in asked.questions] == ["profile", "place", "age_band"]


def test_the_profile_questions_table_becomes_rows_with_one_choice_a_line():
    typed = [
        {"key": "quartier", "label_fr": "Quartier", "label_en": None, "choices": "Nord | Sud|Centre"},
        {"key": None, "label_fr": float("nan"), "label_en": "", "choices": None},  # a blank line the table added
        {"key": "metier", "label_fr": "Métier", "label_en": "Job", "choices": float("nan")},
        {"key": " ", "label_fr": "Sans clé", "label_en": "", "choices": ""},  # kept: the service says what is wrong
    ]
    assert service.profile_rows(typed) == [
        {"key": "quartier", "label_fr": "Quartier", "label_en": "", "choices": "Nord \n Sud\nCentre"},
        {"key": "metier", "label_fr": "Métier", "label_en": "Job", "choices": ""},
        {"key": " ", "label_fr": "Sans clé", "label_en": "", "choices": ""},
    ]
