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
    for kind in ("sav", "xlsx", "wide_csv"):
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
            service.answers_frame(session=session, project_id=pid, wave_id=w)[["code", "indicator_id", "level"]]
            .sort_values(["code", "indicator_id"], ignore_index=True)
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
        path = Path(folder) / "export.sav"
        path.write_bytes(data)
        return pyreadstat.read_sav(str(path))[0]


def test_import_report_lists_rows_and_writes_nothing(app, db_url):
    load_demo(app)
    pid = app.session_state["project_id"]
    app.switch_page("pages/survey_data.py").run()
    with database.session_scope(db_url) as session:
        iid = sorted(service.usable_indicator_ids(session=session, project_id=pid))[0]
    bad = f"code;ind{iid}\nn1;3\nn2;7\n".encode("utf-8-sig")
    app.file_uploader[0].set_value(("bad.csv", bad, "text/csv")).run()
    assert app.error[0].value == fr("error.import_invalid", count=1)
    report = app.dataframe[0].value
    assert list(report["row"]) == [3] and list(report["value"]) == ["7"]
    assert not [b for b in app.button if b.label.startswith(fr("data.import_now", count=0)[:8])]
    app.file_uploader[0].set_value(("latin.csv", "code;ind1\nélan;3\n".encode("latin-1"), "text/csv")).run()
    assert app.error[0].value == fr("error.file_encoding")
