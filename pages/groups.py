"""Step 1: homogeneous groups write criteria on the three questions, one idea per note."""

import streamlit as st

from groups import service
from groups.models import GROUP_KINDS, QUESTIONS, VALIDATED
from ui import notes, shell
from ui.shell import t
from workshop.errors import SpiraleError

project_id = shell.require_project()
st.title(t("step1.title"))

with shell.session() as session:
    groups = service.list_groups(session=session, project_id=project_id)

with st.expander(t("step1.new_group"), expanded=not groups), st.form("new_group", clear_on_submit=True):
    profile = st.text_input(t("group.profile"), max_chars=120, placeholder=t("group.profile_hint"))
    kind = st.selectbox(t("group.kind"), GROUP_KINDS, format_func=lambda k: t(f"group.kind.{k}"))
    size = st.number_input(t("group.planned_size"), min_value=1, max_value=500, value=10)
    meeting = st.date_input(t("group.meeting_date"), value=None, format="DD/MM/YYYY")
    facilitator = st.text_input(t("group.facilitator"), max_chars=120)
    if st.form_submit_button(t("step1.create_group"), type="primary"):
        try:
            with shell.session() as session:
                created = service.create_group(
                    session=session,
                    project_id=project_id,
                    profile=profile,
                    kind=kind,
                    planned_size=int(size),
                    meeting_date=meeting,
                    facilitator=facilitator,
                )
        except SpiraleError as error:
            shell.show_error(error)
        else:
            st.session_state["group_id"] = created.id
            st.rerun()

if not groups:
    st.info(t("step1.no_group"))
    st.stop()

by_id = {g.id: g for g in groups}
if st.session_state.get("group_id") not in by_id:
    st.session_state["group_id"] = groups[0].id
group_id = st.selectbox(
    t("step1.group"),
    list(by_id),
    key="group_id",
    format_func=lambda gid: f"{by_id[gid].profile} · {t('group.kind.' + by_id[gid].kind)}",
)

notes.undo_bar(project_id)
columns = st.columns(3)
for column, question in zip(columns, QUESTIONS, strict=True):
    with column:
        notes.question_column(project_id, group_id, question)

st.divider()
if st.button(t("step1.validate_all"), icon="✅"):
    with shell.session() as session:
        changed = service.validate_group(session=session, project_id=project_id, group_id=group_id)
    st.toast(t("step1.validated", count=changed))
    st.rerun()
with shell.session() as session:
    counts = service.count_by_question(session=session, project_id=project_id, group_id=group_id)
    validated = sum(
        c.status == VALIDATED for c in service.list_criteria(session=session, project_id=project_id, group_id=group_id)
    )
st.caption(t("step1.counts", total=sum(counts.values()), validated=validated))
