"""Step 2: a mixed ("rainbow") group seats one delegate of each homogeneous group; who is there, who is missing."""

import streamlit as st

from groups import service as groups_service
from groups.models import HOMOGENEOUS, MIXED
from indicators import mixed
from ui import access, shell
from ui.shell import t

access.require_page(__file__)

project_id = shell.require_project()
st.title(t("mixed.title"))
st.caption(t("mixed.intro"))

with st.form("new_mixed_group", clear_on_submit=True):
    profile = st.text_input(t("mixed.name"), max_chars=120)
    facilitator = st.text_input(t("group.facilitator"), max_chars=120)
    if st.form_submit_button(t("mixed.create"), icon="🌈"):
        ok, created = shell.attempt(
            mixed.create_mixed_group, project_id=project_id, profile=profile, facilitator=facilitator
        )
        if ok:
            st.session_state["mixed_group"] = created.id

with shell.read_session() as session:
    rainbow = groups_service.list_groups(session=session, project_id=project_id, kind=MIXED)
    homogeneous = groups_service.list_groups(session=session, project_id=project_id, kind=HOMOGENEOUS)
if not rainbow:
    st.info(t("mixed.none"))
    st.stop()
if not homogeneous:
    st.info(t("mixed.no_homogeneous"))

names = {g.id: g.profile for g in rainbow}
default = st.session_state.get("mixed_group")
chosen = st.selectbox(
    t("mixed.choose"), list(names), index=list(names).index(default) if default in names else 0, format_func=names.get
)
with shell.read_session() as session:
    table = mixed.composition(session=session, project_id=project_id, mixed_group_id=chosen)

represented, missing = st.columns(2)
with represented:
    st.subheader(t("mixed.represented", count=len(table.delegates), total=len(homogeneous)))
    for delegate in table.delegates:
        who = delegate.name or t("mixed.unnamed")
        st.html(
            "<div class='spirale-delegate' data-testid='delegate' style='font-size:1.3em;padding:.2em .5em;"
            "border-left:6px solid #0b5d1e;margin:.2em 0'>"
            f"✅ {shell.escape(delegate.group)} · {shell.escape(who)}</div>"
        )
with missing:
    st.subheader(t("mixed.missing", count=len(table.missing)))
    for group in table.missing:
        st.html(
            "<div class='spirale-missing' data-testid='missing-group' style='font-size:1.3em;padding:.2em .5em;"
            f"border-left:6px solid #8a1c1c;margin:.2em 0'>⬜ {shell.escape(group.profile)}</div>"
        )
    if table.complete and homogeneous:
        st.success(t("mixed.complete"))

st.subheader(t("mixed.compose"))
seated = {d.represented_group_id: d.name for d in table.delegates}
with st.form(f"delegates_{chosen}"):
    choices = {}
    for group in homogeneous:
        present, name = st.columns([2, 3])
        here = present.checkbox(group.profile, value=group.id in seated, key=f"present_{chosen}_{group.id}")
        who = name.text_input(
            t("mixed.col.name"), value=seated.get(group.id, ""), max_chars=120, key=f"delegate_{chosen}_{group.id}"
        )
        if here:
            choices[group.id] = who
    if st.form_submit_button(t("mixed.save"), type="primary", icon="💾"):
        shell.attempt(mixed.compose, project_id=project_id, mixed_group_id=chosen, delegates=choices, rerun=True)
st.page_link("pages/board.py", label=t("mixed.to_board"), icon="🧩")
