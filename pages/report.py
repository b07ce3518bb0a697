"""The shared report: one document (HTML and PDF, French or English) for elected officials."""

import streamlit as st

from actions import report
from ui import access, shell
from ui.shell import t

access.require_page(__file__)

REPORT_KEY = "shared_report"  # (project id, language, html, pdf or None): kept across reruns, not a widget key

project_id = shell.require_project()
st.title(t("report.title"))
st.caption(t("report.intro"))

languages = {"fr": "Français", "en": "English"}
left, right = st.columns([1, 2], vertical_alignment="bottom")
lang = left.selectbox(
    t("report.language"), list(languages), index=list(languages).index(shell.lang()), format_func=languages.get
)
if right.button(t("report.make"), type="primary"):
    with st.spinner(t("report.make")):
        with shell.read_session() as session:
            document = report.make_html(session=session, project_id=project_id, lang=lang)
        pdf = shell.attempt(report.to_pdf, document=document, opens=None)[1]
    st.session_state[REPORT_KEY] = (project_id, lang, document, pdf)

ready = st.session_state.get(REPORT_KEY)
if ready and ready[0] == project_id:
    _, made_lang, document, pdf = ready
    st.success(t("report.ready"))
    left, right = st.columns(2)
    left.download_button(
        t("report.download_html"), document.encode("utf-8"), file_name=f"spirale-report-{made_lang}.html",
        mime="text/html",
    )  # fmt: skip
    if pdf:
        right.download_button(
            t("report.download_pdf"), pdf, file_name=f"spirale-report-{made_lang}.pdf", mime="application/pdf"
        )
    st.subheader(t("report.preview"))
    # The whole report, as tall as it is (a fixed 700 px frame showed two sections): our HTML, every user text
    # escaped by actions.report, no script (st.iframe replaces the deprecated components.v1.html).
    st.iframe(document, height="content", alt=t("report.preview"))
