"""Spirale: the router. Page config, database check, sidebar, then the page chosen."""

import streamlit as st

from ui import shell, sidebar

st.set_page_config(page_title="Spirale", page_icon="🌀", layout="wide")
shell.start_database()
sidebar.language_picker()
t = shell.t
pages = [
    st.Page("pages/home.py", title=t("nav.home"), icon="🏠", url_path="accueil", default=True),
    st.Page("pages/groups.py", title=t("nav.step1"), icon="🟡", url_path="groupes"),
    st.Page("pages/indicators.py", title=t("nav.step2"), icon="🌈", url_path="indicateurs"),
    st.Page("pages/survey.py", title=t("nav.step3"), icon="📊", url_path="enquete"),
    st.Page("pages/actions.py", title=t("nav.step4"), icon="🤝", url_path="actions"),
    st.Page("pages/project.py", title=t("nav.project"), icon="⚙️", url_path="projet"),
]
navigation = st.navigation(pages)
sidebar.project_picker()
sidebar.projector_toggle()
shell.apply_projector_mode()
navigation.run()
