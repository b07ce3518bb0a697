"""Spirale: the router. Page config, database check, sidebar, then the page chosen.

Participants (phones, no account) arrive with a link whose query parameter names what they
join; they get that one page and nothing else: no sidebar, no navigation, no other project.
"""

import streamlit as st

from ui import shell, sidebar

# Query parameter of a participant link -> the only page that link opens.
PARTICIPANT_PAGES: dict[str, str] = {"code": "pages/join.py", "survey": "pages/survey_answer.py"}

st.set_page_config(page_title="Spirale", page_icon="🌀", layout="wide")
shell.start_database()
participant_page = next((page for param, page in PARTICIPANT_PAGES.items() if param in st.query_params), None)
if participant_page:
    st.navigation([st.Page(participant_page, title="Spirale", icon="🌀")], position="hidden").run()
    st.stop()

t = shell.t
page = st.Page
pages = {
    t("nav.section.start"): [
        page("pages/home.py", title=t("nav.home"), icon="🏠", url_path="accueil", default=True),
    ],
    t("nav.section.step1"): [
        page("pages/groups.py", title=t("nav.step1"), icon="🟡", url_path="groupes"),
        page("pages/synthesis.py", title=t("nav.synthesis"), icon="🔄", url_path="synthese"),
    ],
    t("nav.section.step2"): [
        page("pages/mixed_groups.py", title=t("nav.mixed_groups"), icon="🌈", url_path="groupes-mixtes"),
        page("pages/board.py", title=t("nav.board"), icon="🧩", url_path="regroupements"),
        page("pages/indicators.py", title=t("nav.step2"), icon="📏", url_path="indicateurs"),
        page("pages/indicator_views.py", title=t("nav.indicator_views"), icon="🌞", url_path="synthese-indicateurs"),
    ],
    t("nav.section.step3"): [
        page("pages/survey.py", title=t("nav.step3"), icon="📊", url_path="enquete"),
        page("pages/dashboard.py", title=t("nav.dashboard"), icon="📈", url_path="tableau-de-bord"),
        page("pages/survey_data.py", title=t("nav.survey_data"), icon="🗃️", url_path="donnees"),
    ],
    t("nav.section.step4"): [
        page("pages/priorities.py", title=t("nav.priorities"), icon="🎯", url_path="priorites"),
        page("pages/actions.py", title=t("nav.step4"), icon="🤝", url_path="actions"),
        page("pages/partners.py", title=t("nav.partners"), icon="🏛️", url_path="partenaires"),
        page("pages/report.py", title=t("nav.report"), icon="📄", url_path="rapport"),
    ],
    t("nav.section.project"): [
        page("pages/project.py", title=t("nav.project"), icon="⚙️", url_path="projet"),
    ],
}
navigation = st.navigation(pages, expanded=True)  # every step in view: Streamlit folds long lists
sidebar.language_picker()
sidebar.project_picker()
sidebar.projector_toggle()
shell.apply_projector_mode()
navigation.run()
