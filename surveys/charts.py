"""Figure builders for the diagnosis: data in, plotly figure out (no Streamlit, no database)."""

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from workshop import formats, plots, settings

LEVEL_COLOURS = ["#c0392b", "#e67e22", "#f1c40f", "#7fb800", "#1e8449"]


def mean_by_indicator(
    means: pd.DataFrame, *, names: dict[int, str], title: str, axis_label: str, lang: str | None = None
) -> go.Figure:
    """Horizontal bars of the mean level (1-5) per indicator, lowest first, coloured by level."""
    lang = lang or settings.default_language()
    data = means.assign(name=means["indicator_id"].map(names)).sort_values("mean", ascending=False)
    colours = [LEVEL_COLOURS[min(4, max(0, round(m) - 1))] for m in data["mean"]]
    figure = go.Figure(
        go.Bar(
            x=data["mean"],
            y=data["name"],
            orientation="h",
            marker_color=colours,
            text=[formats.number(m, lang) for m in data["mean"]],
            textposition="outside",
            customdata=data["answers"],
            hovertemplate="%{y}<br>%{x:.2f} (n=%{customdata})<extra></extra>",
        )
    )
    figure.update_layout(
        title=title,
        xaxis={"range": [0, 5.5], "title": axis_label, "dtick": 1},
        height=max(320, 40 * len(data) + 120),
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
        font={"size": 16},
    )
    return plots.finish(figure, lang)


DONT_KNOW_COLOUR = "#9e9e9e"
FONT = {"size": 16}


def _height(rows: int) -> int:
    return max(320, 34 * rows + 140)


def distribution_bars(
    shares: pd.DataFrame,
    *,
    names: dict[int, str],
    title: str,
    level_names: list[str],
    dont_know: str,
    lang: str | None = None,
) -> go.Figure:
    """Stacked horizontal bars: each indicator's weighted share of levels 1-5 and of "don't know"."""
    lang = lang or settings.default_language()
    suffix = formats.percent_suffix(lang)
    data = shares.assign(name=shares["indicator_id"].map(names))
    figure = go.Figure()
    for column, label, colour in zip(
        ["1", "2", "3", "4", "5", "dk"], [*level_names, dont_know], [*LEVEL_COLOURS, DONT_KNOW_COLOUR], strict=True
    ):
        figure.add_bar(
            x=data[column] * 100,
            y=data["name"],
            orientation="h",
            name=label,
            marker_color=colour,
            text=[formats.percent(v, lang) if v >= 0.06 else "" for v in data[column]],
            textposition="inside",
            hovertemplate="%{y}<br>%{fullData.name}: %{x:.0f}" + suffix + "<extra></extra>",
        )
    figure.update_layout(
        barmode="stack",
        title=title,
        xaxis={"range": [0, 100], "ticksuffix": suffix},
        yaxis={"autorange": "reversed"},
        # Under the axis's ticks, never on them (a legend at y=-0.08 covered the % labels).
        legend={"orientation": "h", "yanchor": "top", "y": -0.12},
        height=_height(len(data)) + 60,
        margin={"l": 10, "r": 10, "t": 60, "b": 100},
        font=FONT,
    )
    return plots.finish(figure, lang)


def family_radar(
    families: pd.DataFrame, *, labels: dict[str, str], title: str, lang: str | None = None
) -> go.Figure:
    """Mean level per family on a 1-5 radar (a closed line)."""
    lang = lang or settings.default_language()
    theta = [labels.get(f, f) for f in families["family"]]
    figure = go.Figure(
        go.Scatterpolar(
            r=[*families["mean"], *families["mean"][:1]],
            theta=[*theta, *theta[:1]],
            fill="toself",
            line={"color": "#1f4e79", "width": 3},
            hovertemplate="%{theta}: %{r:.2f}<extra></extra>",
        )
    )
    figure.update_layout(
        title=title, polar={"radialaxis": {"range": [0, 5], "dtick": 1}}, height=520, font=FONT, showlegend=False
    )
    return plots.finish(figure, lang)


SMALL_COLOUR = "#d9d9d9"  # a group's mean over too few answers: grey, its value in brackets


