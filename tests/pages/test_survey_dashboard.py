"""AppTest of the dashboard: the demo wave's figures, filters, weights, wave against wave, HTML download."""

from tests.pages.conftest import by_label, load_demo
from tests.pages.readback import downloaded
from workshop import i18n


def fr(key: str, **params) -> str:
    return i18n.translate(key, "fr", **params)


def test_dashboard_of_the_demo_wave(app):
    load_demo(app)
    app.switch_page("pages/dashboard.py").run()
    assert not app.exception
    assert app.metric[0].value == "208"  # the newest of the demo's two waves (ex-ante 232, ex-post 208)
    charts = app.get("plotly_chart")
    assert len(charts) == 6  # means, distribution, radar, heatmap, make-up by profile and by place
    page = downloaded(app, fr("dashboard.download_html")).decode()  # the file itself, every chart in it
    assert page.count("Plotly.newPlot(") == 6 and f"<h1>{app.title[0].value}" in page.replace("\\", "")
    by_label(app.multiselect, fr("dashboard.filter_profile")).set_value(["Commerçants"]).run()
    assert app.metric[0].value == "26"
    filtered = downloaded(app, fr("dashboard.download_html")).decode()
    assert filtered != page and filtered.count("Plotly.newPlot(") == len(app.get("plotly_chart"))  # what is shown
    by_label(app.toggle, fr("dashboard.weighted")).set_value(False).run()
    assert not app.exception


def test_dashboard_compares_two_waves(app, db_url):
    from surveys import service
    from workshop import database

    load_demo(app)
    pid = app.session_state["project_id"]
    with database.session_scope(db_url) as session:
        wave = service.create_wave(session=session, project_id=pid, name="Vague 2", kind="ex-post")
        iid = sorted(service.usable_indicator_ids(session=session, project_id=pid))[0]
        service.add_response(session=session, project_id=pid, wave_id=wave.id, levels={iid: 5}, code="x1")
        service.add_response(session=session, project_id=pid, wave_id=wave.id, levels={iid: 4}, code="x2")
        demo_wave = service.list_waves(session=session, project_id=pid)[0].id
    app.switch_page("pages/dashboard.py").run()
    assert app.metric[0].value == "2"  # the newest wave first
    assert len(app.get("plotly_chart")) == 5  # no heatmap: no profile given in that wave
    by_label(app.selectbox, fr("dashboard.compare_with")).set_value(demo_wave).run()
    assert not app.exception
    assert len(app.get("plotly_chart")) == 6  # plus the wave-against-wave chart
    assert fr("dashboard.waves_table") in [h.value for h in app.subheader]
    changes = app.dataframe[0].value
    row = changes[(changes["indicator"] != "") & (changes["diff"] != "")].iloc[0]
    number = lambda text: float(text.replace(",", "."))  # noqa: E731 - the French cell read back
    assert row["mean_after"] == "4,50" and number(row["ci_low"]) < number(row["diff"]) < number(row["ci_high"])
    # Two respondents: the page says these figures describe a few people; weighting is off (no weights set).
    assert any(fr("dashboard.too_few", count=2, minimum=5) == w.value for w in app.warning)
    assert by_label(app.toggle, fr("dashboard.weighted")).value is False
    assert fr("dashboard.gaps") not in [h.value for h in app.subheader]
    for table in app.dataframe:  # French numbers: decimal commas, no "None" nor "nan"
        cells = table.value.astype(str).to_numpy().ravel()
        assert not any(c in ("None", "nan", "NaN", "<NA>") for c in cells)
        assert not any(c.replace(".", "", 1).lstrip("+-").isdigit() and "." in c for c in cells), cells
