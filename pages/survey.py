"""Step 3: a survey wave on the indicators; answers typed in; the mean level per indicator."""

import streamlit as st

from groups import service as groups_service
from indicators import service as indicators_service
from surveys import charts, service
from surveys.models import WAVE_KINDS
from ui import shell
from ui.shell import t
from workshop.errors import SpiraleError

DONT_KNOW = 0

project_id = shell.require_project()
st.title(t("step3.title"))

with shell.session() as session:
    waves = service.list_waves(session=session, project_id=project_id)
    usable = indicators_service.list_indicators(session=session, project_id=project_id, usable_only=True)
    levels = {
        i.id: indicators_service.levels_of(session=session, project_id=project_id, indicator_id=i.id) for i in usable
    }
    profiles = [
        g.profile for g in groups_service.list_groups(session=session, project_id=project_id, kind="homogeneous")
    ]

with st.expander(t("step3.new_wave"), expanded=not waves), st.form("new_wave", clear_on_submit=True):
    wave_name = st.text_input(t("wave.name"), max_chars=120)
    wave_kind = st.selectbox(t("wave.kind"), WAVE_KINDS, format_func=lambda k: t(f"wave.kind.{k}"))
    if st.form_submit_button(t("step3.create_wave"), type="primary"):
        try:
            with shell.session() as session:
                created = service.create_wave(session=session, project_id=project_id, name=wave_name, kind=wave_kind)
        except SpiraleError as error:
            shell.show_error(error)
        else:
            st.session_state["wave_id"] = created.id
            st.rerun()

if not waves:
    st.info(t("step3.no_wave"))
    st.stop()
if not usable:
    st.info(t("step3.no_indicator"))
    st.stop()

by_id = {w.id: w for w in waves}
if st.session_state.get("wave_id") not in by_id:
    st.session_state["wave_id"] = waves[-1].id
wave_id = st.selectbox(t("step3.wave"), list(by_id), key="wave_id", format_func=lambda w: by_id[w].name)
names = {i.id: indicators_service.indicator_name(i, shell.lang()) for i in usable}

entry, results = st.tabs([t("step3.entry"), t("step3.results")])
with entry, st.form("response", clear_on_submit=True):
    profile = st.selectbox(t("respondent.profile"), ["", *profiles])
    place = st.text_input(t("respondent.place"), max_chars=120)
    chosen: dict[int, int | None] = {}
    for indicator_id, name in names.items():
        options = [1, 2, 3, 4, 5, DONT_KNOW]
        chosen[indicator_id] = st.radio(
            name,
            options,
            index=None,
            key=f"answer_{indicator_id}",
            format_func=lambda lvl, iid=indicator_id: (
                t("step3.dont_know") if lvl == DONT_KNOW else f"{lvl} · {levels[iid].get(lvl, '')}"
            ),
        )
    if st.form_submit_button(t("step3.save_response"), type="primary"):
        answers = {iid: (None if lvl == DONT_KNOW else lvl) for iid, lvl in chosen.items() if lvl is not None}
        try:
            with shell.session() as session:
                service.add_response(
                    session=session,
                    project_id=project_id,
                    wave_id=wave_id,
                    levels=answers,
                    profile=profile,
                    place=place,
                )
        except SpiraleError as error:
            shell.show_error(error)
        else:
            st.success(t("step3.saved"))

with results:
    with shell.session() as session:
        answers = service.answers_frame(session=session, project_id=project_id, wave_id=wave_id)
        respondents = service.respondent_count(session=session, project_id=project_id, wave_id=wave_id)
    st.metric(t("step3.respondents"), respondents)
    means = service.indicator_means(answers)
    if means.empty:
        st.info(t("step3.no_answer"))
    else:
        figure = charts.mean_by_indicator(
            means,
            names=names,
            title=t("step3.chart_title"),
            axis_label=t("step3.chart_axis"),
        )
        st.plotly_chart(figure, width="stretch")
        table = means.assign(indicator=means["indicator_id"].map(names)).drop(columns="indicator_id")
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
