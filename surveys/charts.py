"""Figure builders for the diagnosis: data in, plotly figure out (no Streamlit, no database)."""

import pandas as pd
import plotly.graph_objects as go

LEVEL_COLOURS = ["#c0392b", "#e67e22", "#f1c40f", "#7fb800", "#1e8449"]


def mean_by_indicator(means: pd.DataFrame, *, names: dict[int, str], title: str, axis_label: str) -> go.Figure:
    """Horizontal bars of the mean level (1-5) per indicator, lowest first, coloured by level."""
    data = means.assign(name=means["indicator_id"].map(names)).sort_values("mean", ascending=False)
    colours = [LEVEL_COLOURS[min(4, max(0, round(m) - 1))] for m in data["mean"]]
    figure = go.Figure(
        go.Bar(
            x=data["mean"],
            y=data["name"],
            orientation="h",
            marker_color=colours,
            text=[f"{m:.2f}" for m in data["mean"]],
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
    return figure
