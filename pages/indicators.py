"""Step 2: the mixed group turns clusters into indicators with five situations; edits, orders, retires them;
exports and imports indicator sets. The synthesis views are on pages/indicator_views.py; drawing in ui.indicators.
"""

import streamlit as st

from indicators import board, service
from ui import access, shell
from ui import indicators as draw
from ui.shell import t
from workshop import grid

access.require_page(__file__)

FROM_CLUSTERS_KEY = "indicator_from_clusters"  # set by the board's "create an indicator" button

project_id = shell.require_project()
lang = shell.lang()
st.title(t("step2.title"))
st.write(t("step2.intro"))

if arriving := st.session_state.pop(FROM_CLUSTERS_KEY, None):
    st.session_state["new_clusters"] = arriving
    draw.fill_draft(project_id, arriving)
if error := st.session_state.pop(draw.ERROR_KEY, None):
    shell.show_error(error)

with shell.read_session() as session:
    view = board.load_board(session=session, project_id=project_id)
    entries = grid.list_grid(session=session, project_id=project_id)
    frame = service.indicators_frame(session=session, project_id=project_id)
    diversity = service.diversity(session=session, project_id=project_id, lang=lang)
    uncarried = service.notes_without_indicator(session=session, project_id=project_id)
codes = {e.code: f"{e.code} · {grid.label(e, lang)}" for e in entries}
families = {e.code for e in entries if e.code == e.family}
notes = {n.criterion_id: f"{n.text[:90]} · {n.group}" for n in view.notes}
clusters = {c.id: f"{c.name or '—'} ({len(c.notes)})" for c in view.clusters}

st.header(t("step2.new_indicator"))
with st.container():
    draw.new_indicator(project_id, clusters, codes, families, notes)

st.header(t("step2.indicators"))
with st.container():
    with shell.read_session() as session:
        everything = service.list_indicators(session=session, project_id=project_id, include_retired=True)
    # A form is submitted by the next run of this script: it saves with the versions the screen showed
    # (the last run's), so an indicator another screen saved meanwhile is refused instead of overwritten.
    drawn = st.session_state.get(draw.SEEN_KEY, {})
    st.session_state[draw.SEEN_KEY] = {i.id: i.version for i in everything}
    if not everything:
        st.info(t("step2.no_indicator"))
    else:
        draw.indicators_table(frame, diversity)
        by_id = {i.id: i for i in everything}
        label = {i.id: f"{i.position + 1}. {i.name_fr} · {t('indicator.status.' + i.status)}" for i in everything}
        current = st.selectbox(t("step2.edit_which"), list(by_id), format_func=label.get, key="edit_indicator")
        draw.order_buttons(project_id, by_id[current])
        draw.edit_form(project_id, by_id[current], codes, families, notes, drawn)

st.header(t("step2.voices_title"))
draw.voices(diversity, uncarried)

st.divider()
with st.expander(t("step2.tab.transfer"), icon="🔁"):
    draw.transfer_section(project_id)
