"""The diagnosis dashboard's charts, for the project lead's page (pages/dashboard.py) and the room's screen
(pages/present.py, &vue=tableau): one function reads the wave, filters it and builds the figures, so both
show the same numbers from the same aggregation (surveys.analysis) and the same charts (surveys.charts).

The dashboard page drives its presentation: the wave, the comparison, the filters and the chart projected are
published per project in the database (ui.presenting), so that a presentation served by another process follows
them; it redraws when they change, and when answers arrive (surveys.changes).
"""

from dataclasses import asdict, dataclass, field

import pandas as pd
import plotly.graph_objects as go

from indicators import service as indicators_service
from surveys import analysis, changes, charts, service
from ui import presenting, shell
from ui.shell import t
from workshop import grid, settings


@dataclass(frozen=True)
class Selection:
    """What the dashboard shows: a wave (None: the latest), another to compare with, filters, the chart projected."""

    wave_id: int | None = None
    compare_id: int | None = None
    profiles: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    weighted: bool = True
    chart: int = 0


@dataclass
class Diagnosis:
    """A wave's diagnosis as the dashboard draws it: figures (with their titles) and the tables beside them."""

    wave_label: str
    compare_label: str | None
    answers: pd.DataFrame
    parts: dict[str, pd.DataFrame]
    names: dict[int, str]
    comparison: pd.DataFrame | None
    figures: list[go.Figure] = field(default_factory=list)

    @property
    def titles(self) -> list[str]:
        return [figure.layout.title.text or "" for figure in self.figures]


def waves(project_id: int) -> dict[int, str]:
    """The project's waves, oldest first, each with its name in the user's language."""
    with shell.read_session() as session:
        found = service.list_waves(session=session, project_id=project_id)
    return {w.id: service.wave_name(w, shell.lang()) for w in found}


def _filtered(frame: pd.DataFrame, selection: Selection) -> pd.DataFrame:
    frame = frame if selection.weighted else frame.assign(weight=1.0)
    return analysis.filter_answers(frame, profiles=list(selection.profiles), places=list(selection.places))


def read_answers(project_id: int, wave_id: int) -> pd.DataFrame:
    with shell.read_session() as session:
        return service.answers_frame(session=session, project_id=project_id, wave_id=wave_id)


def diagnosis(
    project_id: int, selection: Selection, labels: dict[int, str], raw: pd.DataFrame | None = None
) -> Diagnosis:
    """The selection's wave filtered, aggregated and drawn; `raw` when the page has read the wave already."""
    lang = shell.lang()
    wave_id = selection.wave_id if selection.wave_id in labels else max(labels)
    compare_id = selection.compare_id if selection.compare_id in labels and selection.compare_id != wave_id else None
    with shell.read_session() as session:
        indicators = indicators_service.list_indicators(session=session, project_id=project_id, include_retired=True)
        family_entries = grid.families(session=session, project_id=project_id)
        if raw is None:
            raw = service.answers_frame(session=session, project_id=project_id, wave_id=wave_id)
        before = None
        if compare_id:
            before = service.answers_frame(session=session, project_id=project_id, wave_id=compare_id)
    names = {i.id: indicators_service.indicator_name(i, lang) for i in indicators}
    family_of = {i.id: i.family_code for i in indicators if i.family_code}
    answers = _filtered(raw, selection)
    parts = analysis.dashboard(answers, family_of, min_gap=settings.min_gap_count())
    comparison = analysis.compare_waves(_filtered(before, selection), answers) if before is not None else None
    found = Diagnosis(labels[wave_id], labels.get(compare_id), answers, parts, names, comparison)
    if not parts["summary"].empty:
        family_labels = {f.code: f"{f.code} · {grid.label(f, lang)}" for f in family_entries}
        found.figures = figures(found, family_labels)
    return found


def figures(found: Diagnosis, family_labels: dict[str, str]) -> list[go.Figure]:
    parts, names, lang = found.parts, found.names, shell.lang()
    level_names = [t(f"level.{level}") for level in range(1, 6)]
    drawn = [
        charts.mean_by_indicator(
            parts["summary"], names=names, title=t("step3.chart_title"), axis_label=t("step3.chart_axis"), lang=lang
        ),
        charts.distribution_bars(
            parts["distribution"],
            names=names,
            title=t("dashboard.distribution"),
            level_names=level_names,
            dont_know=t("step3.col.dont_know"),
            lang=lang,
        ),
    ]
    if not parts["families"].empty:
        drawn.append(charts.family_radar(parts["families"], labels=family_labels, title=t("dashboard.radar"),
                                         lang=lang))  # fmt: skip
    if not parts["by_group"].empty:
        drawn.append(charts.group_heatmap(parts["by_group"], parts["gaps"], names=names, title=t("dashboard.heatmap"),
                                          lang=lang, counts=parts["group_counts"],
                                          minimum=settings.min_group_count()))  # fmt: skip
    if found.comparison is not None:
        drawn.append(
            charts.wave_comparison(
                found.comparison,
                names=names,
                title=t("dashboard.waves", before=found.compare_label, after=found.wave_label),
                axis_label=t("dashboard.waves_axis"),
                lang=lang,
            )
        )
    for column, title in (("profile", "dashboard.makeup"), ("place", "dashboard.places")):
        frame = parts["makeup"] if column == "profile" else parts["places"]
        drawn.append(charts.makeup_bars(frame, column=column, title=t(title), empty_label=t("dashboard.none"),
                                        lang=lang))  # fmt: skip
    return drawn


# ---------- the selection the presentation follows ----------

DASHBOARD_VIEW = "tableau"  # the presentation's view of the dashboard (pages/present.py)


def publish(project_id: int, selection: Selection) -> None:
    presenting.publish(project_id, DASHBOARD_VIEW, asdict(selection))


def published(project_id: int) -> tuple[int, Selection]:
    """The selection to project and its version (the latest wave, everyone, weighted, the first chart when none
    was published, or when what was published no longer reads as a selection)."""
    number, state = presenting.published(project_id, DASHBOARD_VIEW)
    try:
        lists = {k: tuple(v) for k, v in state.items() if isinstance(v, list)}
        return number, Selection(**{**state, **lists})
    except TypeError:
        return number, Selection()


def answers_change(project_id: int) -> tuple:
    with shell.read_session() as session:
        return changes.survey_change(session=session, project_id=project_id)


# ---------- large, for the room ----------


def for_the_room(figure: go.Figure, height_px: int) -> go.Figure:
    """A chart at projector size: large type, thick marks, the whole height it is given."""
    figure = go.Figure(figure)
    figure.update_layout(
        font={"size": 26, "color": "#000"},
        title={"font": {"size": 40}},
        height=height_px,
        margin={"l": 40, "r": 40, "t": 90, "b": 40},
        paper_bgcolor="#fff",
        plot_bgcolor="#fff",
        legend={"font": {"size": 24}},
    )
    # Each axis's own sizes win over the layout's font: set them too (ticks stay legible from the back).
    figure.update_xaxes(tickfont={"size": 24}, title_font={"size": 26}, automargin=True)
    figure.update_yaxes(tickfont={"size": 24}, title_font={"size": 26}, automargin=True)
    figure.update_polars(radialaxis_tickfont_size=22, angularaxis_tickfont_size=24)
    return figure
