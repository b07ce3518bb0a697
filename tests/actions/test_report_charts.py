"""The shared report (pure HTML, escaped user text, both languages, a real PDF) and the plan's figure builders."""

import io
from datetime import date

import pandas as pd
import pypdf
import pytest

from actions import charts, report, service
from tests.conftest import CHROMIUM, skip_or_fail

HOSTILE = "Fête <script>alert(1)</script> & **voisins**"


@pytest.fixture
def plan(session, setting):
    s = setting
    action = service.create_action(session=session, project_id=s.project_id, title=HOSTILE, targets={s.housing: 4},
                                   pilot_partner_id=s.town, status="planned", start_on=date(2026, 9, 1),
                                   end_on=date(2027, 6, 30))  # fmt: skip
    service.add_commitment(session=session, project_id=s.project_id, action_id=action.id, partner_id=s.town,
                           kind="funding", amount=3000, unit="EUR")  # fmt: skip
    service.add_commitment(session=session, project_id=s.project_id, action_id=action.id, partner_id=s.people,
                           kind="volunteers", amount=12, unit="personnes",
                           description="<img src=x onerror=alert(1)>")  # fmt: skip
    service.add_milestone(session=session, project_id=s.project_id, action_id=action.id, title="Lancement",
                          due_on=date(2026, 9, 15))  # fmt: skip
    return action


def test_report_html_escapes_user_text_in_both_languages(session, setting, plan):
    data = report.collect(session=session, project_id=setting.project_id, lang="fr", today=date(2026, 11, 1))
    document = report.build_html(data)
    assert "<script>alert(1)" not in document and "<img src=x" not in document
    assert "Fête &lt;script&gt;alert(1)&lt;/script&gt; &amp; **voisins**" in document
    for heading in ("1. La démarche", "2. Les indicateurs", "3. Les résultats", "4. Les priorités",
                    "5. Le plan d&#x27;action", "6. Les progrès"):  # fmt: skip
        assert heading in document
    assert "Mairie" in document and "Collectif des habitants" in document and "Situation 3" in document
    english = report.build_html(report.collect(session=session, project_id=setting.project_id, lang="en"))
    assert "5. The action plan" in english and "Shared funding" in english and '<html lang="en">' in english


def test_report_charts_are_inline_svg_images(session, setting, plan):
    data = report.collect(session=session, project_id=setting.project_id, lang="fr")
    found = report.figures(data)
    assert set(found) == {"means", "profiles", "timeline", "funding"}
    images = report.chart_images(found)
    assert set(images) == set(found) and all(uri.startswith("data:image/svg+xml;base64,") for uri in images.values())
    assert report.build_html(data, images).count('<img src="data:image/svg+xml;base64,') == 4


def test_report_shows_progress_since_the_ex_ante_wave(session, setting, plan):
    from surveys import service as surveys_service
    from tests.actions.conftest import answer

    s = setting
    after = surveys_service.create_wave(session=session, project_id=s.project_id, name="Vague 2", kind="ex-post").id
    answer(session, s.project_id, after, "Jeunes", (s.housing, 4), (s.work, 4), count=4)
    data = report.collect(session=session, project_id=s.project_id, lang="en")
    assert data.after_wave_name == "Vague 2" and len(data.progress) == 1
    assert f"progress_{plan.id}" in report.figures(data)
    document = report.build_html(data)
    section = document.split("6. Progress since the last wave")[1]
    assert "Vague 1 → Vague 2" in section and "<td>2.00</td><td>4.00</td><td>+2.00</td><td>yes</td>" in section


