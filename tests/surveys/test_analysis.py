"""The diagnosis functions against values computed by hand (weights and "don't know" included)."""

import math

import pandas as pd
import pytest

from surveys import analysis

NAN = float("nan")


def frame(rows) -> pd.DataFrame:
    """rows: (respondent, profile, place, weight, indicator_id, level)."""
    columns = ["respondent", "profile", "place", "weight", "indicator_id", "level"]
    return pd.DataFrame(rows, columns=columns).astype({"level": "float64", "weight": "float64"})


@pytest.fixture
def answers() -> pd.DataFrame:
    # indicator 1: r1 (w 1) level 2, r2 (w 3) level 4, r3 (w 1) don't know
    # indicator 2: r1 level 5, r2 level 5, r3 level 1
    return frame(
        [
            (1, "Jeunes", "Gare", 1, 1, 2),
            (2, "Aînés", "Centre", 3, 1, 4),
            (3, "Aînés", "Gare", 1, 1, NAN),
            (1, "Jeunes", "Gare", 1, 2, 5),
            (2, "Aînés", "Centre", 3, 2, 5),
            (3, "Aînés", "Gare", 1, 2, 1),
        ]
    )


def test_weighted_mean_share_counts_and_standard_error(answers):
    row = analysis.summary(answers).set_index("indicator_id").loc[1]
    # mean = (1*2 + 3*4) / 4 = 3.5; share 4-5 = 3 / 4; n_eff = 4^2 / (1 + 9) = 1.6
    assert row["mean"] == pytest.approx(3.5)
    assert row["share_good"] == pytest.approx(0.75)
    assert (row["answers"], row["dont_know"]) == (2, 1)
    assert row["n_eff"] == pytest.approx(1.6)
    # weighted variance = (4 + 48) / 4 - 3.5^2 = 0.75; corrected 0.75 * 1.6 / 0.6 = 2; se = sqrt(2 / 1.6)
    assert row["se"] == pytest.approx(math.sqrt(1.25))
    second = analysis.summary(answers).set_index("indicator_id").loc[2]
    assert second["mean"] == pytest.approx((5 + 15 + 1) / 5)
    assert second["share_good"] == pytest.approx(4 / 5)


def test_unweighted_mean_and_single_answer_has_no_error():
    data = frame([(1, "", "", 1, 7, 1), (2, "", "", 1, 7, 2), (3, "", "", 1, 7, 3), (1, "", "", 1, 8, 4)])
    table = analysis.summary(data).set_index("indicator_id")
    assert table.loc[7, "mean"] == pytest.approx(2.0)
    assert table.loc[7, "se"] == pytest.approx(math.sqrt(1 / 3))  # sample sd 1, n 3
    assert math.isnan(table.loc[8, "se"])


def test_only_dont_know_gives_empty_summary():
    data = frame([(1, "", "", 1, 7, NAN)])
    assert analysis.summary(data).empty
    assert analysis.distribution(data).iloc[0]["dk"] == 1.0


def test_distribution_is_weighted_and_counts_dont_know(answers):
    row = analysis.distribution(answers).set_index("indicator_id").loc[1]
    assert list(row) == pytest.approx([0, 0.2, 0, 0.6, 0, 0.2])  # levels 1..5, dk out of a weight of 5
    assert list(analysis.distribution(answers).columns) == ["indicator_id", "1", "2", "3", "4", "5", "dk"]


def test_filters_by_profile_and_place(answers):
    assert set(analysis.filter_answers(answers, profiles=["Aînés"])["respondent"]) == {2, 3}
    assert set(analysis.filter_answers(answers, places=["Gare"])["respondent"]) == {1, 3}
    assert set(analysis.filter_answers(answers, profiles=["Aînés"], places=["Gare"])["respondent"]) == {3}
    assert len(analysis.filter_answers(answers, profiles=[])) == len(answers)


def test_by_profile_and_largest_gaps(answers):
    table = analysis.by_group(answers, "profile")
    assert table.loc[1, "Jeunes"] == 2 and table.loc[1, "Aînés"] == 4  # r3's don't know left out
    assert table.loc[2, "Jeunes"] == 5 and table.loc[2, "Aînés"] == pytest.approx((15 + 1) / 4)
    gaps = analysis.largest_gaps(table)
    assert list(gaps["indicator_id"]) == [1, 2]
    first = gaps.iloc[0]
    assert (first["low_group"], first["high_group"], first["gap"]) == ("Jeunes", "Aînés", 2)
    assert gaps.iloc[1]["gap"] == pytest.approx(1)


def test_family_means_count_each_indicator_once(answers):
    families = analysis.family_means(analysis.summary(answers), {1: "A", 2: "A"}).set_index("family")
    assert families.loc["A", "mean"] == pytest.approx((3.5 + 4.2) / 2)
    assert families.loc["A", "indicators"] == 2


def test_compare_waves_difference_and_interval():
    before = frame([(1, "", "", 1, 1, 1), (2, "", "", 1, 1, 2), (3, "", "", 1, 1, 3)])
    after = frame([(4, "", "", 1, 1, 3), (5, "", "", 1, 1, 4), (6, "", "", 1, 1, 5), (6, "", "", 1, 2, 5)])
    table = analysis.compare_waves(before, after).set_index("indicator_id")
    row = table.loc[1]
    assert (row["mean_before"], row["mean_after"], row["diff"]) == (2, 4, 2)
    half = 1.959963984540054 * math.sqrt(1 / 3 + 1 / 3)
    assert row["ci_low"] == pytest.approx(2 - half) and row["ci_high"] == pytest.approx(2 + half)
    assert bool(row["significant"])
    assert math.isnan(table.loc[2, "diff"])  # only asked in the second wave


def test_makeup_counts_people_not_answers(answers):
    table = analysis.makeup(answers, "profile").set_index("profile")
    assert table.loc["Aînés", "respondents"] == 2 and table.loc["Jeunes", "respondents"] == 1
    assert table.loc["Aînés", "share"] == pytest.approx(4 / 5)
    assert analysis.respondents(answers) == 3


def test_dashboard_bundle(answers):
    parts = analysis.dashboard(answers, {1: "A", 2: "B"})
    assert set(parts) == {"summary", "distribution", "families", "by_group", "group_counts", "gaps", "makeup",
                          "places"}  # fmt: skip
    assert len(parts["families"]) == 2


def test_no_largest_gap_between_a_few_people(answers):
    # Two groups of one or two respondents each: their gap is chance, never starred as one of the largest.
    assert not analysis.dashboard(answers, {1: "A", 2: "B"})["gaps"].empty
    assert analysis.dashboard(answers, {1: "A", 2: "B"}, min_gap=30)["gaps"].empty
    counts = analysis.group_counts(answers)
    assert counts.loc[1].to_dict() == {"Aînés": 1, "Jeunes": 1} and counts.loc[2].to_dict() == {"Aînés": 2, "Jeunes": 1}
    table = analysis.by_group(answers)
    kept = analysis.largest_gaps(table, counts=counts, minimum=1)
    assert list(kept["indicator_id"]) == list(analysis.largest_gaps(table)["indicator_id"])


def test_weighting_is_off_until_weights_are_set(answers):
    assert analysis.has_weights(answers)
    assert not analysis.has_weights(answers.assign(weight=1.0))
    assert not analysis.has_weights(answers.iloc[0:0])
