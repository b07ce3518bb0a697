"""The diagnosis as pure functions: a tidy answers frame in, small frames out (no database, no Streamlit).

The answers frame has one row per answer with at least the columns
`respondent, profile, place, weight, indicator_id, level` (level NaN = "don't know").
Every figure is weighted by the respondent's weight; "don't know" is counted but left out of means and shares.
Confidence intervals use the normal approximation with Kish's effective sample size, so they stay honest
when weights are unequal.
"""

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

LEVELS = (1, 2, 3, 4, 5)
GOOD_LEVELS = 4  # levels 4 and 5: "satisfactory" and "ideal"
Z95 = 1.959963984540054
SUMMARY_COLUMNS = ["indicator_id", "mean", "share_good", "answers", "dont_know", "weight_sum", "n_eff", "se"]


def filter_answers(
    answers: pd.DataFrame,
    *,
    profiles: Iterable[str] | None = None,
    places: Iterable[str] | None = None,
    respondents: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Keep the answers of the chosen profiles / places / respondents (None or empty = no filter)."""
    mask = pd.Series(True, index=answers.index)
    if profiles:
        mask &= answers["profile"].isin(list(profiles))
    if places:
        mask &= answers["place"].isin(list(places))
    if respondents is not None:
        mask &= answers["respondent"].isin(list(respondents))
    return answers[mask]


def _known(answers: pd.DataFrame) -> pd.DataFrame:
    return answers[answers["level"].notna()]


def summary(answers: pd.DataFrame, by: str | list[str] = "indicator_id") -> pd.DataFrame:
    """Per indicator (or per indicator and group): weighted mean, share in levels 4-5, counts, standard error.

    se is the standard error of the weighted mean: sqrt(s2 / n_eff) with s2 the weighted variance
    (corrected by n_eff / (n_eff - 1)) and n_eff = (sum w)^2 / sum w^2; NaN below two answers.
    """
    keys = [by] if isinstance(by, str) else list(by)
    known = _known(answers)
    unknown = answers[answers["level"].isna()]
    dont_know = unknown.groupby(keys).size() if len(unknown) else pd.Series(dtype="int64")
    if known.empty:
        return pd.DataFrame(columns=[*keys, *SUMMARY_COLUMNS[1:]])
    # Integer group ids and np.bincount: several times faster than a groupby on text columns.
    codes, uniques = zip(*(pd.factorize(known[k], sort=True) for k in keys), strict=True)
    dims = tuple(len(u) for u in uniques)
    group = np.ravel_multi_index(codes, dims)
    w, x = known["weight"].to_numpy(float), known["level"].to_numpy(float)
    size = int(np.prod(dims))
    total = lambda values: np.bincount(group, weights=values, minlength=size)  # noqa: E731
    present = np.flatnonzero(np.bincount(group, minlength=size))
    index = pd.MultiIndex.from_arrays(
        [u.take(c) for u, c in zip(uniques, np.unravel_index(present, dims), strict=True)], names=keys
    )
    pick = lambda values: pd.Series(total(values)[present], index=index)  # noqa: E731
    sums = pd.DataFrame(
        {"w": pick(w), "wx": pick(w * x), "wxx": pick(w * x * x), "ww": pick(w * w), "wg": pick(w * (x >= GOOD_LEVELS))}
    )
    sums["n"] = np.bincount(group, minlength=size)[present]
    if len(keys) == 1:
        sums.index = sums.index.get_level_values(0)
        dont_know.index = dont_know.index.get_level_values(0) if len(dont_know) else dont_know.index
    mean = sums["wx"] / sums["w"]
    n_eff = sums["w"] ** 2 / sums["ww"]
    variance = (sums["wxx"] / sums["w"] - mean**2).clip(lower=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        corrected = variance * n_eff / (n_eff - 1)
        se = np.sqrt(corrected / n_eff).where(sums["n"] > 1)
    result = pd.DataFrame(
        {
            "mean": mean,
            "share_good": sums["wg"] / sums["w"],
            "answers": sums["n"].astype(int),
            "dont_know": dont_know.reindex(sums.index).fillna(0).astype(int),
            "weight_sum": sums["w"],
            "n_eff": n_eff,
            "se": se,
        }
    )
    return result.reset_index()


def distribution(answers: pd.DataFrame) -> pd.DataFrame:
    """Weighted share of each level (1-5) and of "don't know" ("dk") per indicator; each row sums to 1."""
    levels = answers["level"].fillna(0).astype(int)
    table = answers.groupby([answers["indicator_id"], levels.rename("lvl")])["weight"].sum().unstack(fill_value=0.0)
    table = table.reindex(columns=[*LEVELS, 0], fill_value=0.0)
    table = table.div(table.sum(axis=1), axis=0)
    table.columns = [*[str(level) for level in LEVELS], "dk"]
    return table.reset_index()


def by_group(answers: pd.DataFrame, column: str = "profile") -> pd.DataFrame:
    """Weighted mean level per indicator (rows) and group (columns); empty groups ("") are left out."""
    data = answers[answers[column].astype(str) != ""]
    table = summary(data, by=["indicator_id", column])
    if table.empty:
        return pd.DataFrame()
    return table.pivot(index="indicator_id", columns=column, values="mean")


def group_counts(answers: pd.DataFrame, column: str = "profile") -> pd.DataFrame:
    """Known answers per indicator (rows) and group (columns), the shape of `by_group`: how much each mean weighs."""
    data = _known(answers[answers[column].astype(str) != ""])
    if data.empty:
        return pd.DataFrame()
    return data.groupby(["indicator_id", column]).size().unstack(fill_value=0)


def largest_gaps(
    table: pd.DataFrame, top: int = 5, *, counts: pd.DataFrame | None = None, minimum: int = 0
) -> pd.DataFrame:
    """The indicators whose groups disagree most: highest and lowest group, and the gap, largest first.

    With `counts`, a group's mean takes part only from `minimum` answers on: a gap between two or three people
    is not one of "the largest gaps" (settings.min_gap_count).
    """
    columns = ["indicator_id", "low_group", "low", "high_group", "high", "gap"]
    if counts is not None and minimum > 0 and not table.empty:
        weighty = counts.reindex(index=table.index, columns=table.columns).fillna(0) >= minimum
        table = table.where(weighty)
    table = table.dropna(how="all")
    if table.empty or table.shape[1] < 2:
        return pd.DataFrame(columns=columns)
    result = pd.DataFrame(
        {
            "low_group": table.idxmin(axis=1),
            "low": table.min(axis=1),
            "high_group": table.idxmax(axis=1),
            "high": table.max(axis=1),
        }
    )
    result["gap"] = result["high"] - result["low"]
    result = result.dropna(subset=["gap"])
    result = result[result["gap"] > 0].sort_values("gap", ascending=False, kind="stable").head(top)
    return result.rename_axis("indicator_id").reset_index()[columns]


def family_means(summary_frame: pd.DataFrame, families: Mapping[int, str]) -> pd.DataFrame:
    """Mean of the indicators' means per family (each indicator counts once); indicators without family left out."""
    data = summary_frame.assign(family=summary_frame["indicator_id"].map(families)).dropna(subset=["family"])
    data = data[data["family"] != ""]
    if data.empty:
        return pd.DataFrame(columns=["family", "mean", "indicators"])
    grouped = data.groupby("family")["mean"]
    return pd.DataFrame({"mean": grouped.mean(), "indicators": grouped.size()}).reset_index()


def compare_waves(before: pd.DataFrame, after: pd.DataFrame, *, z: float = Z95) -> pd.DataFrame:
    """Wave against wave per indicator: both means, the difference (after - before) and its 95% interval.

    The two waves are treated as independent samples: se_diff = sqrt(se_before^2 + se_after^2).
    `significant` says the interval leaves out zero.
    """
    a, b = summary(before), summary(after)
    merged = a[["indicator_id", "mean", "se", "answers"]].merge(
        b[["indicator_id", "mean", "se", "answers"]], on="indicator_id", how="outer", suffixes=("_before", "_after")
    )
    merged["diff"] = merged["mean_after"] - merged["mean_before"]
    se = np.sqrt(merged["se_before"].astype(float) ** 2 + merged["se_after"].astype(float) ** 2)
    merged["ci_low"] = merged["diff"] - z * se
    merged["ci_high"] = merged["diff"] + z * se
    merged["significant"] = (merged["ci_low"] > 0) | (merged["ci_high"] < 0)
    return merged.sort_values("indicator_id").reset_index(drop=True)


def makeup(answers: pd.DataFrame, column: str = "profile") -> pd.DataFrame:
    """Respondents per group (unweighted count and weighted share), from the answers frame."""
    people = answers.drop_duplicates("respondent")
    if people.empty:
        return pd.DataFrame(columns=[column, "respondents", "share"])
    grouped = people.groupby(people[column].astype(str))
    result = pd.DataFrame({"respondents": grouped.size(), "weight": grouped["weight"].sum()})
    result["share"] = result["weight"] / result["weight"].sum()
    result = result.sort_values("respondents", ascending=False, kind="stable")
    return result.rename_axis(column).reset_index()[[column, "respondents", "share"]]


def respondents(answers: pd.DataFrame) -> int:
    return int(answers["respondent"].nunique())


def has_weights(answers: pd.DataFrame) -> bool:
    """Whether weights were set (some respondent's differs from 1): weighting is off until then."""
    return bool(len(answers)) and bool((answers["weight"].astype(float) != 1.0).any())


def dashboard(
    answers: pd.DataFrame, families: Mapping[int, str], group: str = "profile", *, min_gap: int = 0
) -> dict[str, pd.DataFrame]:
    """Everything the dashboard shows for one wave (the bench times this).

    `min_gap`: answers each group needs for its gap to count among the largest (settings.min_gap_count).
    """
    overall = summary(answers)
    groups = by_group(answers, group)
    counts = group_counts(answers, group)
    return {
        "summary": overall,
        "distribution": distribution(answers),
        "families": family_means(overall, families),
        "by_group": groups,
        "group_counts": counts,
        "gaps": largest_gaps(groups, counts=counts, minimum=min_gap),
        "makeup": makeup(answers, group),
        "places": makeup(answers, "place"),
    }