def test_french_report_reads_as_french_numbers_dates_and_people_who_wrote(session, setting, plan):
    from groups import service as groups_service

    s = setting
    groups_service.create_group(session=session, project_id=s.project_id, profile="Parents", planned_size=22)
    data = report.collect(session=session, project_id=s.project_id, lang="fr", today=date(2026, 12, 2))
    document = report.build_html(data)
    assert "Rapport établi le 2 décembre 2026" in document
    # Two groups whose notes were typed by the facilitator (one voice each), a third planned for 22, not met yet.
    assert "3 groupes, 2 personnes qui ont écrit, 4 post-it" in document
    assert "Effectifs prévus : 22 personnes." in document
    assert "<td>2,00</td><td>0\u00a0%</td>" in document  # "Un logement digne": mean, share in 4-5
    assert "<td>3\u202f000</td>" in document  # the funding total
    assert "1 sept. 2026\u2009–\u200930 juin 2027" in document
    assert "Commission : —" not in document and "…" not in document and ">None<" not in document
    english = report.build_html(report.collect(session=session, project_id=s.project_id, lang="en",
                                               today=date(2026, 12, 2)))  # fmt: skip
    assert "Report made on 2 December 2026" in english and "<td>2.00</td><td>0%</td>" in english


def test_report_pdf_is_a_real_pdf_with_the_action_title(session, setting, plan):
    if not CHROMIUM.exists():
        skip_or_fail(f"Chromium not found at {CHROMIUM}", "SPIRALE_REQUIRE_BROWSER")
    document = report.make_html(session=session, project_id=setting.project_id, lang="fr", with_charts=False)
    pdf = report.to_pdf(document)
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "Fête <script>alert(1)</script> & **voisins**" in text


def test_report_pdf_without_chromium_is_a_clear_refusal(tmp_path):
    from workshop.errors import SpiraleError

    with pytest.raises(SpiraleError) as info:
        report.to_pdf("<p>x</p>", chromium=tmp_path / "no-chromium")
    assert info.value.key == "error.report_pdf"


def test_timeline_has_a_bar_per_dated_action_and_milestones():
    actions = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "title": ["A", "B", "Sans dates"],
            "status": ["planned", "in_progress", "draft"],
            "start_on": [date(2026, 9, 1), date(2026, 5, 1), None],
            "end_on": [date(2027, 6, 30), date(2026, 11, 30), None],
        }
    )
    milestones = pd.DataFrame({"id": [1], "action_id": [1], "title": ["Bilan"], "due_on": [date(2027, 1, 20)],
                               "done_on": [None]})  # fmt: skip
    figure = charts.timeline(actions, milestones, status_labels={"planned": "prévue"}, title="Calendrier",
                             milestone_label="étape", today=date(2026, 11, 1), today_label="aujourd'hui")  # fmt: skip
    bars = [trace for trace in figure.data if trace.type == "bar"]
    assert sorted(y for trace in bars for y in trace.y) == ["A", "B"]
    assert [trace.name for trace in bars] == ["prévue", "in_progress"]
    assert (
        bars[0].base[0] == "2026-09-01"
        and bars[0].x[0] == (date(2027, 6, 30) - date(2026, 9, 1)).days * 86_400_000 + 86_400_000
    )
    diamonds = [trace for trace in figure.data if trace.type == "scatter"]
    assert list(diamonds[0].text) == ["Bilan"] and list(diamonds[0].y) == ["A"]
    assert figure.layout.shapes[0].x0 == "2026-11-01"


def test_funding_bars_stack_partners_per_action():
    funding = pd.DataFrame({"action_id": [1, 1, 2], "partner": ["Mairie", "CCAS", "Mairie"], "unit": ["EUR"] * 3,
                            "amount": [3000.0, 1000.0, 500.0], "share": [0.75, 0.25, 1.0]})  # fmt: skip
    figure = charts.funding_bars(funding, {1: "Jardin", 2: "Forum"}, title="Financement", axis_label="Montant")
    assert figure.layout.barmode == "stack"
    assert {trace.name: list(trace.x) for trace in figure.data} == {"CCAS": [1000.0], "Mairie": [3000.0, 500.0]}
    assert figure.layout.xaxis.title.text == "Montant (EUR)"


def test_progress_bars_show_before_after_and_target():
    progress = pd.DataFrame({"action_id": [1], "indicator_id": [7], "target_level": [4], "mean_before": [2.0],
                             "mean_after": [3.5], "diff": [1.5]})  # fmt: skip
    figure = charts.progress_bars(progress, {7: "Logement"}, title="t", labels={"before": "avant", "after": "après",
                                  "target": "visé"})  # fmt: skip
    assert [(trace.name, list(trace.x)) for trace in figure.data] == [("avant", [2.0]), ("après", [3.5]), ("visé", [4])]
