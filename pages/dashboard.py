"""Step 3 dashboard for project leads: the shared diagnosis of a wave, by profile and place, wave against wave.

The figures come from ui/dashboard.py, which the room's presentation of the dashboard draws too
(/presentation?vue=tableau, opened from here): the wave, filters and chart chosen here are what it shows.
"""

from dataclasses import replace

import streamlit as st

from surveys import analysis, charts
from ui import access, notes, shell
from ui import dashboard as diagnosis_view
from ui.shell import t
from workshop import formats, settings

access.require_page(__file__)

DASHBOARD_VIEW = "tableau"  # the presentation's view of the dashboard (pages/present.py)

project_id = shell.require_project()
lang = shell.lang()
title, present = st.columns([4, 1], vertical_alignment="bottom")
title.title(t("dashboard.title"))

by_id = diagnosis_view.waves(project_id)
if not by_id:
    st.info(t("step3.no_wave"))
    st.stop()
# The room's screen: a window of its own (drag it to the projector), showing the chart chosen below.
present.link_button(
    t("dashboard.present"),
    notes.presentation_address(project_id, view=DASHBOARD_VIEW),
    icon="📽️",
    type="primary",
    help=t("dashboard.present_help"),
    width="stretch",
)
wave_label = by_id.get

left, right = st.columns(2)
wave_id = left.selectbox(t("step3.wave"), list(reversed(by_id)), format_func=wave_label, key="dash_wave")
others = [w for w in by_id if w != wave_id]
compare_id = right.selectbox(
    t("dashboard.compare_with"), [None, *others], format_func=lambda w: t("dashboard.no_compare") if w is None else
    wave_label(w), key="dash_compare"
)  # fmt: skip

raw = diagnosis_view.read_answers(project_id, wave_id)
profiles = sorted(p for p in raw["profile"].unique() if p)
places = sorted(p for p in raw["place"].unique() if p)
f1, f2, f3 = st.columns([2, 2, 1])
chosen_profiles = f1.multiselect(
    t("dashboard.filter_profile"), profiles, key="dash_profiles", placeholder=t("shell.choose")
)
chosen_places = f2.multiselect(t("dashboard.filter_place"), places, key="dash_places", placeholder=t("shell.choose"))
# Weighting is off until weights are set (all at 1 it would change nothing yet claim a correction).
weights_set = analysis.has_weights(raw)
weighted = f3.toggle(t("dashboard.weighted"), value=weights_set, key="dash_weighted", disabled=not weights_set,
                     help=None if weights_set else t("dashboard.no_weights"))  # fmt: skip

selection = diagnosis_view.Selection(wave_id, compare_id, tuple(chosen_profiles), tuple(chosen_places), weighted)
found = diagnosis_view.diagnosis(project_id, selection, by_id, raw)
answers, parts, names, comparison = found.answers, found.parts, found.names, found.comparison
m1, m2, m3 = st.columns(3)
m1.metric(t("step3.respondents"), formats.integer(analysis.respondents(answers), lang))
m2.metric(t("dashboard.answers"), formats.integer(int(answers["level"].notna().sum()), lang))
m3.metric(t("step3.col.dont_know"), formats.integer(int(answers["level"].isna().sum()), lang))
if parts["summary"].empty:
    diagnosis_view.publish(project_id, selection)
    st.info(t("step3.no_answer"))
    st.stop()
st.caption(t("dashboard.reads", wave=wave_label(wave_id),
             weights=t("dashboard.shown_weighted" if weighted else "dashboard.shown_unweighted")))  # fmt: skip
few, gap_minimum = settings.min_group_count(), settings.min_gap_count()
if analysis.respondents(answers) < few:
    st.warning(t("dashboard.too_few", count=analysis.respondents(answers), minimum=few), icon="⚠️")
st.caption(t("dashboard.small_rule", minimum=few, gap_minimum=gap_minimum))

figures = found.figures
titles = found.titles
chart = st.selectbox(
    t("dashboard.projected"), range(len(titles)), format_func=titles.__getitem__, key="dash_projected"
)
diagnosis_view.publish(project_id, replace(selection, chart=chart))

png = {"toImageButtonOptions": {"format": "png", "scale": 2, "filename": "spirale"}, "displaylogo": False}
for index, figure in enumerate(figures):
    if shell.projector_on():
        figure.update_layout(font={"size": 22})
    st.plotly_chart(figure, width="stretch", config=png, key=f"dash_chart_{index}")

if not parts["gaps"].empty:
    st.subheader(t("dashboard.gaps"))
    gaps = parts["gaps"].assign(indicator=parts["gaps"]["indicator_id"].map(names))
    st.dataframe(
        formats.readable(gaps[["indicator", "low_group", "low", "high_group", "high", "gap"]], lang,
                         decimals={"low": 2, "high": 2, "gap": 2}),
        hide_index=True,
        width="stretch",
        column_config={
            "indicator": t("step3.col.indicator"),
            "low_group": t("dashboard.col.low_group"),
            "low": t("dashboard.col.low"),
            "high_group": t("dashboard.col.high_group"),
            "high": t("dashboard.col.high"),
            "gap": t("dashboard.col.gap"),
        },
    )

if comparison is not None:
    st.subheader(t("dashboard.waves_table"))
    changes = comparison.assign(indicator=comparison["indicator_id"].map(names))
    st.dataframe(
        formats.readable(
            changes[["indicator", "mean_before", "mean_after", "diff", "ci_low", "ci_high", "significant"]],
            lang,
            decimals={"mean_before": 2, "mean_after": 2},
            signs=["diff", "ci_low", "ci_high"],
        ),
        hide_index=True,
        width="stretch",
        column_config={
            "indicator": t("step3.col.indicator"),
            "mean_before": wave_label(compare_id),
            "mean_after": wave_label(wave_id),
            "diff": t("dashboard.col.diff"),
            "ci_low": t("dashboard.col.ci_low"),
            "ci_high": t("dashboard.col.ci_high"),
            "significant": st.column_config.CheckboxColumn(t("dashboard.col.significant")),
        },
    )

table = parts["summary"].assign(indicator=parts["summary"]["indicator_id"].map(names))
st.dataframe(
    formats.readable(table[["indicator", "mean", "share_good", "answers", "dont_know"]], lang, decimals={"mean": 2},
                     percents=["share_good"]),
    hide_index=True,
    width="stretch",
    column_config={
        "indicator": t("step3.col.indicator"),
        "mean": t("step3.col.mean"),
        "share_good": t("step3.col.share_good"),
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
