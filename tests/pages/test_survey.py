"""AppTest of the survey screen: waves (two languages, closing), participant links with a QR code, the paper grid."""

import re

from surveys import service as surveys_service
from tests.pages.conftest import by_label, load_demo, raw_keys
from tests.pages.readback import stored
from workshop import i18n


def fr(key: str, **params) -> str:
    return i18n.translate(key, "fr", **params)


def waves(app, db_url) -> list:
    return stored(db_url, surveys_service.list_waves, project_id=app.session_state["project_id"])


def test_links_and_qr_for_a_wave(app, db_url):
    load_demo(app)
    app.switch_page("pages/survey.py").run()
    by_label(app.number_input, fr("step3.links_count")).set_value(3)
    by_label(app.button, fr("step3.links_create")).click().run()
    assert not app.exception
    room, first = app.code[0].value, app.code[1].value
    assert re.fullmatch(r"http://\S+/p/enquete/[A-Z0-9]{6}", room), room  # the room's code, projected
    assert re.fullmatch(r"http://\S+/p/q/[\w-]+", first), first  # a person's own link
    assert fr("step3.room_code", code=room.rsplit("/", 1)[1]) in [m.value.lstrip("# ") for m in app.markdown]
    assert fr("step3.room_answers", count=0) in [c.value for c in app.caption]
    assert fr("step3.links_counts", total=3, answered=0) in [c.value for c in app.caption]
    assert len(app.get("image")) == 2  # the room's QR code and the one of the next unused link
    labels = [b.label for b in app.get("download_button")]
    assert fr("step3.links_sheet") in labels and fr("step3.links_download") in labels
    pid, wave = app.session_state["project_id"], app.session_state["wave_id"]
    links = stored(db_url, surveys_service.tokens_frame, project_id=pid, wave_id=wave)
    assert len(links) == 3 and not links["answered"].any()
    assert first.endswith("/" + links["token"].iloc[0])  # the link shown is a stored one
    assert stored(db_url, surveys_service.room_code, project_id=pid, wave_id=wave) == room.rsplit("/", 1)[1]


def test_the_room_code_is_kept_and_closes_with_its_wave(app, db_url):
    load_demo(app)
    app.switch_page("pages/survey.py").run()
    room = app.code[0].value
    app.run()
    assert app.code[0].value == room  # the same code on every run: a projected QR code stays valid
    by_label(app.toggle, fr("step3.wave_open")).set_value(False).run()
    app.run()
    assert fr("step3.room_closed") in [i.value for i in app.info]
    assert not any("/p/enquete/" in c.value for c in app.code)  # no dead code to project
    (closed,) = [w for w in waves(app, db_url) if w.id == app.session_state["wave_id"]]
    assert (closed.status, closed.room_code) == ("closed", room.rsplit("/", 1)[1])


def test_new_wave_in_two_languages_then_closed(app, db_url):
    load_demo(app)
    app.switch_page("pages/survey.py").run()
    by_label(app.text_input, fr("wave.name")).set_value("Vague 2")
    by_label(app.text_input, fr("wave.name_en")).set_value("Wave 2")
    by_label(app.selectbox, fr("wave.kind")).set_value("ex-post")
    by_label(app.button, fr("step3.create_wave")).click().run()
    assert not app.exception
    assert app.metric[0].value == "0"
    made = waves(app, db_url)[-1]
    assert (made.name, made.name_en, made.kind, made.status) == ("Vague 2", "Wave 2", "ex-post", "open")
    by_label(app.toggle, fr("step3.wave_open")).set_value(False).run()
    app.run()
    assert fr("step3.wave_closed") in [i.value for i in app.info]
    assert waves(app, db_url)[-1].status == "closed"
    app.sidebar.button_group[0].set_value("en").run()
    assert raw_keys(app) == []
    assert by_label(app.selectbox, i18n.translate("step3.wave", "en")).value is not None


def test_paper_grid_is_offered(app):
    load_demo(app)
    app.switch_page("pages/survey.py").run()
    assert fr("step3.grid_help") in [c.value for c in app.caption]
    by_label(app.button, fr("step3.grid_save")).click().run()
    assert app.warning[0].value == fr("step3.grid_empty")



