"""AppTest of the survey screen: waves (two languages, closing), participant links with a QR code, the paper grid."""

from tests.pages.conftest import by_label, load_demo, raw_keys
from workshop import i18n


def fr(key: str, **params) -> str:
    return i18n.translate(key, "fr", **params)


def test_links_and_qr_for_a_wave(app):
    load_demo(app)
    app.switch_page("pages/survey.py").run()
    by_label(app.number_input, fr("step3.links_count")).set_value(3)
    by_label(app.button, fr("step3.links_create")).click().run()
    assert not app.exception
    assert "/?survey=" in app.code[0].value
    assert fr("step3.links_counts", total=3, answered=0) in [c.value for c in app.caption]
    assert app.get("image")  # the QR code of the next unused link
    labels = [b.label for b in app.get("download_button")]
    assert fr("step3.links_sheet") in labels and fr("step3.links_download") in labels


def test_new_wave_in_two_languages_then_closed(app):
    load_demo(app)
    app.switch_page("pages/survey.py").run()
    by_label(app.text_input, fr("wave.name")).set_value("Vague 2")
    by_label(app.text_input, fr("wave.name_en")).set_value("Wave 2")
    by_label(app.selectbox, fr("wave.kind")).set_value("ex-post")
    by_label(app.button, fr("step3.create_wave")).click().run()
    assert not app.exception
    assert app.metric[0].value == "0"
    by_label(app.toggle, fr("step3.wave_open")).set_value(False).run()
    app.run()
    assert fr("step3.wave_closed") in [i.value for i in app.info]
    app.sidebar.button_group[0].set_value("en").run()
    assert raw_keys(app) == []
    assert by_label(app.selectbox, i18n.translate("step3.wave", "en")).value is not None


def test_paper_grid_is_offered(app):
    load_demo(app)
    app.switch_page("pages/survey.py").run()
    assert fr("step3.grid_help") in [c.value for c in app.caption]
    by_label(app.button, fr("step3.grid_save")).click().run()
    assert app.warning[0].value == fr("step3.grid_empty")
