"""Names are text in every chart: markup typed into a group, indicator, partner or action name is drawn literally.

Plotly renders a subset of HTML in every text it draws (ticks, legends, hovers, titles) and the exported
dashboard embeds the figures: a hypothesis test feeds markup to every chart builder and reads the figure back.
"""

from datetime import date

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions import charts as action_charts
from indicators import charts as indicator_charts
from surveys import analysis
from surveys import charts as survey_charts
from workshop import plots

PIECES = ['<a href="https://evil.example/x">', "</a>", "<b>", "</b>", "<br>", "<i>", '<span style="color:red">',
          "</span>", "<sub>", "&amp;", "&", "%{y}", "{0}", "é", "Jeunes", " ", "\n",
          "<script>alert(1)</script>"]  # fmt: skip
NAMES = st.lists(st.sampled_from(PIECES), min_size=1, max_size=6).map("".join).filter(lambda t: t.strip())
TEMPLATES = {"hovertemplate", "texttemplate"}  # ours, not people's words


def texts(node, key=""):
    """Every string a figure would draw (its templates left out), from its JSON form."""
    if isinstance(node, str):
        if key not in TEMPLATES:
            yield node
    elif isinstance(node, dict):
        for k, value in node.items():
            yield from texts(value, k)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from texts(value, key)
    elif hasattr(node, "tolist"):
        yield from texts(node.tolist(), key)


def assert_plain(figure, *names):
    drawn = list(texts(figure.to_plotly_json()))
    for text in drawn:
        assert "<" not in text.replace("<br>", "") and ">" not in text.replace("<br>", ""), text
    joined = "\n".join(drawn)
    for name in names:
        assert plots.plain(name) in joined or all(plots.plain(w) in joined for w in name.split()), name


def answers(group: str, place: str) -> pd.DataFrame:
    rows = [(r, group if r % 2 else "Aînés", place, 1.0, i, float(1 + (r + i) % 5))
            for r in range(1, 7) for i in (1, 2)]  # fmt: skip
    return pd.DataFrame(rows, columns=["respondent", "profile", "place", "weight", "indicator_id", "level"])


QUICK = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@QUICK
@given(indicator=NAMES, group=NAMES, place=NAMES, family=NAMES)
def test_survey_charts_draw_names_literally(indicator, group, place, family):
    data = answers(group, place)
    parts = analysis.dashboard(data, {1: "A", 2: "B"})
    names = {1: indicator, 2: "Voisinage"}
    figures = [
        survey_charts.mean_by_indicator(parts["summary"], names=names, title="t", axis_label="a", lang="fr"),
        survey_charts.distribution_bars(parts["distribution"], names=names, title="t", level_names=list("12345"),
                                        dont_know="?", lang="en"),
        survey_charts.family_radar(parts["families"], labels={"A": family, "B": "B"}, title="t", lang="fr"),
        survey_charts.group_heatmap(parts["by_group"], parts["gaps"], names=names, title="t", lang="fr"),
        survey_charts.wave_comparison(analysis.compare_waves(data, data), names=names, title="t", axis_label="a"),
        survey_charts.makeup_bars(parts["makeup"], column="profile", title="t", empty_label="-", lang="fr"),
        survey_charts.makeup_bars(parts["places"], column="place", title="t", empty_label="-", lang="en"),
    ]
    for figure in figures:
        assert_plain(figure)
    assert_plain(figures[0], indicator)
    assert_plain(figures[3], group)
    assert_plain(figures[2], family)
    page = survey_charts.standalone_html(figures, title=indicator, lang="fr")
    assert '<a href="https://evil.example/x">' not in page and '<span style="color:red">' not in page


