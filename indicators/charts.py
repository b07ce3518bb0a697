"""Step 2 figures: pure functions, data in, plotly figure out."""

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from workshop import formats, i18n, plots, settings

FONT = {"size": 18}


def family_tree(tree: pd.DataFrame, *, kind: str = "sunburst", families: dict[str, str] | None = None,
                no_note: str = "—", lang: str | None = None) -> go.Figure:  # fmt: skip
    """Families -> indicators -> notes (rows of indicators.service.synthesis_tree) as a sunburst or a treemap."""
    lang = lang or settings.default_language()
    families = families or {}
    if tree.empty:
        return go.Figure(layout={"font": FONT})
    data = tree.assign(
        family=tree["family"].map(lambda code: f"{code} · {families[code]}" if code in families else code),
        note=tree["note"].map(lambda text: (text[:60] + "…" if len(text) > 60 else text) or no_note),
        count=1,
    )
    builder = px.treemap if kind == "treemap" else px.sunburst
    figure = builder(data, path=["family", "indicator", "note"], values="count", hover_data=["group"])
    trace = figure.data[0]
    # plotly express's hover box says "labels=…<br>count=…<br>parent=…" in its own English: ours says what a
    # slice is in the reader's words ("Un logement digne · 12 post-it"; a note's group under it).
    groups = [row[0] if row[0] not in ("(?)", "", None) else "" for row in trace.customdata]
    trace.hovertext = [_hover(label, count, group, lang) for label, count, group in
                       zip(trace.labels, trace.values, groups, strict=True)]  # fmt: skip
    trace.hovertemplate = "%{hovertext}<extra></extra>"
    trace.customdata = None
    if kind != "treemap":
        figure.update_traces(maxdepth=2)  # notes appear when a family or an indicator is clicked
    figure.update_layout(font=FONT, margin={"t": 10, "l": 10, "r": 10, "b": 10}, height=700)
    return plots.finish(figure, lang)


def _hover(label: str, count: float, group: str, lang: str) -> str:
    notes = i18n.translate("step2.views.notes_one" if count == 1 else "step2.views.notes_many", lang,
                           count=formats.integer(count, lang))  # fmt: skip
    return "\n".join(part for part in (label, notes, group) if part)


def groups_families_heatmap(matrix: pd.DataFrame, *, families: dict[str, str] | None = None,
                            x_title: str = "", y_title: str = "", lang: str | None = None) -> go.Figure:  # fmt: skip
    """Notes per group (rows) and family (columns): who spoke of what."""
    lang = lang or settings.default_language()
    families = families or {}
    if matrix.empty:
        return go.Figure(layout={"font": FONT})
    columns = [f"{c} · {families[c]}" if c in families else str(c) for c in matrix.columns]
    figure = go.Figure(
        go.Heatmap(
            z=matrix.to_numpy(),
            x=columns,
            y=[str(i) for i in matrix.index],
            colorscale="Blues",
            text=matrix.to_numpy(),
            texttemplate="%{text}",
            hovertemplate="%{y} · %{x}: %{z}<extra></extra>",
        )
    )
    figure.update_layout(font=FONT, xaxis_title=x_title, yaxis_title=y_title, height=200 + 45 * len(matrix))
    return plots.finish(figure, lang)
