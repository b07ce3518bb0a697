"""A participant answers on a phone-sized screen through a link made on the survey page; the dashboard counts it."""

import csv
import re

import pytest

from tests.browser.conftest import RUN_COUNTER_JS, rerun, wait_for_run
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def demo_indicator_names() -> list[str]:
    with (ROOT / "data" / "demo" / "indicators.csv").open(encoding="utf-8", newline="") as source:
        return [row["name_fr"] for row in csv.DictReader(source)]


def test_phone_answer_reaches_the_dashboard(page, browser, tr):
    from playwright.sync_api import expect

    rerun(page, lambda: page.get_by_role("button", name=tr("home.demo.load")).click(), timeout=120_000)
    expect(page.get_by_role("combobox", name=tr("project.current"))).to_have_value(re.compile("Valmont"))
    wait_for_run(page)  # the load ends with st.rerun(): let that second run finish before navigating
    rerun(page, lambda: page.get_by_role("link", name=tr("nav.dashboard")).click(), timeout=90_000)
    metric = page.get_by_test_id("stMetric").filter(has_text=tr("step3.respondents")).get_by_test_id("stMetricValue")
    expect(metric).to_have_text("208")  # the newest of the demo's two waves
    expect(page.locator(".js-plotly-plot").first).to_be_visible()

    rerun(page, lambda: page.get_by_role("link", name=tr("nav.step3")).click())
    page.get_by_role("tab", name=tr("step3.links")).click()
    rerun(page, lambda: page.get_by_role("button", name=tr("step3.links_create")).click())
    link = page.get_by_test_id("stCode").first.inner_text().strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?survey=[\w-]+", link), link

    phone = browser.new_context(viewport=PHONE, locale="fr-FR", is_mobile=True, has_touch=True)
    phone.add_init_script(RUN_COUNTER_JS)
    tab = phone.new_page()
    try:
        tab.goto(link)
        wait_for_run(tab)
        expect(tab.get_by_role("heading", name=tr("answer.title"))).to_be_visible()
        expect(tab.get_by_test_id("stSidebar")).to_have_count(0)
        following = lambda: tab.get_by_role("button", name=tr("answer.next")).click()  # noqa: E731
        tab.get_by_test_id("stRadio").get_by_text("Commerçants").click()
        rerun(tab, following)
        expect(tab.get_by_role("heading", name=tr("respondent.place"))).to_be_visible()
        tab.get_by_role("textbox").fill("Centre-ville")
        rerun(tab, following)
        expect(tab.get_by_role("heading", name=tr("respondent.age_band"))).to_be_visible()
        tab.get_by_test_id("stRadio").get_by_text("26-40").click()
        rerun(tab, following)
        for name in demo_indicator_names():  # one screen each: the fourth situation every time
            expect(tab.get_by_role("heading", name=name)).to_be_visible(timeout=30_000)  # slow runs under load
            fourth = tab.get_by_test_id("stRadio").get_by_role("radio").nth(3)
            expect(fourth).not_to_be_checked()  # the new screen's radio, not the previous one still on display
            option = tab.get_by_test_id("stRadio").locator("label").filter(has=tab.get_by_role("radio")).nth(3)
            option.click()  # inside the screen's form: no run until "Next"
            expect(fourth).to_be_checked()
            rerun(tab, following)
        expect(tab.get_by_text(re.compile("16 indicateurs sur 16"))).to_be_visible()
        box = tab.get_by_role("button", name=tr("answer.send")).bounding_box()
        assert box and box["x"] + box["width"] <= PHONE["width"]  # fits the phone's width
        rerun(tab, lambda: tab.get_by_role("button", name=tr("answer.send")).click())
        expect(tab.get_by_text(tr("answer.thanks"))).to_be_visible()
    finally:
        phone.close()

    rerun(page, lambda: page.get_by_role("link", name=tr("nav.dashboard")).click())
    expect(metric).to_have_text("209")
    expect(page.get_by_test_id("stException")).to_have_count(0)
