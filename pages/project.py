"""The project: its reference grid (editable), and its archive to move it to another instance."""

import streamlit as st

import schema
from ui import access, shell
from ui.shell import t
from workshop import archive, grid, projects

access.require_page(__file__)

project_id = shell.require_project()
with shell.session() as session:
    project = projects.get_project(session=session, project_id=project_id)
    entries = grid.list_grid(session=session, project_id=project_id)
st.title(t("project.title", name=shell.md_escape(project.name)))
st.caption(t("project.summary", place=shell.md_escape(project.place) or "—", cycle=project.cycle))

st.header(t("grid.title"))
st.write(t("grid.intro"))
lang = shell.lang()
st.dataframe(
    [
        {
            t("grid.code"): e.code,
            t("grid.label"): grid.label(e, lang),
            t("grid.description"): e.description_en if lang == "en" and e.description_en else e.description_fr,
            t("grid.added"): "✓" if e.added_by_project else "",
        }
        for e in entries
    ],
    hide_index=True,
    width="stretch",
)
families = {e.code: grid.label(e, lang) for e in entries if e.code == e.family}
with st.form("new_component", clear_on_submit=True):
    st.subheader(t("grid.add_component"))
    family = st.selectbox(t("grid.family"), list(families), format_func=lambda c: f"{c} · {families[c]}")
    code = st.text_input(t("grid.code"), max_chars=8, placeholder="A12")
    label_fr = st.text_input(t("grid.label_fr"), max_chars=200)
    label_en = st.text_input(t("grid.label_en"), max_chars=200)
    if st.form_submit_button(t("grid.add"), type="primary"):
        shell.attempt(
            grid.add_component,
            project_id=project_id,
            family=family,
            code=code,
            label_fr=label_fr,
            label_en=label_en,
            rerun=True,
        )

st.header(t("archive.title"))
st.write(t("archive.intro"))
if st.button(t("archive.prepare"), icon="📦"):
    ok, made = shell.attempt(archive.export_project, metadata=schema.metadata, project_id=project_id)
    if ok:
        st.session_state["archive_bytes"] = made
if data := st.session_state.get("archive_bytes"):
    st.download_button(
        t("archive.download"),
        data,
        file_name=f"{project.name}{archive.SUFFIX}",
        mime="application/zip",
        icon="⬇️",
    )
if not access.can(access.ADMIN):  # importing an archive creates a project
    st.caption(t("access.import_admin_only"))
    st.stop()
upload = st.file_uploader(t("archive.upload"), type=[archive.SUFFIX.lstrip("."), "zip"])
if upload is not None and st.button(t("archive.import"), type="primary"):
    ok, new_id = shell.attempt(archive.import_project, metadata=schema.metadata, data=upload.getvalue())
    if ok:
        shell.make_current(new_id, t("archive.imported"))
        st.rerun()