@QUICK
@given(title=NAMES, partner=NAMES, unit=NAMES, milestone=NAMES, indicator=NAMES)
def test_plan_charts_draw_names_literally(title, partner, unit, milestone, indicator):
    actions = pd.DataFrame({"id": [1], "title": [title], "status": ["planned"], "start_on": [date(2026, 9, 1)],
                            "end_on": [date(2027, 6, 30)]})  # fmt: skip
    milestones = pd.DataFrame({"action_id": [1], "title": [milestone], "due_on": [date(2026, 10, 1)],
                               "done_on": [None]})  # fmt: skip
    timeline = action_charts.timeline(actions, milestones, status_labels={"planned": "Prévue"}, title="t",
                                      milestone_label="m", today=date(2026, 12, 2), today_label="auj.",
                                      lang="fr")  # fmt: skip
    funding = pd.DataFrame({"action_id": [1], "partner": [partner], "amount": [1500.0], "unit": [unit]})
    bars = action_charts.funding_bars(funding, {1: title}, title="t", axis_label="a", lang="fr")
    progress = pd.DataFrame({"indicator_id": [1], "mean_before": [2.0], "mean_after": [3.0], "target_level": [4]})
    levels = action_charts.progress_bars(progress, {1: indicator}, title="t",
                                         labels={"before": "b", "after": "a", "target": "c"}, lang="en")  # fmt: skip
    assert_plain(timeline, title, milestone)
    assert_plain(bars, partner, title)
    assert_plain(levels, indicator)
    assert "%{y}" not in bars.data[0].hovertemplate.replace("<br>%{y}<br>", "")  # the partner is not in the template


@QUICK
@given(indicator=NAMES, group=NAMES, note=NAMES, family=NAMES)
def test_step2_charts_draw_names_literally(indicator, group, note, family):
    tree = pd.DataFrame({"family": ["C", "G"], "indicator": [indicator, "Logement"], "note": [note, "humide"],
                         "group": [group, "Aînés"]})  # fmt: skip
    for kind in ("sunburst", "treemap"):
        assert_plain(indicator_charts.family_tree(tree, kind=kind, families={"C": family}, lang="fr"))
    matrix = pd.DataFrame({"C": [2, 0], "G": [1, 3]}, index=[group, "Aînés"])
    assert_plain(indicator_charts.groups_families_heatmap(matrix, families={"C": family}, lang="en"), group)


def test_french_charts_use_decimal_commas_and_no_si_suffix():
    summary = pd.DataFrame({"indicator_id": [1], "mean": [2.7345], "answers": [12000]})
    figure = survey_charts.mean_by_indicator(summary, names={1: "Logement"}, title="t", axis_label="a", lang="fr")
    assert figure.data[0].text == ("2,73",) and figure.layout.separators == ",\u202f"
    assert figure.layout.xaxis.exponentformat == "none"
    english = survey_charts.mean_by_indicator(summary, names={1: "Logement"}, title="t", axis_label="a", lang="en")
    assert english.data[0].text == ("2.73",) and english.layout.separators == ".,"


def test_heatmap_greys_and_brackets_a_group_of_too_few_answers():
    table = pd.DataFrame({"Jeunes": [2.5], "Aînés": [4.0]}, index=[1])
    counts = pd.DataFrame({"Jeunes": [2], "Aînés": [40]}, index=[1])
    figure = survey_charts.group_heatmap(table, pd.DataFrame(), names={1: "Logement"}, title="t", lang="fr",
                                         counts=counts, minimum=5)  # fmt: skip
    assert figure.data[0].text[0] == ["(2,5)", "4,0"] and len(figure.data) == 2
    assert figure.data[1].z[0][0] == 1.0 and figure.data[1].z[0][1] != figure.data[1].z[0][1]  # grey under n=2 only
    assert figure.data[0].z[0][0] != figure.data[0].z[0][0]  # not coloured as a level


def test_counts_axis_steps_by_whole_people():
    makeup = pd.DataFrame({"profile": ["Jeunes", "Aînés"], "respondents": [1, 1], "share": [0.5, 0.5]})
    figure = survey_charts.makeup_bars(makeup, column="profile", title="t", empty_label="-", lang="fr")
    assert figure.layout.xaxis.dtick == 1 and figure.layout.xaxis.tickformat == ",d"
    assert [survey_charts.count_step(n) for n in (2, 5, 12, 40, 230)] == [1, 1, 5, 10, 50]
