"""Step 3 dashboard for project leads: the shared diagnosis of a wave, by profile and place, wave against wave."""

import pandas as pd
import streamlit as st

from indicators import service as indicators_service
from surveys import analysis, charts, service
from ui import access, shell
from ui.shell import t
from workshop import grid

access.require_page(__file__)

project_id = shell.require_project()
lang = shell.lang()
st.title(t("dashboard.title"))

with shell.read_session() as session:
    waves = service.list_waves(session=session, project_id=project_id)
    indicators = indicators_service.list_indicators(session=session, project_id=project_id, include_retired=True)
    family_entries = grid.families(session=session, project_id=project_id)
if not waves:
    st.info(t("step3.no_wave"))
    st.stop()

names = {i.id: indicators_service.indicator_name(i, lang) for i in indicators}
family_of = {i.id: i.family_code for i in indicators if i.family_code}
family_labels = {f.code: f"{f.code} · {grid.label(f, lang)}" for f in family_entries}
by_id = {w.id: w for w in waves}
wave_label = lambda w: service.wave_name(by_id[w], lang)  # noqa: E731

left, right = st.columns(2)
wave_id = left.selectbox(t("step3.wave"), list(reversed(by_id)), format_func=wave_label, key="dash_wave")
others = [w for w in by_id if w != wave_id]
compare_id = right.selectbox(
    t("dashboard.compare_with"), [None, *others], format_func=lambda w: t("dashboard.no_compare") if w is None else
    wave_label(w), key="dash_compare"
)  # fmt: skip

with shell.read_session() as session:
    answers = service.answers_frame(session=session, project_id=project_id, wave_id=wave_id)
    before = service.answers_frame(session=session, project_id=project_id, wave_id=compare_id) if compare_id else None

profiles = sorted(p for p in answers["profile"].unique() if p)
places = sorted(p for p in answers["place"].unique() if p)
f1, f2, f3 = st.columns([2, 2, 1])
chosen_profiles = f1.multiselect(
    t("dashboard.filter_profile"), profiles, key="dash_profiles", placeholder=t("shell.choose")
)
chosen_places = f2.multiselect(t("dashboard.filter_place"), places, key="dash_places", placeholder=t("shell.choose"))
weighted = f3.toggle(t("dashboard.weighted"), value=True, key="dash_weighted")


def prepare(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame if weighted else frame.assign(weight=1.0)
    return analysis.filter_answers(frame, profiles=chosen_profiles, places=chosen_places)


answers = prepare(answers)
parts = analysis.dashboard(answers, family_of)
m1, m2, m3 = st.columns(3)
m1.metric(t("step3.respondents"), analysis.respondents(answers))
m2.metric(t("dashboard.answers"), int(answers["level"].notna().sum()))
m3.metric(t("step3.col.dont_know"), int(answers["level"].isna().sum()))
if parts["summary"].empty:
    st.info(t("step3.no_answer"))
    st.stop()

level_names = [t(f"level.{level}") for level in range(1, 6)]
figures = [
    charts.mean_by_indicator(
        parts["summary"], names=names, title=t("step3.chart_title"), axis_label=t("step3.chart_axis")
    ),
    charts.distribution_bars(
        parts["distribution"],
        names=names,
        title=t("dashboard.distribution"),
        level_names=level_names,
        dont_know=t("step3.col.dont_know"),
    ),
]
if not parts["families"].empty:
    figures.append(charts.family_radar(parts["families"], labels=family_labels, title=t("dashboard.radar")))
if not parts["by_group"].empty:
    figures.append(charts.group_heatmap(parts["by_group"], parts["gaps"], names=names, title=t("dashboard.heatmap")))
comparison = analysis.compare_waves(prepare(before), answers) if before is not None else None
if comparison is not None:
    figures.append(
        charts.wave_comparison(
            comparison,
            names=names,
            title=t("dashboard.waves", before=wave_label(compare_id), after=wave_label(wave_id)),
            axis_label=t("dashboard.waves_axis"),
        )
    )
figures.append(
    charts.makeup_bars(parts["makeup"], column="profile", title=t("dashboard.makeup"), empty_label=t("dashboard.none"))
)
figures.append(
    charts.makeup_bars(parts["places"], column="place", title=t("dashboard.places"), empty_label=t("dashboard.none"))
)

png = {"toImageButtonOptions": {"format": "png", "scale": 2, "filename": "spirale"}, "displaylogo": False}
for index, figure in enumerate(figures):
    if shell.projector_on():
        figure.update_layout(font={"size": 22})
    st.plotly_chart(figure, width="stretch", config=png, key=f"dash_chart_{index}")

if not parts["gaps"].empty:
    st.subheader(t("dashboard.gaps"))
    gaps = parts["gaps"].assign(indicator=parts["gaps"]["indicator_id"].map(names))
    st.dataframe(
        gaps[["indicator", "low_group", "low", "high_group", "high", "gap"]],
        hide_index=True,
        width="stretch",
        column_config={
            "indicator": t("step3.col.indicator"),
            "low_group": t("dashboard.col.low_group"),
            "low": st.column_config.NumberColumn(t("dashboard.col.low"), format="%.2f"),
            "high_group": t("dashboard.col.high_group"),
            "high": st.column_config.NumberColumn(t("dashboard.col.high"), format="%.2f"),
            "gap": st.column_config.NumberColumn(t("dashboard.col.gap"), format="%.2f"),
        },
    )

if comparison is not None:
    st.subheader(t("dashboard.waves_table"))
    changes = comparison.assign(indicator=comparison["indicator_id"].map(names))
    st.dataframe(
        changes[["indicator", "mean_before", "mean_after", "diff", "ci_low", "ci_high", "significant"]],
        hide_index=True,
        width="stretch",
        column_config={
            "indicator": t("step3.col.indicator"),
            "mean_before": st.column_config.NumberColumn(wave_label(compare_id), format="%.2f"),
            "mean_after": st.column_config.NumberColumn(wave_label(wave_id), format="%.2f"),
            "diff": st.column_config.NumberColumn(t("dashboard.col.diff"), format="%+.2f"),
            "ci_low": st.column_config.NumberColumn(t("dashboard.col.ci_low"), format="%+.2f"),
            "ci_high": st.column_config.NumberColumn(t("dashboard.col.ci_high"), format="%+.2f"),
            "significant": st.column_config.CheckboxColumn(t("dashboard.col.significant")),
        },
    )

table = parts["summary"].assign(indicator=parts["summary"]["indicator_id"].map(names))
st.dataframe(
    table[["indicator", "mean", "share_good", "answers", "dont_know"]],
    hide_index=True,
    width="stretch",
    column_config={
        "indicator": t("step3.col.indicator"),
        "mean": st.column_config.NumberColumn(t("step3.col.mean"), format="%.2f"),
        "share_good": st.column_config.NumberColumn(t("step3.col.share_good"), format="percent"),
        "answers": t("step3.col.answers"),
        "dont_know": t("step3.col.dont_know"),
    },
)
st.download_button(
    t("dashboard.download_html"),
    data=charts.standalone_html(figures, title=f"{t('dashboard.title')} · {wave_label(wave_id)}", lang=lang),
    file_name="spirale-dashboard.html",
    mime="text/html",
    icon="📥",
)
st.caption(t("dashboard.png_hint"))
