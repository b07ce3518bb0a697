"""AppTest of the survey data page's stacked export: the demo's two waves in one .sav, each row keeping its wave."""

import tempfile
from pathlib import Path

import pyreadstat

from surveys import service
from tests.pages.conftest import by_label, load_demo
from tests.pages.readback import downloaded
from workshop import database, i18n


def fr(key: str, **params) -> str:
    return i18n.translate(key, "fr", **params)


def test_two_waves_export_stacked_in_one_file(app, db_url):
    load_demo(app)
    pid = app.session_state["project_id"]
    with database.session_scope(db_url) as session:
        waves = [w.id for w in service.list_waves(session=session, project_id=pid)]
    app.switch_page("pages/survey_data.py").run()
    by_label(app.multiselect, fr("data.waves_stacked")).set_value(waves).run()
    by_label(app.radio, fr("data.format")).set_value("sav").run()
    by_label(app.button, fr("data.prepare")).click().run()
    assert not app.exception
    button = app.get("download_button")[0]
    assert button.proto.label == fr("data.download", name=f"spirale-sav-wave{waves[0]}-{waves[1]}.sav")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "stacked.sav"
        path.write_bytes(downloaded(app, button.proto.label))
        frame, _ = pyreadstat.read_sav(str(path))
    assert frame.groupby("wave_id").size().to_dict() == {waves[0]: 232, waves[1]: 208}
