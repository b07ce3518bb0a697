"""Step 3: survey waves on the indicators; collection by the room's code, participant links, a typed
questionnaire and a paper grid. Drawing in ui.survey."""

import streamlit as st

from indicators import service as indicators_service
from surveys import service
from ui import access, shell
from ui import survey as draw
from ui.shell import t
from workshop import formats

access.require_page(__file__)

project_id = shell.require_project()
lang = shell.lang()
st.title(t("step3.title"))

with shell.read_session() as session:
    waves = service.list_waves(session=session, project_id=project_id)
    usable = indicators_service.list_indicators(session=session, project_id=project_id, usable_only=True)
    levels = {
        i.id: indicators_service.levels_of(session=session, project_id=project_id, indicator_id=i.id) for i in usable
    }
    questions = service.profile_questions(session=session, project_id=project_id)

with st.expander(t("step3.new_wave"), expanded=not waves):
    draw.new_wave_form(project_id)
if not waves:
    st.info(t("step3.no_wave"))
    st.stop()
if not usable:
    st.info(t("step3.no_indicator"))
    st.stop()

by_id = {w.id: w for w in waves}
if st.session_state.get("wave_id") not in by_id:
    st.session_state["wave_id"] = waves[-1].id
pick, status_col = st.columns([3, 1])
wave_id = pick.selectbox(
    t("step3.wave"), list(by_id), key="wave_id", format_func=lambda w: service.wave_name(by_id[w], lang)
)
is_open = status_col.toggle(t("step3.wave_open"), value=by_id[wave_id].status == "open", key=f"wave_open_{wave_id}")
if is_open != (by_id[wave_id].status == "open"):
    status = "open" if is_open else "closed"
    shell.attempt(service.set_wave_status, project_id=project_id, wave_id=wave_id, status=status, rerun=True)
names = {i.id: indicators_service.indicator_name(i, lang) for i in usable}
with shell.read_session() as session:
    respondents = service.respondent_count(session=session, project_id=project_id, wave_id=wave_id)
st.metric(t("step3.respondents"), formats.integer(respondents, shell.lang()))  # "1 234" in French
if not is_open:
    st.info(t("step3.wave_closed"))

entry, grid_tab, links, profile_tab, results = st.tabs(
    [t("step3.entry"), t("step3.grid"), t("step3.links"), t("step3.questions"), t("step3.results")]
)
with entry:
    draw.typed_entry(project_id, wave_id, questions, names, levels, lang)
with grid_tab:
    draw.paper_grid(project_id, wave_id, questions, names, lang)
with links:
    draw.room_code(project_id, wave_id, is_open)
    st.divider()
    draw.person_links(project_id, wave_id, is_open, lang)
with profile_tab:
    draw.profile_questions(project_id, questions)
with results:
    draw.results(project_id, wave_id, names)
