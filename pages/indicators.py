"""Step 2: mixed groups see similar criteria together and turn them into indicators with five situations."""

import streamlit as st

from groups import service as groups_service
from indicators import service
from indicators.clustering import DEFAULT_THRESHOLD
from indicators.models import LEVELS
from ui import shell
from ui.shell import t
from workshop import grid
from workshop.errors import SpiraleError

DRAFT_KEY = "indicator_draft_criteria"

project_id = shell.require_project()
st.title(t("step2.title"))
st.write(t("step2.intro"))

threshold = st.slider(t("step2.threshold"), 0.05, 1.0, DEFAULT_THRESHOLD, 0.05, help=t("step2.threshold_help"))
with shell.session() as session:
    clusters = service.suggested_clusters(session=session, project_id=project_id, threshold=threshold)
    grid_entries = grid.list_grid(session=session, project_id=project_id)

if not clusters:
    st.info(t("step2.no_criteria"))
shared = [c for c in clusters if len(c.criteria) > 1]
st.caption(t("step2.cluster_counts", clusters=len(shared), alone=len(clusters) - len(shared)))
for number, cluster in enumerate(shared, start=1):
    with st.container(border=True):
        st.markdown(f"**{t('step2.cluster', number=number, size=len(cluster.criteria))}**")
        table = cluster.criteria.assign(question=cluster.criteria["question"].map(lambda q: t(f"question.{q}.short")))
        st.dataframe(
            table[["text", "group", "question"]],
            hide_index=True,
            width="stretch",
            column_config={
                "text": t("step2.col.text"),
                "group": t("step2.col.group"),
                "question": t("step2.col.question"),
            },
        )
        if st.button(t("step2.use_cluster"), key=f"use_{cluster.label}", icon="➡️"):
            st.session_state[DRAFT_KEY] = cluster.criteria["id"].tolist()

st.divider()
st.header(t("step2.new_indicator"))
with shell.session() as session:
    all_criteria = groups_service.criteria_frame(session=session, project_id=project_id)
texts = dict(zip(all_criteria["id"], all_criteria["text"], strict=True))
families = {e.code: grid.label(e, shell.lang()) for e in grid_entries if e.code == e.family}
components = {e.code: grid.label(e, shell.lang()) for e in grid_entries if e.code != e.family}
draft = [cid for cid in st.session_state.get(DRAFT_KEY, []) if cid in texts]

with st.form("new_indicator"):
    chosen = st.multiselect(
        t("step2.supporting"),
        list(texts),
        default=draft,
        format_func=lambda cid: texts[cid][:90],
    )
    name_fr = st.text_input(t("indicator.name_fr"), max_chars=200)
    name_en = st.text_input(t("indicator.name_en"), max_chars=200)
    family = st.selectbox(
        t("indicator.family"), [None, *families], format_func=lambda c: families.get(c, "—") if c else "—"
    )
    component = st.selectbox(
        t("indicator.component"),
        [None, *components],
        format_func=lambda c: f"{c} · {components[c]}" if c else "—",
    )
    definition = st.text_area(t("indicator.definition"), max_chars=2000)
    levels = {level: st.text_input(t(f"level.{level}"), max_chars=500, key=f"level_text_{level}") for level in LEVELS}
    if st.form_submit_button(t("step2.create_indicator"), type="primary"):
        try:
            with shell.session() as session:
                created = service.create_indicator(
                    session=session,
                    project_id=project_id,
                    name_fr=name_fr,
                    name_en=name_en,
                    family_code=family,
                    component_code=component,
                    definition=definition,
                    levels=levels,
                    criterion_ids=chosen,
                )
        except SpiraleError as error:
            shell.show_error(error)
        else:
            st.session_state.pop(DRAFT_KEY, None)
            st.success(t(f"step2.created.{created.status}", name=shell.md_escape(created.name_fr)))

st.header(t("step2.indicators"))
with shell.session() as session:
    indicators = service.indicators_frame(session=session, project_id=project_id)
if indicators.empty:
    st.info(t("step2.no_indicator"))
else:
    shown = indicators.assign(status=indicators["status"].map(lambda s: t(f"indicator.status.{s}")))
    st.dataframe(
        shown.drop(columns=["id"]),
        hide_index=True,
        width="stretch",
        column_config={
            "name_fr": t("indicator.name_fr"),
            "name_en": t("indicator.name_en"),
            "family": t("indicator.family"),
            "component": t("indicator.component"),
            "status": t("indicator.status"),
            "notes": t("indicator.notes"),
            "groups": t("indicator.groups"),
            **{f"level{lvl}": t(f"level.{lvl}") for lvl in LEVELS},
        },
    )
