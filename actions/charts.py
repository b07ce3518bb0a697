"""Figure builders for the action plan: data in, plotly figure out (no Streamlit, no database)."""

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from workshop import formats, plots, settings

STATUS_COLOURS = {"draft": "#9e9e9e", "planned": "#2e86c1", "in_progress": "#e67e22", "done": "#1e8449"}
FONT = {"size": 16}
DAY_MS = 86_400_000


def timeline(
    actions: pd.DataFrame,
    milestones: pd.DataFrame,
    *,
    status_labels: dict[str, str],
    title: str,
    milestone_label: str,
    today: date | None = None,
    today_label: str = "",
    lang: str | None = None,
) -> go.Figure:
    """A Gantt chart: one bar per dated action (start to end, coloured by status), its milestones as diamonds,
    and a line for today. Actions without both dates are left out (the page says so)."""
    lang = lang or settings.default_language()
    dated = actions.dropna(subset=["start_on", "end_on"]).sort_values(["start_on", "id"], ascending=[False, False])
    figure = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        rows = dated[dated["status"] == status]
        if rows.empty:
            continue
        start = pd.to_datetime(rows["start_on"])
        spans = [formats.day_range(a, b, lang) for a, b in zip(rows["start_on"], rows["end_on"], strict=True)]
        # End day included; a one-day event still gets a visible bar (a week wide).
        length_ms = ((pd.to_datetime(rows["end_on"]) - start).dt.total_seconds() * 1000 + DAY_MS).clip(lower=7 * DAY_MS)
        figure.add_trace(
            go.Bar(
                name=status_labels.get(status, status),
                y=rows["title"],
                x=length_ms,
                base=start.dt.strftime("%Y-%m-%d"),
                orientation="h",
                marker_color=colour,
                customdata=spans,
                hovertemplate="%{y}<br>%{customdata}<extra></extra>",
            )
        )
    titles = dict(zip(dated["id"], dated["title"], strict=True))
    points = milestones[milestones["action_id"].isin(titles)] if len(milestones) else milestones
    if len(points):
        figure.add_trace(
            go.Scatter(
                name=milestone_label,
                x=pd.to_datetime(points["due_on"]).dt.strftime("%Y-%m-%d"),
                y=points["action_id"].map(titles),
                mode="markers",
                # Done milestones filled, the ones to come open.
                marker={
                    "symbol": ["diamond" if pd.notna(done) else "diamond-open" for done in points["done_on"]],
                    "size": 14,
                    "color": "#111111",
                    "line": {"width": 2, "color": "#111111"},
                },
                text=points["title"],
                customdata=[formats.day(d, lang) for d in points["due_on"]],
                hovertemplate="%{text}<br>%{customdata}<extra></extra>",
            )
        )
    if today is not None and len(dated):
        figure.add_shape(type="line", x0=today.isoformat(), x1=today.isoformat(), y0=0, y1=1, yref="paper",
                         line={"color": "#c0392b", "dash": "dot", "width": 2})  # fmt: skip
        figure.add_annotation(x=today.isoformat(), y=1, yref="paper", text=today_label, showarrow=False,
                              yanchor="bottom", font={"color": "#c0392b"})  # fmt: skip
    figure.update_layout(
        title=title,
        barmode="overlay",
        xaxis={"type": "date"},
        yaxis={"automargin": True, "type": "category"},
        height=max(320, 48 * len(dated) + 160),
        margin={"l": 10, "r": 10, "t": 70, "b": 40},
        font=FONT,
        legend={"orientation": "h", "y": -0.15},
    )
    return plots.finish(figure, lang)


def funding_bars(
    funding: pd.DataFrame, titles: dict[int, str], *, title: str, axis_label: str, lang: str | None = None
) -> go.Figure:
    """Stacked bars: the funding of each action shared between its partners (one unit: the most common)."""
    lang = lang or settings.default_language()
    figure = go.Figure()
    if len(funding):
        unit = funding["unit"].mode().iloc[0]
        data = funding[funding["unit"] == unit].assign(action=lambda f: f["action_id"].map(titles))
        for partner, rows in data.groupby("partner", sort=True):
            figure.add_trace(
                go.Bar(
                    name=str(partner),
                    y=rows["action"],
                    x=rows["amount"],
                    orientation="h",
                    text=[formats.amount(a, lang) for a in rows["amount"]],
                    textangle=0,
                    # The partner and the unit are people's words: through the trace's escaped fields, never
                    # pasted into the template (where markup or "%{" would be read).
                    customdata=[unit] * len(rows),
                    hovertemplate="%{fullData.name}<br>%{y}<br>%{x:,.0f} %{customdata}<extra></extra>",
                )
            )
        axis_label = f"{axis_label} ({unit})" if unit else axis_label
    figure.update_layout(
        title=title,
        barmode="stack",
        xaxis={"title": axis_label},
        yaxis={"automargin": True},
        height=max(360, 60 * funding["action_id"].nunique() + 40 * funding["partner"].nunique() + 160)
        if len(funding)
        else 320,
        margin={"l": 10, "r": 10, "t": 70, "b": 40},
        font=FONT,
        legend={"orientation": "h", "yanchor": "top", "y": -0.25},
    )
    return plots.finish(figure, lang)


def progress_bars(
    progress: pd.DataFrame, names: dict[int, str], *, title: str, labels: dict[str, str], lang: str | None = None
) -> go.Figure:
    """For each target indicator of an action: the level before, after, and the target as a marker."""
    lang = lang or settings.default_language()
    data = progress.assign(name=progress["indicator_id"].map(names))
    figure = go.Figure(
        [
            go.Bar(
                name=labels["before"], y=data["name"], x=data["mean_before"], orientation="h", marker_color="#aab7b8"
            ),
            go.Bar(name=labels["after"], y=data["name"], x=data["mean_after"], orientation="h", marker_color="#2e86c1"),
            go.Scatter(
                name=labels["target"],
                y=data["name"],
                x=data["target_level"],
                mode="markers",
                marker={"symbol": "line-ns", "size": 26, "line": {"width": 4, "color": "#c0392b"}},
            ),
        ]
    )
    figure.update_layout(
        title=title,
        barmode="group",
        xaxis={"range": [0, 5.2], "dtick": 1},
        yaxis={"automargin": True},
        height=max(280, 70 * len(data) + 160),
        margin={"l": 10, "r": 10, "t": 70, "b": 40},
        font=FONT,
        legend={"orientation": "h", "y": -0.2},
    )
    return plots.finish(figure, lang)
