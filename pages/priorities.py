"""Priority axes of progress: indicators ranked from the diagnosis with the reason shown, and the choice recorded."""

from datetime import date

import pandas as pd
import streamlit as st

from actions import priorities, vote
from indicators import service as indicators_service
from surveys import service as surveys_service
from ui import access, shell
from ui import vote as room_vote
from ui.shell import t
from workshop import formats

access.require_page(__file__)

project_id = shell.require_project()
lang = shell.lang()
st.title(t("priority.title"))
st.caption(t("priority.intro"))

with shell.read_session() as session:
    indicators = indicators_service.list_indicators(session=session, project_id=project_id)
    ranked = priorities.ranking(session=session, project_id=project_id)
    axes = priorities.list_axes(session=session, project_id=project_id)
    read_wave = priorities.diagnosis_wave(session=session, project_id=project_id)
    waves = {w.id: w for w in surveys_service.list_waves(session=session, project_id=project_id)}
names = {i.id: indicators_service.indicator_name(i, lang) for i in indicators}
if ranked.empty:
    st.info(t("priority.no_indicator"))
    st.stop()

# The wave it reads, named: the dashboard opens on the newest wave, the ranking on the diagnosis (the first
# ex-ante wave), and both compute the same weighted means (surveys.analysis.summary).
if read_wave in waves:
    st.caption(t("priority.reads", wave=surveys_service.wave_name(waves[read_wave], lang)))
st.dataframe(
    formats.readable(pd.DataFrame(
        {
            t("priority.rank"): ranked["rank"],
            t("progress.indicator"): ranked["indicator_id"].map(names),
            t("priority.score"): ranked["score"].round(2),
            t("priority.mean"): ranked["mean"].astype(float).round(2),
            t("priority.share_good"): ranked["share_good"].astype(float),
            t("priority.gap"): ranked["gap"].astype(float).round(2),
            t("priority.illbeing"): ranked["illbeing"],
            t("priority.reasons"): ranked["reasons"].map(lambda r: priorities.reason_text(r, lang)),
        }
    ), lang, decimals={t("priority.score"): 2, t("priority.mean"): 2, t("priority.gap"): 2},
        percents=[t("priority.share_good")]),
    hide_index=True,
    width="stretch",
)

order = ranked["indicator_id"].tolist()
room_vote.panel(project_id, order, names)

st.subheader(t("priority.choose_title"))
with st.form("choose_axes"):
    chosen = st.multiselect(
        t("priority.choose"),
        order,
        default=[a.indicator_id for a in axes if a.indicator_id in order],
        format_func=lambda i: f"{order.index(i) + 1}. {names.get(i, '?')}",
        placeholder=t("shell.choose"),
    )
    left, right = st.columns([3, 1])
    decided_by = left.text_input(t("priority.decided_by"), max_chars=200)
    decided_on = right.date_input(t("priority.decided_on"), value=date.today(), format=formats.DATE_INPUT)
    note = st.text_area(t("priority.note"), max_chars=2000)
    if st.form_submit_button(t("priority.record"), type="primary"):
        ok, recorded = shell.attempt(
            priorities.choose_axes,
            project_id=project_id,
            indicator_ids=chosen,
            decided_by=decided_by,
            decided_on=decided_on,
            note=note,
        )
        if ok:
            st.session_state["axes_recorded"] = len(recorded)
            st.rerun()
if count := st.session_state.pop("axes_recorded", None):
    st.success(t("priority.recorded", count=count))

st.subheader(t("priority.chosen"))
if not axes:
    st.info(t("priority.none_chosen"))
else:
    st.dataframe(
        formats.readable(pd.DataFrame(
            {
                t("priority.rank"): [a.rank for a in axes],
                t("progress.indicator"): [names.get(a.indicator_id, "?") for a in axes],
                t("priority.reasons"): [priorities.reason_text(priorities.axis_reasons(a), lang) for a in axes],
                t("vote.support_column"): [vote.support_text(a, lang) for a in axes],
                t("priority.decided_by"): [a.decided_by for a in axes],
                t("priority.decided_on"): [a.decided_on for a in axes],
                t("priority.note"): [a.note for a in axes],
            }
        ), lang),
        hide_index=True,
        width="stretch",
    )
