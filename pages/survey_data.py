"""Step 3 data for analysts: exports (long, wide, XLSX with codebook, SPSS) and imports (CSV, XLSX) with a report."""

import pandas as pd
import streamlit as st

from surveys import exports, service
from ui import access, shell, survey_import
from ui.shell import t

access.require_page(__file__)

FORMATS = ("long_csv", "wide_csv", "xlsx", "sav", "dta", "codebook_csv")
MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "sav": "application/octet-stream", "dta": "application/octet-stream"}  # fmt: skip

project_id = shell.require_project()
lang = shell.lang()
st.title(t("data.title"))

with shell.read_session() as session:
    waves = service.list_waves(session=session, project_id=project_id)
if not waves:
    st.info(t("step3.no_wave"))
    st.stop()
by_id = {w.id: w for w in waves}
wave_id = st.selectbox(
    t("step3.wave"), list(reversed(by_id)), format_func=lambda w: service.wave_name(by_id[w], lang), key="data_wave"
)
exporting, importing = st.tabs([t("data.export"), t("data.import")])

with exporting:
    stacked = st.multiselect(
        t("data.waves_stacked"), list(by_id), default=[wave_id], key=f"data_stacked_{wave_id}",
        format_func=lambda w: service.wave_name(by_id[w], lang), placeholder=t("shell.choose"),
    )  # fmt: skip
    chosen_waves = stacked or [wave_id]
    with shell.read_session() as session:
        people = pd.concat(
            [service.respondents_frame(session=session, project_id=project_id, wave_id=w) for w in chosen_waves]
        )
    left, right = st.columns(2)
    profiles = left.multiselect(
        t("dashboard.filter_profile"), sorted(p for p in people["profile"].unique() if p), placeholder=t("shell.choose")
    )
    places = right.multiselect(
        t("dashboard.filter_place"), sorted(p for p in people["place"].unique() if p), placeholder=t("shell.choose")
    )
    kind = st.radio(t("data.format"), FORMATS, format_func=lambda f: t(f"data.format.{f}"), horizontal=True)
    c1, c2, c3 = st.columns(3)
    labels = c1.toggle(
        t("data.labels"), value=False, disabled=kind in ("sav", "dta", "codebook_csv"), help=t("data.labels_help")
    )
    language = c2.radio(t("data.language"), ("fr", "en"), index=0 if lang == "fr" else 1, horizontal=True,
                        format_func={"fr": "Français", "en": "English"}.get)  # fmt: skip
    separator = c3.radio(t("data.separator"), (",", ";"), horizontal=True, disabled=kind in ("xlsx", "sav", "dta"))
    if st.button(t("data.prepare"), type="primary", icon="⚙️"):
        ok, data = shell.attempt(
            service.export_waves,
            opens=shell.read_session,
            project_id=project_id,
            wave_ids=chosen_waves,
            profiles=profiles,
            places=places,
        )
        if ok:
            if kind == "long_csv":
                content, ext = (
                    exports.to_csv(exports.long_frame(data, labels=labels, lang=language), separator=separator),
                    "csv",
                )
            elif kind == "wide_csv":
                content, ext = (
                    exports.to_csv(exports.wide_frame(data, labels=labels, lang=language), separator=separator),
                    "csv",
                )
            elif kind == "xlsx":
                content, ext = exports.to_xlsx(data, labels=labels, lang=language), "xlsx"
            elif kind == "sav":
                content, ext = exports.to_sav(data, lang=language), "sav"
            elif kind == "dta":
                content, ext = exports.to_dta(data, lang=language), "dta"
            else:
                variables, values = exports.codebook(data)
                merged = variables.merge(values, on="variable", how="left", suffixes=("", "_value"))
                content, ext = exports.to_csv(merged, separator=separator), "csv"
            subset = "-filtre" if profiles or places else ""  # a filtered export is not named as the whole wave
            waves = "-".join(str(w) for w in chosen_waves)
            name = f"spirale-{kind.replace('_csv', '')}-wave{waves}{subset}.{ext}"
            st.session_state["data_file"] = (content, name, ext)
            st.session_state["data_rows"] = len(data.respondents)
    if prepared := st.session_state.get("data_file"):
        content, name, ext = prepared
        st.caption(t("data.ready", respondents=st.session_state.get("data_rows", 0)))
        st.download_button(t("data.download", name=name), data=content, file_name=name, mime=MIME[ext], icon="📥")

with importing:
    if not access.can(access.EDIT):  # an analyst exports; importing answers changes the project
        st.info(t("access.import_edit_only"))
        st.stop()
    survey_import.show(project_id, wave_id, lang)
