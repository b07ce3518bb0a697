"""AppTest of the survey data screen: an export prepared and downloaded, an import checked then written."""

import io
import tempfile
from pathlib import Path

import pandas as pd
import pyreadstat

from surveys import exports, service
from tests.pages.conftest import by_label, load_demo
from tests.pages.readback import downloaded
from workshop import database, i18n


def fr(key: str, **params) -> str:
    return i18n.translate(key, "fr", **params)


def test_export_then_import_into_a_new_wave(app, db_url):
    load_demo(app)
    pid = app.session_state["project_id"]
    app.switch_page("pages/survey_data.py").run()
    assert not app.exception
    for kind in ("sav", "dta", "xlsx", "wide_csv"):
        by_label(app.radio, fr("data.format")).set_value(kind).run()
        by_label(app.button, fr("data.prepare")).click().run()
        assert not app.exception and app.get("download_button")
        assert len(_downloaded_table(app, kind)) == 208  # the file holds every respondent of the shown wave
    with database.session_scope(db_url) as session:
        wave = service.list_waves(session=session, project_id=pid)[0]
        content = exports.to_csv(
            exports.wide_frame(service.export_dataset(session=session, project_id=pid, wave_id=wave.id))
        )
        new = service.create_wave(session=session, project_id=pid, name="Vague 2", kind="ex-post")
    app.run()
    by_label(app.selectbox, fr("step3.wave")).set_value(new.id).run()
    app.file_uploader[0].set_value(("vague1.csv", content, "text/csv")).run()
    assert not app.exception
    assert app.success[0].value == fr("data.valid", count=232)
    by_label(app.button, fr("data.import_now", count=232)).click().run()
    assert app.success[0].value == fr("data.imported", count=232)
    with database.session_scope(db_url) as session:
        assert service.respondent_count(session=session, project_id=pid, wave_id=new.id) == 232
        first, copy = (
            service.answers_frame(session=session, project_id=pid, wave_id=w)[
                ["code", "indicator_id", "level"]
            ].sort_values(["code", "indicator_id"], ignore_index=True)
            for w in (wave.id, new.id)
        )
    pd.testing.assert_frame_equal(first, copy)  # every answer, as the first wave holds it


def _downloaded_table(app, kind: str) -> pd.DataFrame:
    button = app.get("download_button")[0]
    data = downloaded(app, button.proto.label)
    if kind == "xlsx":
        return pd.read_excel(io.BytesIO(data), sheet_name=0)
    if kind == "wide_csv":
        return pd.read_csv(io.BytesIO(data), sep=None, engine="python", encoding="utf-8-sig")
    with tempfile.TemporaryDirectory() as folder:  # pyreadstat reads a path
        path = Path(folder) / f"export.{kind}"
        path.write_bytes(data)
        return (pyreadstat.read_sav if kind == "sav" else pyreadstat.read_dta)(str(path))[0]


def test_import_report_lists_rows_and_writes_nothing(app, db_url):
    load_demo(app)
    pid = app.session_state["project_id"]
    app.switch_page("pages/survey_data.py").run()
    with database.session_scope(db_url) as session:
        iid = sorted(service.usable_indicator_ids(session=session, project_id=pid))[0]
    bad = f"code;ind{iid}\nn1;3\nn2;7\n".encode("utf-8-sig")
    app.file_uploader[0].set_value(("bad.csv", bad, "text/csv")).run()
    assert app.error[0].value == fr("error.import_invalid", count=1)
    report = next(d.value for d in app.dataframe if "problem" in d.value.columns)
    assert list(report["row"]) == [3] and list(report["value"]) == ["7"]
    assert not [b for b in app.button if b.label.startswith(fr("data.import_now", count=0)[:8])]
    app.file_uploader[0].set_value(("latin.csv", "code;ind1\nélan;3\n".encode("latin-1"), "text/csv")).run()
    assert app.info[0].value == fr("data.encoding", encoding="Windows-1252")  # read, and said, for the person to check
    assert app.success[0].value == fr("data.valid", count=1)
    app.file_uploader[0].set_value(("binary.csv", b"\x00\xff\xfe" * 50, "text/csv")).run()
    assert app.error[0].value == fr("error.file_encoding")


