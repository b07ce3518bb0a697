"""Home: what Spirale is, the four steps, and the demo project one click away."""

import streamlit as st

import demo
from ui import access, shell
from ui.shell import t

access.require_page(__file__)

st.title(t("home.title"))
st.write(t("home.intro"))

steps = st.columns(4)
for column, number in zip(steps, range(1, 5), strict=True):
    with column.container(border=True):
        st.subheader(t(f"home.step{number}.title"))
        st.write(t(f"home.step{number}.text"))

if access.can(access.ADMIN):  # the demo is a new project: an administrator's to create
    st.divider()
    st.subheader(t("home.demo.title"))
    st.write(t("home.demo.text"))
    if st.button(t("home.demo.load"), type="primary", icon="✨"):
        with st.spinner(t("home.demo.loading")):
            ok, project = shell.attempt(demo.load_demo)
        if ok:
            shell.make_current(project.id, t("project.now_current", name=project.name))
            st.rerun()

if shell.project_id() is None:
    st.info(t("home.no_project") if access.can(access.ADMIN) else t("access.no_project"))

st.divider()
access.change_password_form()
