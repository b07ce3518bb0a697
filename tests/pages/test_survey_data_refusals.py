"""AppTest of refusals a person sees whole, in their language, with nothing written (issue 15, point 5):
a project archive holding a level of 42 on the data-safety page, and a Word or LibreOffice file renamed
.xlsx on the survey data page (openpyxl's English text never shown)."""

import io
import json
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

import demo
import schema
from surveys import service
from tests.pages.conftest import by_label, load_demo
from workshop import archive, database, i18n

SAFETY = Path(__file__).resolve().parents[2] / "pages" / "data_safety.py"


def tr(key: str, lang: str = "fr", **params) -> str:
    return i18n.translate(key, lang, **params)


def _bad_archive(db_url: str) -> bytes:
    """The demo's archive with one answer at level 42 (the issue's case moved a mean from 2.805 to 2.965)."""
    with database.session_scope(db_url) as session:
        project = demo.load_demo(session=session)
        data = archive.export_project(session=session, metadata=schema.metadata, project_id=project.id)
    with zipfile.ZipFile(io.BytesIO(data)) as opened:
        members = {name: json.loads(opened.read(name)) for name in opened.namelist()}
    members["tables/answer.json"][9]["level"] = 42
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, value in members.items():
            out.writestr(name, json.dumps(value))
    return buffer.getvalue()


def _projects(db_url: str) -> int:
    with database.session_scope(db_url) as session:
        return session.execute(select(func.count()).select_from(schema.metadata.tables["project"])).scalar_one()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_archive_with_a_level_of_42_is_refused_naming_row_and_problem(db_url, lang):
    data = _bad_archive(db_url)
    before = _projects(db_url)
    test = AppTest.from_file(str(SAFETY), default_timeout=60)
    test.session_state["lang"] = lang
    test.run()
    test.file_uploader[0].set_value(("valmont.spirale", data, "application/zip")).run()
    by_label(test.button, tr("archive.import", lang)).click().run()
    assert not test.exception
    problem = tr("error.level_range", lang, value=42)
    expected = tr("error.archive_row", lang, file="tables/answer.json", row=10, column="level", problem=problem)
    assert [e.value for e in test.error] == [expected]
    assert ("ligne 10" if lang == "fr" else "row 10") in expected and "Error" not in expected
    assert _projects(db_url) == before  # nothing imported


def _word_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr("[Content_Types].xml", "<Types/>")
        out.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _opendocument_sheet() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        out.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("made", "detail"),
    [(_word_document, "upload.is_word"), (_opendocument_sheet, "upload.is_opendocument")],
)
def test_a_renamed_document_is_named_for_what_it_is(app, db_url, made, detail):
    load_demo(app)
    pid = app.session_state["project_id"]
    with database.session_scope(db_url) as session:
        wave = service.create_wave(session=session, project_id=pid, name="Renommé", kind="ex-post")
    app.switch_page("pages/survey_data.py").run()
    by_label(app.selectbox, tr("step3.wave")).set_value(wave.id).run()
    app.file_uploader[0].set_value(("reponses.xlsx", made(), "application/octet-stream")).run()
    assert not app.exception
    assert [e.value for e in app.error] == [tr("error.file_unreadable", detail=tr(detail))]
    assert "item named" not in app.error[0].value and "zip" not in app.error[0].value.lower()
    with database.session_scope(db_url) as session:
        assert service.respondent_count(session=session, project_id=pid, wave_id=wave.id) == 0


def test_a_csv_with_a_stray_field_names_its_line_in_french(app, db_url):
    load_demo(app)
    app.switch_page("pages/survey_data.py").run()
    bad = b"code,ind1,ind2\nn1,3,4\nn2,3,4,5\n"
    app.file_uploader[0].set_value(("bad.csv", bad, "text/csv")).run()
    said = app.error[0].value
    assert said == tr("error.file_unreadable", detail=tr("upload.csv_fields", line=3, saw=4, expected=3))
    assert "Expected" not in said and "C error" not in said