def group_heatmap(
    table: pd.DataFrame,
    gaps: pd.DataFrame,
    *,
    names: dict[int, str],
    title: str,
    lang: str | None = None,
    counts: pd.DataFrame | None = None,
    minimum: int = 0,
) -> go.Figure:
    """Indicator x group mean level; the indicators with the largest gaps between groups are starred.

    With `counts`, a cell of fewer than `minimum` answers is greyed and its value put in brackets, as
    statisticians print a figure on a small base: it is shown, not read as a result.
    """
    lang = lang or settings.default_language()
    starred = set(gaps["indicator_id"]) if not gaps.empty else set()
    rows = [("★ " if iid in starred else "") + names.get(iid, str(iid)) for iid in table.index]
    values = table.to_numpy(dtype=float)
    if counts is not None and minimum > 0:
        sizes = counts.reindex(index=table.index, columns=table.columns).fillna(0).to_numpy(dtype=float)
    else:
        sizes = np.full(values.shape, np.inf)
    small = sizes < minimum
    cell = lambda v, few: f"({formats.number(v, lang, 1)})" if few and v == v else formats.number(v, lang, 1)  # noqa: E731
    text = [[cell(v, few) for v, few in zip(row, marks, strict=True)] for row, marks in zip(values, small, strict=True)]
    columns = [str(c) for c in table.columns]
    figure = go.Figure(
        go.Heatmap(
            z=np.where(small, np.nan, values),
            x=columns,
            y=rows,
            zmin=1,
            zmax=5,
            colorscale=[[i / 4, c] for i, c in enumerate(LEVEL_COLOURS)],
            text=text,
            texttemplate="%{text}",
            hovertemplate="%{y}<br>%{x}: %{z:.2f}<extra></extra>",
        )
    )
    if small.any():
        figure.add_trace(
            go.Heatmap(
                z=np.where(small & ~np.isnan(values), 1.0, np.nan),
                x=columns,
                y=rows,
                colorscale=[[0, SMALL_COLOUR], [1, SMALL_COLOUR]],
                showscale=False,
                text=text,
                texttemplate="%{text}",
                customdata=sizes,
                hovertemplate="%{y}<br>%{x}: %{text} (n=%{customdata})<extra></extra>",
            )
        )
    figure.update_layout(
        title=title,
        yaxis={"autorange": "reversed"},
        height=_height(len(rows)),
        margin={"l": 10, "r": 10, "t": 60, "b": 120},
        font=FONT,
    )
    return plots.finish(figure, lang)


def wave_comparison(
    comparison: pd.DataFrame, *, names: dict[int, str], title: str, axis_label: str, lang: str | None = None
) -> go.Figure:
    """Difference of mean level (after - before) per indicator with its 95% confidence interval."""
    lang = lang or settings.default_language()
    data = comparison.dropna(subset=["diff"]).assign(name=lambda d: d["indicator_id"].map(names))
    colours = ["#1e8449" if s and d > 0 else "#c0392b" if s else "#7f8c8d" for s, d in zip(
        data["significant"], data["diff"], strict=True)]  # fmt: skip
    figure = go.Figure(
        go.Scatter(
            x=data["diff"],
            y=data["name"],
            mode="markers",
            marker={"size": 14, "color": colours},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (data["ci_high"] - data["diff"]).fillna(0),
                "arrayminus": (data["diff"] - data["ci_low"]).fillna(0),
                "thickness": 2,
            },
            customdata=data[["mean_before", "mean_after"]].to_numpy(),
            hovertemplate="%{y}<br>%{customdata[0]:.2f} → %{customdata[1]:.2f} (%{x:+.2f})<extra></extra>",
        )
    )
    figure.add_vline(x=0, line_width=2, line_color="#000000")
    figure.update_layout(
        title=title,
        xaxis={"title": axis_label, "zeroline": False},
        yaxis={"autorange": "reversed"},
        height=_height(len(data)),
        margin={"l": 10, "r": 10, "t": 60, "b": 40},
        font=FONT,
    )
    return plots.finish(figure, lang)


def count_step(largest: float) -> int:
    """Whole steps for an axis of counts, about five of them: never 0.2 of a person."""
    if largest <= 5:
        return 1
    rough = largest / 5
    magnitude = 10 ** math.floor(math.log10(rough))
    return int(next(step * magnitude for step in (1, 2, 5, 10) if step * magnitude >= rough))


def makeup_bars(
    makeup: pd.DataFrame, *, column: str, title: str, empty_label: str, lang: str | None = None
) -> go.Figure:
    """Respondents per group (count, with the weighted share in the hover)."""
    lang = lang or settings.default_language()
    groups = [g if g else empty_label for g in makeup[column]]
    figure = go.Figure(
        go.Bar(
            x=makeup["respondents"],
            y=groups,
            orientation="h",
            marker_color="#1f4e79",
            text=makeup["respondents"],
            textposition="outside",
            customdata=makeup["share"] * 100,
            hovertemplate="%{y}: %{x} (%{customdata:.0f}" + formats.percent_suffix(lang) + ")<extra></extra>",
        )
    )
    largest = float(makeup["respondents"].max()) if len(makeup) else 1.0
    figure.update_layout(
        title=title,
        xaxis={"tick0": 0, "dtick": count_step(largest), "tickformat": ",d", "rangemode": "tozero"},
        yaxis={"autorange": "reversed"},
        height=_height(len(groups)),
        margin={"l": 10, "r": 30, "t": 60, "b": 40},
        font=FONT,
    )
    return plots.finish(figure, lang)


def standalone_html(figures: list[go.Figure], *, title: str, lang: str) -> str:
    """The dashboard as one HTML file that opens without network (plotly.js embedded once)."""
    import html

    parts = [
        figure.to_html(full_html=False, include_plotlyjs=(index == 0), config={"displaylogo": False})
        for index, figure in enumerate(figures)
    ]
    body = "\n".join(f'<section style="margin-bottom:2em">{part}</section>' for part in parts)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>body{{font-family:sans-serif;font-size:20px;margin:2em}}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{body}</body></html>"
    )