GALLERY = Path(__file__).resolve().parents[1] / "surveys" / "data"


def test_a_limesurvey_export_with_its_structure_imports_complete_responses_once(app, db_url):
    """LimeSurvey's codes (A1…A6 under G01Q01[SQ001]) with its structure file: mapped, read, 8 of 10 rows."""
    load_demo(app)
    pid = app.session_state["project_id"]
    with database.session_scope(db_url) as session:
        wave = service.create_wave(session=session, project_id=pid, name="LimeSurvey", kind="ex-post")
    app.switch_page("pages/survey_data.py").run()
    by_label(app.selectbox, fr("step3.wave")).set_value(wave.id).run()
    data = (GALLERY / "limesurvey6_codes.csv").read_bytes()
    app.file_uploader[0].set_value(("results-survey123456.csv", data, "text/csv")).run()
    assert not app.exception
    assert app.error[0].value == fr("error.import_invalid", count=8)  # A6 and the profiles' codes: not guessed
    structure = (GALLERY / "limesurvey6_structure.txt").read_bytes()
    app.file_uploader[1].set_value(("survey_123456.txt", structure, "text/plain")).run()
    assert not app.exception and not app.error
    assert fr("data.incomplete", count=2) in [c.value for c in app.caption]
    assert app.success[0].value == fr("data.valid", count=8)
    by_label(app.button, fr("data.import_now", count=8)).click().run()
    assert app.success[0].value == fr("data.imported", count=8)
    with database.session_scope(db_url) as session:
        people = service.respondents_frame(session=session, project_id=pid, wave_id=wave.id)
        answers = service.answers_frame(session=session, project_id=pid, wave_id=wave.id)
    assert sorted(people["code"]) == [str(n) for n in range(101, 109)]
    assert set(people["profile"]) <= {"Jeunes 16-25 ans", "Personnes âgées", "Parents seuls", "Demandeurs d'emploi",
                                      "Commerçants", "Personnes en situation de handicap"}  # fmt: skip
    assert answers["level"].isna().sum() == 8 and len(answers) == 8 * 16 - 2  # 8 "Ne sait pas" (A6), 2 blank
    app.file_uploader[0].set_value(("results-survey123456.csv", data, "text/csv")).run()
    app.file_uploader[1].set_value(("survey_123456.txt", structure, "text/plain")).run()
    assert app.warning[0].value == fr("data.known", count=8)
    assert app.info[0].value == fr("data.nothing_new")


def test_a_value_not_recognised_is_given_its_meaning_by_the_person(app, db_url):
    """LimeSurvey's A6 without the structure file: shown with its count, read as "don't know" once chosen."""
    load_demo(app)
    pid = app.session_state["project_id"]
    with database.session_scope(db_url) as session:
        wave = service.create_wave(session=session, project_id=pid, name="Recodage", kind="ex-post")
    app.switch_page("pages/survey_data.py").run()
    by_label(app.selectbox, fr("step3.wave")).set_value(wave.id).run()
    data = (GALLERY / "limesurvey6_codes.csv").read_bytes()
    app.file_uploader[0].set_value(("results.csv", data, "text/csv")).run()
    values = next(d.value for d in app.dataframe if "count" in d.value.columns)
    assert values.set_index("value").loc["A6", "count"] == 8
    by_label(app.selectbox, fr("data.recode.value", value="A6")).set_value("dk").run()
    assert not app.exception
    assert app.success[0].value == fr("data.valid", count=8)
    by_label(app.button, fr("data.import_now", count=8)).click().run()
    with database.session_scope(db_url) as session:
        answers = service.answers_frame(session=session, project_id=pid, wave_id=wave.id)
    assert answers["level"].isna().sum() == 8 and set(answers["profile"]) == {""}  # profiles left unmapped
