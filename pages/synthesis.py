"""Mutual knowledge: each group's synthesis, then what the other groups said, side by side."""

import streamlit as st

from groups import service
from groups.models import QUESTIONS
from ui import access, notes, presentation, presenting, shell
from ui.shell import t
from workshop import grid

access.require_page(__file__)

project_id = shell.require_project()
st.title(t("synthesis.title"))
st.caption(t("synthesis.intro"))

with shell.session() as session:
    groups = service.list_groups(session=session, project_id=project_id)
    counted = service.synthesis(session=session, project_id=project_id)
    families = {f.code: grid.label(f, shell.lang()) for f in grid.families(session=session, project_id=project_id)}
    written = service.list_criteria(session=session, project_id=project_id)

if counted.empty:
    st.info(t("synthesis.no_notes"))
    st.stop()

short = {q: t(f"question.{q}.short") for q in QUESTIONS}
group_label = t("synthesis.group")
per_question = counted.pivot_table(index="group", columns="question", values="notes", aggfunc="sum", fill_value=0)
per_question = per_question.reindex(columns=list(QUESTIONS), fill_value=0)
per_question[t("synthesis.total")] = per_question.sum(axis=1)
st.subheader(t("synthesis.per_question"))
st.dataframe(per_question.rename(columns=short).rename_axis(group_label), width="stretch")

st.subheader(t("synthesis.per_family"))
named = counted.assign(family=counted["family"].map(lambda f: families.get(f, f) or t("synthesis.unclassified")))
per_family = named.pivot_table(index="group", columns="family", values="notes", aggfunc="sum", fill_value=0)
st.dataframe(per_family.rename_axis(group_label), width="stretch")

st.divider()
by_id = {g.id: g for g in groups}
mine = st.selectbox(t("synthesis.my_group"), list(by_id), format_func=lambda gid: by_id[gid].profile)
# The room's screen: the other groups' notes, full screen, in a window of its own.
st.link_button(
    t("synthesis.present"),
    notes.presentation_address(project_id, mine, view="synthese"),
    icon="📽️",
    type="primary",
    help=t("step1.present_help"),
)
shown = [c for c in written if not c.hidden_at and c.group_id != mine]  # what the presentation shows
presenting.screen_picker(project_id, "synthese", presentation.synthesis_screens(shown), st, key="synthesis_screen")
st.subheader(t("synthesis.others"))
for group in groups:
    if group.id == mine:
        continue
    theirs = [c for c in written if c.group_id == group.id]
    with st.expander(f"{shell.md_escape(group.profile)} ({len(theirs)})", expanded=True):
        for column, question in zip(st.columns(len(QUESTIONS)), QUESTIONS, strict=True):
            with column:
                st.markdown(f"**{short[question]}**")
                for criterion in (c for c in theirs if c.question == question):
                    st.html(notes.note_html(criterion, moderated=True))  # says when hidden from the room
