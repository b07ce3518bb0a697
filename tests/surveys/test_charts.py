"""Figure builders: the data they are given ends up in the figure; the standalone HTML needs no network."""

import pandas as pd

from surveys import analysis, charts
from tests.surveys.test_analysis import NAN, frame

ANSWERS = frame(
    [
        (1, "Jeunes", "Gare", 1, 1, 2),
        (2, "Aînés", "Centre", 3, 1, 4),
        (3, "Aînés", "Gare", 1, 1, NAN),
        (1, "Jeunes", "Gare", 1, 2, 5),
        (2, "Aînés", "Centre", 3, 2, 5),
    ]
)
NAMES = {1: "Logement", 2: "Voisinage"}


def test_distribution_bars_stack_five_levels_and_dont_know():
    figure = charts.distribution_bars(
        analysis.distribution(ANSWERS), names=NAMES, title="T", level_names=list("12345"), dont_know="NSP"
    )
    assert [trace.name for trace in figure.data] == ["1", "2", "3", "4", "5", "NSP"]
    assert list(figure.data[3].x) == [60.0, 0.0] and list(figure.data[4].x) == [0.0, 100.0]


def test_heatmap_stars_largest_gaps_and_radar_closes():
    table = analysis.by_group(ANSWERS)
    figure = charts.group_heatmap(table, analysis.largest_gaps(table, top=1), names=NAMES, title="T")
    assert figure.data[0].y[0] == "★ Logement" and figure.data[0].y[1] == "Voisinage"
    radar = charts.family_radar(pd.DataFrame({"family": ["A", "B"], "mean": [2.0, 4.0]}), labels={}, title="T")
    assert list(radar.data[0].r) == [2.0, 4.0, 2.0]


def test_wave_comparison_and_standalone_html():
    comparison = analysis.compare_waves(ANSWERS, ANSWERS.assign(level=ANSWERS["level"].clip(upper=4)))
    figure = charts.wave_comparison(comparison, names=NAMES, title="T", axis_label="A")
    assert list(figure.data[0].y) == ["Logement", "Voisinage"]
    page = charts.standalone_html([figure, figure], title="<Bilan>", lang="fr")
    assert page.count("<script") >= 2 and "&lt;Bilan&gt;" in page and 'src="https://cdn.plot.ly' not in page
