"""French screens read as French, Streamlit's own texts included, where issue 16 fixed them.

The demo loaded, a person's reading of the survey data page (its file uploaders), a text field's hint and
the dashboard (its figures, its charts' numbers) must show none of the English words or raw forms listed
here. Extend ENGLISH as leaks are found.
"""

import re

import pytest

from tests.browser.conftest import rerun

pytestmark = pytest.mark.browser

# Streamlit 1.67's own English on widgets we use, and raw values a person should never read.
ENGLISH = ["Upload", "per file", "200MB", "Drag and drop", "Press Enter", "submit form", "to apply",
           "Choose an option", "None", "nan"]  # fmt: skip
DECIMAL_POINT = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")  # "2.73" (not a version nor a code)


def english_words(text: str) -> list[str]:
    return [word for word in ENGLISH if re.search(rf"\b{re.escape(word)}\b", text)]


def written(locator, where: str = "::after") -> str:
    """What a CSS rule writes after (or before) an element: our words in place of Streamlit's."""
    return locator.evaluate(f"e => getComputedStyle(e, '{where}').content")


def test_french_screens_show_no_english_nor_decimal_points(page, tr):
    from playwright.sync_api import expect

    rerun(page, lambda: page.get_by_role("button", name=tr("home.demo.load")).click(), timeout=120_000)
    expect(page.get_by_role("combobox", name=tr("project.current"))).to_have_value(re.compile("Valmont"))

    rerun(page, lambda: page.get_by_role("link", name=tr("nav.survey_data")).click())
    page.get_by_role("tab", name=tr("data.import")).click()  # tabs switch in the browser, with no run
    uploader = page.get_by_test_id("stFileUploaderDropzone").first
    expect(uploader).to_be_visible()
    assert english_words(uploader.inner_text()) == [], uploader.inner_text()
    assert written(uploader.locator("button [data-testid=stMarkdownContainer]")) == f'"{tr("streamlit.upload_button")}"'
    assert written(uploader.get_by_test_id("stFileUploaderDropzoneInstructions").locator("> div")) == (
        f'"{tr("streamlit.upload_line")}"'
    )
    expect(uploader.get_by_role("button", name=tr("streamlit.upload_button"))).to_be_visible()  # its spoken name

    rerun(page, lambda: page.get_by_role("link", name=tr("nav.partners")).click())
    field = page.get_by_role("textbox", name=tr("partner.name")).first
    field.click()
    field.type("Régie de quartier")
    hint = page.get_by_test_id("InputInstructions").first
    expect(hint).to_be_attached()
    assert english_words(hint.inner_text()) == [], hint.inner_text()
    assert written(hint, "::before") == f'"{tr("streamlit.enter")}"'

    rerun(page, lambda: page.get_by_role("link", name=tr("nav.dashboard")).click())
    expect(page.get_by_role("heading", name=tr("dashboard.title"))).to_be_visible()
    answers = page.get_by_test_id("stMetric").filter(has_text=tr("dashboard.answers"))
    expect(answers.get_by_test_id("stMetricValue")).to_have_text("3\u202f270")
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_attached()
    main = page.get_by_test_id("stMain").inner_text()
    assert english_words(main) == [], english_words(main)
    charts = " ".join(page.locator(".js-plotly-plot text").all_text_contents())  # every label drawn, one by one
    assert re.search(r"\b2,\d\d\b", charts), charts[:300]  # the means, with decimal commas
    assert DECIMAL_POINT.findall(charts) == [] and DECIMAL_POINT.findall(main) == []
    expect(page.get_by_test_id("stException")).to_have_count(0)
