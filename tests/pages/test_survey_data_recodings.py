"""AppTest of saved recodings on the survey data page: LimeSurvey's codes mapped and recoded by hand once, saved
by name, then the next file of the same form in another wave is read at once, with no hand work."""

import importlib.util
from pathlib import Path

from surveys import recodings, service
from tests.pages.conftest import by_label, load_demo
from workshop import database, i18n

DATA = Path(__file__).resolve().parents[1] / "surveys" / "data"
_spec = importlib.util.spec_from_file_location("gallery", DATA / "build.py")
gallery = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gallery)


def fr(key: str, **params) -> str:
    return i18n.translate(key, "fr", **params)


def _recode(app, group: str, value: str, meaning: str) -> None:
    box = next(s for s in app.selectbox if s.key.endswith(f"_{group}_{value}"))
    box.set_value(meaning).run()
    assert not app.exception


def _wave(db_url: str, pid: int, name: str) -> int:
    with database.session_scope(db_url) as session:
        return service.create_wave(session=session, project_id=pid, name=name, kind="ex-post").id


def test_a_recoding_saved_once_reads_the_next_file_of_the_form(app, db_url):
    load_demo(app)
    pid = app.session_state["project_id"]
    first, second = _wave(db_url, pid, "Vague 1"), _wave(db_url, pid, "Vague 2")
    data = (DATA / "limesurvey6_codes.csv").read_bytes()
    app.switch_page("pages/survey_data.py").run()
    by_label(app.selectbox, fr("step3.wave")).set_value(first).run()
    app.file_uploader[0].set_value(("results-survey123456.csv", data, "text/csv")).run()
    for column, target in (("G02Q02", "q:profile"), ("G02Q03", "q:place"), ("G02Q04", "q:age_band")):
        by_label(app.selectbox, column).set_value(target).run()
    _recode(app, "i", "A6", "dk")
    for n, profile in enumerate(gallery.PROFILES, 1):
        _recode(app, "q:profile", f"A{n}", profile)
    for n, age in enumerate(gallery.AGES, 1):
        _recode(app, "q:age_band", f"A{n}", age)
    assert app.success[0].value == fr("data.valid", count=8)
    by_label(app.text_input, fr("data.recoding_name")).set_value("LimeSurvey Valmont")  # in its form: sent on submit
    by_label(app.button, fr("data.recoding_save_button")).click().run()
    assert not app.exception
    with database.session_scope(db_url) as session:
        (saved,) = recodings.list_recodings(session=session, project_id=pid)
    assert saved.name == "LimeSurvey Valmont" and saved.recode["i"] == {"A6": "dk"} and len(saved.mapping) >= 21
    by_label(app.button, fr("data.import_now", count=8)).click().run()
    assert app.success[0].value == fr("data.imported", count=8)

    lines = data.decode("utf-8").splitlines()  # the next wave's export: other ids, the same headings
    later = "\n".join([lines[0], *[line.replace('"1', '"2', 1) for line in lines[1:]]]) + "\n"
    by_label(app.selectbox, fr("step3.wave")).set_value(second).run()
    app.file_uploader[0].set_value(("results-survey123456-2.csv", later.encode(), "text/csv")).run()
    assert not app.exception
    assert by_label(app.selectbox, fr("data.recoding")).value == saved.id  # the same headings: applied at once
    total = len(lines[0].split(";"))
    applied = fr("data.recoding_applied", name="LimeSurvey Valmont", columns=len(saved.mapping), total=total)
    assert applied in [c.value for c in app.caption]
    assert not app.error and app.success[0].value == fr("data.valid", count=8)
    by_label(app.button, fr("data.import_now", count=8)).click().run()
    with database.session_scope(db_url) as session:
        people = service.respondents_frame(session=session, project_id=pid, wave_id=second)
        answers = service.answers_frame(session=session, project_id=pid, wave_id=second)
    assert sorted(people["code"]) == [str(n) for n in range(201, 209)]
    assert set(people["profile"]) <= set(gallery.PROFILES) and set(people["age_band"]) <= set(gallery.AGES)
    assert answers["level"].isna().sum() == 8  # A6, "Ne sait pas", as the person said the first time
