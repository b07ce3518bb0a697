"""Step 4: pilot actions aimed at indicators, what each partner commits to (co-responsibility), the timeline,
shared funding and the follow-up after an ex-post wave. Read by actions.plan, drawn by ui.actions."""

import streamlit as st

from actions.plan import load_plan
from ui import access, shell
from ui import actions as draw
from ui.shell import t

access.require_page(__file__)

project_id = shell.require_project()
st.title(t("step4.title"))

with shell.read_session() as session:
    plan = load_plan(session=session, project_id=project_id, lang=shell.lang())
# A form is submitted by the next run of this script: it saves with the versions the screen showed (the last
# run's), so an action, milestone or commitment another screen saved meanwhile is refused, not overwritten.
SEEN_KEY = "action_versions"
drawn = st.session_state.get(SEEN_KEY, {})
st.session_state[SEEN_KEY] = plan.versions()
write = draw.writer(project_id)
labels = draw.commitment_labels(plan)

plan_tab, timeline_tab, funding_tab, followup_tab, action_tab, commitment_tab = st.tabs(
    [
        t("step4.plan_tab"),
        t("step4.timeline"),
        t("step4.funding"),
        t("step4.followup"),
        t("step4.new_action"),
        t("step4.commit"),
    ]
)
with plan_tab:
    st.header(t("step4.plan"))
    if not plan.actions:
        st.info(t("step4.no_action"))
    for action in plan.actions:
        with st.container(border=True):
            draw.action_card(plan, action, labels, drawn, write)
with timeline_tab:
    draw.timeline(plan)
with funding_tab:
    draw.funding(plan)
with followup_tab:
    draw.follow_up(plan, labels, drawn, write)
with action_tab:
    if not plan.indicator_names:
        st.info(t("step4.no_indicator"))
    draw.new_action_form(plan, write)
with commitment_tab:
    if not (plan.actions and plan.active_partners):
        st.info(t("step4.need_action_partner"))
    else:
        draw.commitment_forms(plan, labels, drawn, write)
