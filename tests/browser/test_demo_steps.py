"""The demo project in a real browser: load it from the home page, then walk through the four steps."""

import csv
import re

import pytest

from tests.browser.conftest import rerun
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

DEMO = ROOT / "data" / "demo"


def demo_action_titles() -> list[str]:
    with (DEMO / "actions.csv").open(encoding="utf-8", newline="") as source:
        return [row["title"] for row in csv.DictReader(source)]


def test_demo_through_four_steps(page, tr):
    from playwright.sync_api import expect

    expect(page.get_by_text(tr("home.no_project"))).to_be_visible()
    rerun(page, lambda: page.get_by_role("button", name=tr("home.demo.load")).click(), timeout=120_000)
    expect(page.get_by_text(tr("home.no_project"))).to_have_count(0)
    expect(page.get_by_role("combobox", name=tr("project.current"))).to_have_value(re.compile("Valmont"))

    rerun(page, lambda: page.get_by_role("link", name=tr("nav.step1")).click())
    expect(page.get_by_role("heading", name=tr("step1.title"))).to_be_visible()
    expect(page.get_by_test_id("note").first).to_be_visible()

    rerun(page, lambda: page.get_by_role("link", name=tr("nav.step2")).click(), timeout=120_000)
    expect(page.get_by_role("heading", name=tr("step2.title"))).to_be_visible()
    expect(page.get_by_role("heading", name=tr("step2.indicators"))).to_be_visible()
    expect(page.get_by_text(tr("step2.no_indicator"))).to_have_count(0)
    expect(page.get_by_text(tr("step2.no_criteria"))).to_have_count(0)
    expect(page.get_by_test_id("stDataFrame").last).to_be_visible()

    rerun(page, lambda: page.get_by_role("link", name=tr("nav.step3")).click())
    expect(page.get_by_role("heading", name=tr("step3.title"))).to_be_visible()
    page.get_by_role("tab", name=tr("step3.results")).click()
    metric = page.get_by_test_id("stMetric").filter(has_text=tr("step3.respondents"))
    expect(metric.get_by_test_id("stMetricValue")).to_have_text("208")  # the newest of the demo's two waves
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_attached()

    rerun(page, lambda: page.get_by_role("link", name=tr("nav.step4")).click())
    expect(page.get_by_role("heading", name=tr("step4.title"))).to_be_visible()
    titles = demo_action_titles()
    assert len(titles) == 5
    for title in titles:
        expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
