"""Spirale: the router. Page config, database check, login, sidebar, then the page chosen.

Participants' phones never come here: they are served by the light routes of participants/ (app.py).
Everyone else logs in. A logged-out visitor gets the login form at every address; a logged-in
person sees the pages their role on the current project allows (PAGES below), and any other
page's address shows a refusal, never the page.
"""

import streamlit as st

from ui import access, shell, sidebar, streamlit_texts
from workshop import settings
from workshop.access import ADMIN, EDIT, EXPORT, VIEW
from workshop.errors import SpiraleError

# The one table of pages: section, title, icon, address, and the permission needed on the current project
# (SIGNED_IN: any logged-in person). Each page's first line, access.require_page(__file__), reads it too.
PAGES: dict[str, tuple[str, str, str, str, str | None]] = {
    "pages/home.py": ("nav.section.start", "nav.home", "🏠", "accueil", access.SIGNED_IN),
    "pages/groups.py": ("nav.section.step1", "nav.step1", "🟡", "groupes", EDIT),
    "pages/synthesis.py": ("nav.section.step1", "nav.synthesis", "🔄", "synthese", VIEW),
    "pages/present.py": ("nav.section.step1", "nav.presentation", "📽️", "presentation", VIEW),
    "pages/mixed_groups.py": ("nav.section.step2", "nav.mixed_groups", "🌈", "groupes-mixtes", EDIT),
    "pages/board.py": ("nav.section.step2", "nav.board", "🧩", "regroupements", EDIT),
    "pages/indicators.py": ("nav.section.step2", "nav.step2", "📏", "indicateurs", EDIT),
    "pages/indicator_views.py": ("nav.section.step2", "nav.indicator_views", "🌞", "synthese-indicateurs", VIEW),
    "pages/survey.py": ("nav.section.step3", "nav.step3", "📊", "enquete", EDIT),
    "pages/dashboard.py": ("nav.section.step3", "nav.dashboard", "📈", "tableau-de-bord", VIEW),
    "pages/survey_data.py": ("nav.section.step3", "nav.survey_data", "🗃️", "donnees", EXPORT),  # importing: EDIT
    "pages/priorities.py": ("nav.section.step4", "nav.priorities", "🎯", "priorites", EDIT),
    "pages/actions.py": ("nav.section.step4", "nav.step4", "🤝", "actions", EDIT),
    "pages/partners.py": ("nav.section.step4", "nav.partners", "🏛️", "partenaires", EDIT),
    "pages/report.py": ("nav.section.step4", "nav.report", "📄", "rapport", VIEW),
    "pages/project.py": ("nav.section.project", "nav.project", "⚙️", "projet", EDIT),  # importing an archive: ADMIN
    "pages/accounts.py": ("nav.section.project", "nav.accounts", "👥", "comptes", ADMIN),
    "pages/data_safety.py": ("nav.section.project", "nav.data_safety", "🛡️", "securite-donnees", ADMIN),
}

st.set_page_config(page_title="Spirale", page_icon="🌀", layout="wide")
if shell.LANG_KEY not in st.session_state and st.query_params.get("langue") in settings.LANGUAGES:
    # A presentation opened in a new window (a new session) speaks the language of the window that opened it,
    # from this run's first line: the sidebar, Streamlit's texts and <html lang> included (pages/present.py).
    st.session_state[shell.LANG_KEY] = st.query_params["langue"]
shell.start_database()
t = shell.t
access.register_pages({path: row[4] for path, row in PAGES.items()})
account = access.settle()
if account is None:
    # The login form at the root and at every page's address (so a typed address is back after logging in).
    login = [st.Page("pages/login.py", title=t("nav.login"), icon="🔑", url_path="connexion", default=True)]
    hidden = [
        st.Page(access.login_screen, title=t(row[1]), icon=row[2], url_path=row[3], visibility="hidden")
        for row in PAGES.values()
    ]
    navigation = st.navigation(login + hidden, position="hidden")
else:
    sidebar.settle_project()
    sections: dict[str, list] = {}
    refused = []
    for path, (section, title, icon, url_path, permission) in PAGES.items():
        if access.can(permission):
            sections.setdefault(t(section), []).append(
                st.Page(path, title=t(title), icon=icon, url_path=url_path, default=path == "pages/home.py")
            )
        else:  # its address shows a refusal; the page's file is never run
            refused.append(
                st.Page(access.refused_page, title=t(title), icon=icon, url_path=url_path, visibility="hidden")
            )
    sections[t("nav.section.start")] += refused
    navigation = st.navigation(sections, expanded=True)  # every step in view: Streamlit folds long lists
sidebar.language_picker()
if account is not None:
    sidebar.project_picker()
    sidebar.projector_toggle()
    access.logout_button()
access.keep_cookie()
shell.apply_projector_mode()
streamlit_texts.apply()
shell.show_flash()
try:
    navigation.run()
except SpiraleError as refusal:  # e.g. error.database_busy from a page's own session block: said, not a traceback
    shell.show_error(refusal)