def test_paper_grid_rows_are_stored(app, db_url):
    """Two typed questionnaires are saved: the message shows and the database holds both, with their levels."""
    from sqlmodel import select

    from indicators import service as indicators_service
    from surveys import service
    from surveys.models import Answer, Respondent
    from workshop import database

    load_demo(app)
    app.switch_page("pages/survey.py").run()
    project_id, wave_id = app.session_state["project_id"], app.session_state["wave_id"]
    with database.session_scope(db_url) as session:
        before = service.respondent_count(session=session, project_id=project_id, wave_id=wave_id)
        first, second = [
            i.id for i in indicators_service.list_indicators(session=session, project_id=project_id, usable_only=True)
        ][:2]
    app.session_state[f"paper_grid_{wave_id}_0"] = {
        "edited_rows": {
            0: {"code": "PAPIER-1", f"ind{first}": 2, f"ind{second}": 4},
            1: {"code": "PAPIER-2", f"ind{first}": 5},
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    by_label(app.button, fr("step3.grid_save")).click().run()
    assert not app.exception
    assert fr("step3.grid_saved", count=2) in [s.value for s in app.success]
    with database.session_scope(db_url) as session:
        after = service.respondent_count(session=session, project_id=project_id, wave_id=wave_id)
        stored = session.exec(
            select(Respondent.code, Answer.indicator_id, Answer.level)
            .join(Answer, Answer.respondent_id == Respondent.id)
            .where(Respondent.wave_id == wave_id, Respondent.code.in_(["PAPIER-1", "PAPIER-2"]))
        ).all()
    assert after == before + 2
    assert sorted(stored) == sorted([("PAPIER-1", first, 2), ("PAPIER-1", second, 4), ("PAPIER-2", first, 5)])


def test_a_profile_question_added_in_the_table_is_stored(app, db_url):
    load_demo(app)
    app.switch_page("pages/survey.py").run()
    pid = app.session_state["project_id"]
    before = stored(db_url, surveys_service.profile_questions, project_id=pid)
    app.session_state["profile_questions"] = {
        "edited_rows": {},
        "added_rows": [
            {"key": "quartier", "label_fr": "Votre quartier <b>", "label_en": "Your area", "choices": "Nord | Sud"}
        ],
        "deleted_rows": [],
    }
    by_label(app.button, fr("step3.questions_save")).click().run()
    assert not app.exception and not app.error
    after = stored(db_url, surveys_service.profile_questions, project_id=pid)
    assert [q.key for q in after] == [q.key for q in before] + ["quartier"]  # the others kept, in their order
    added = after[-1]
    assert (added.label_fr, added.label_en, added.options) == ("Votre quartier <b>", "Your area", ["Nord", "Sud"])


def test_profile_questions_name_the_usual_columns_in_words_and_keep_their_keys(app, db_url):
    """No raw key (profile, place, age_band) in the table a person edits; saving it unchanged keeps the keys,
    and a question of one's own named like a built-in one's shown name stays one's own."""
    load_demo(app)
    app.switch_page("pages/survey.py").run()
    pid = app.session_state["project_id"]
    before = stored(db_url, surveys_service.profile_questions, project_id=pid)
    assert {"profile", "place", "age_band"} <= {q.key for q in before}
    shown = [str(cell) for frame in app.dataframe for cell in frame.value.to_numpy().ravel()]
    assert not {"profile", "place", "age_band"} & set(shown), shown
    assert {fr("step3.q.builtin.place"), fr("step3.q.builtin.age_band")} <= set(shown)
    caption = fr("step3.questions_help", profile="profil", place="quartier", age_band="tranche d'âge")
    assert caption in [c.value for c in app.caption] and "age_band" not in caption
    app.session_state["profile_questions"] = {
        "edited_rows": {},
        "added_rows": [{"key": "profil", "label_fr": "Votre profil", "label_en": "Your profile", "choices": ""}],
        "deleted_rows": [],
    }
    by_label(app.button, fr("step3.questions_save")).click().run()
    assert not app.exception
    after = stored(db_url, surveys_service.profile_questions, project_id=pid)
    assert [q.key for q in after] == [q.key for q in before] + ["profil"]
