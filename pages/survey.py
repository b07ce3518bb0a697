"""Step 3: survey waves on the indicators; collection by participant links, a typed questionnaire, a paper grid."""

import pandas as pd
import streamlit as st

from indicators import service as indicators_service
from surveys import charts, imports, questionnaire, service
from surveys.models import WAVE_KINDS
from ui import access, shell
from ui.shell import t
from workshop import settings
from workshop.errors import SpiraleError

access.require_page(__file__)

DONT_KNOW = questionnaire.DONT_KNOW
GRID_ROWS = 15

project_id = shell.require_project()
lang = shell.lang()
st.title(t("step3.title"))

with shell.session() as session:
    waves = service.list_waves(session=session, project_id=project_id)
    usable = indicators_service.list_indicators(session=session, project_id=project_id, usable_only=True)
    levels = {
        i.id: indicators_service.levels_of(session=session, project_id=project_id, indicator_id=i.id) for i in usable
    }
    questions = service.profile_questions(session=session, project_id=project_id)

with st.expander(t("step3.new_wave"), expanded=not waves), st.form("new_wave", clear_on_submit=True):
    name_col, name_en_col, kind_col = st.columns(3)
    wave_name = name_col.text_input(t("wave.name"), max_chars=120)
    wave_name_en = name_en_col.text_input(t("wave.name_en"), max_chars=120)
    wave_kind = kind_col.selectbox(t("wave.kind"), WAVE_KINDS, format_func=lambda k: t(f"wave.kind.{k}"))
    if st.form_submit_button(t("step3.create_wave"), type="primary"):
        try:
            with shell.session() as session:
                created = service.create_wave(
                    session=session, project_id=project_id, name=wave_name, name_en=wave_name_en, kind=wave_kind
                )
        except SpiraleError as error:
            shell.show_error(error)
        else:
            st.session_state["wave_id"] = created.id
            st.rerun()

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
wave = by_id[wave_id]
is_open = status_col.toggle(t("step3.wave_open"), value=wave.status == "open", key=f"wave_open_{wave_id}")
if is_open != (wave.status == "open"):
    with shell.session() as session:
        service.set_wave_status(
            session=session, project_id=project_id, wave_id=wave_id, status="open" if is_open else "closed"
        )
    st.rerun()
names = {i.id: indicators_service.indicator_name(i, lang) for i in usable}
with shell.session() as session:
    respondents = service.respondent_count(session=session, project_id=project_id, wave_id=wave_id)
st.metric(t("step3.respondents"), respondents)
if not is_open:
    st.info(t("step3.wave_closed"))

entry, grid_tab, links, profile_tab, results = st.tabs(
    [t("step3.entry"), t("step3.grid"), t("step3.links"), t("step3.questions"), t("step3.results")]
)


def profile_inputs(prefix: str) -> dict[str, str]:
    """One widget per profile question (a list when it has choices)."""
    answers = {}
    for question in questions:
        label = shell.md_escape(question.label(lang))
        if question.options:
            answers[question.key] = st.selectbox(label, ["", *question.options], key=f"{prefix}_{question.key}")
        else:
            answers[question.key] = st.text_input(label, max_chars=120, key=f"{prefix}_{question.key}")
    return answers


with entry, st.form("response", clear_on_submit=True):
    profile = profile_inputs("entry")
    chosen: dict[int, int | None] = {}
    for indicator_id, name in names.items():
        chosen[indicator_id] = st.radio(
            shell.md_escape(name),
            [1, 2, 3, 4, 5, DONT_KNOW],
            index=None,
            key=f"answer_{indicator_id}",
            format_func=lambda lvl, iid=indicator_id: (
                t("step3.dont_know") if lvl == DONT_KNOW else f"{lvl} · {shell.md_escape(levels[iid].get(lvl, ''))}"
            ),
        )
    if st.form_submit_button(t("step3.save_response"), type="primary"):
        answers = {iid: (None if lvl == DONT_KNOW else lvl) for iid, lvl in chosen.items() if lvl is not None}
        try:
            with shell.session() as session:
                service.add_response(
                    session=session,
                    project_id=project_id,
                    wave_id=wave_id,
                    levels=answers,
                    **service.split_profile(profile),
                )
        except SpiraleError as error:
            shell.show_error(error)
        else:
            st.session_state["step3_flash"] = t("step3.saved")
            st.rerun()
if flash := st.session_state.pop("step3_flash", None):
    entry.success(flash)

with grid_tab:
    st.caption(t("step3.grid_help"))
    text_columns = ["code", *[q.key for q in questions]]
    number_columns = ["weight", *[f"ind{iid}" for iid in names]]
    columns = [*text_columns, *number_columns]
    targets = [imports.CODE, *[f"q:{q.key}" for q in questions], imports.WEIGHT, *[f"i:{iid}" for iid in names]]
    blank = pd.DataFrame(
        {**{c: pd.Series([None] * GRID_ROWS, dtype="object") for c in text_columns},
         **{c: pd.Series([float("nan")] * GRID_ROWS) for c in number_columns}}
    )  # fmt: skip
    config = {
        "code": st.column_config.TextColumn(t("export.code"), max_chars=64),
        "weight": st.column_config.NumberColumn(t("export.weight"), min_value=0.01, format="%.2f"),
        **{
            q.key: st.column_config.SelectboxColumn(q.label(lang), options=q.options)
            if q.options
            else st.column_config.TextColumn(q.label(lang), max_chars=120)
            for q in questions
        },
        **{
            f"ind{iid}": st.column_config.NumberColumn(
                name[:24], help=name, min_value=1, max_value=9, step=1, format="%d"
            )
            for iid, name in names.items()
        },
    }
    grid_key = f"paper_grid_{wave_id}_{st.session_state.get('grid_round', 0)}"
    typed = st.data_editor(blank, column_config=config, num_rows="dynamic", hide_index=False, key=grid_key)
    if st.button(t("step3.grid_save"), type="primary", icon="💾"):
        table = imports.grid_table(typed)
        if table.empty:
            st.warning(t("step3.grid_empty"))
        else:
            mapping = dict(zip(columns, targets, strict=True))
            written, checked = 0, None
            try:
                with shell.session() as session:
                    checked = imports.check(
                        session=session,
                        project_id=project_id,
                        wave_id=wave_id,
                        frame=table,
                        mapping=mapping,
                        first_row=1,
                    )
                    if not checked.problems:
                        written = imports.import_frame(
                            session=session,
                            project_id=project_id,
                            wave_id=wave_id,
                            frame=table,
                            mapping=mapping,
                            first_row=1,
                        )
            except SpiraleError as error:
                shell.show_error(error)
            else:
                if checked.problems:
                    problems = pd.DataFrame(
                        [{"row": p.row, "column": p.column, "value": p.value,
                          "problem": t(p.key, **p.params)} for p in checked.problems]
                    )  # fmt: skip
                    st.error(t("error.import_invalid", count=checked.total_problems), icon="⚠️")
                    st.dataframe(problems, hide_index=True, width="stretch")
                else:  # committed: only now may the run be thrown away
                    st.session_state["step3_grid_flash"] = t("step3.grid_saved", count=written)
                    st.session_state["grid_round"] = st.session_state.get("grid_round", 0) + 1
                    st.rerun()
    if flash := st.session_state.pop("step3_grid_flash", None):
        st.success(flash)

with links:
    # The room's QR code, to project: anyone in the room answers, one response per phone.
    with shell.session() as session:
        room_code = service.room_code(session=session, project_id=project_id, wave_id=wave_id)
        room_answers = service.room_answers(session=session, project_id=project_id, wave_id=wave_id)
    room_link = service.room_link(room_code, st.context.url)
    st.subheader(t("step3.room_title"))
    if is_open:
        st.caption(t("step3.room_help"))
        qr_col, text_col = st.columns(2)  # half the page: readable from the back of the room when projected
        qr_col.image(questionnaire.qr_png(room_link), width="stretch")
        text_col.markdown("## " + t("step3.room_code", code=room_code))  # our own code: no user text
        text_col.code(room_link, language=None)
        text_col.caption(t("step3.room_answers", count=room_answers))
        if settings.unreachable_by_phones(room_link):
            text_col.warning(t("step1.join.local", variable=settings.PUBLIC_URL_VARIABLE), icon="📵")
    else:
        st.info(t("step3.room_closed"))
    st.divider()
    st.caption(t("step3.links_help"))
    count_col, button_col = st.columns([1, 2], vertical_alignment="bottom")
    count = count_col.number_input(t("step3.links_count"), min_value=1, max_value=service.MAX_TOKENS, value=10)
    if button_col.button(t("step3.links_create"), icon="🔗", disabled=not is_open):
        try:
            with shell.session() as session:
                service.create_tokens(session=session, project_id=project_id, wave_id=wave_id, count=int(count))
        except SpiraleError as error:
            shell.show_error(error)
    with shell.session() as session:
        tokens = service.tokens_frame(session=session, project_id=project_id, wave_id=wave_id)
    if not tokens.empty:
        tokens["link"] = [questionnaire.survey_link(tok, st.context.url) for tok in tokens["token"]]
        st.caption(t("step3.links_counts", total=len(tokens), answered=int(tokens["answered"].sum())))
        free = tokens[~tokens["answered"]]
        if not free.empty:
            link = free["link"].iloc[0]
            qr_col, text_col = st.columns([1, 2])
            qr_col.image(questionnaire.qr_png(link), caption=t("step3.links_qr"), width=220)
            text_col.code(link, language=None)
        st.dataframe(
            tokens[["link", "answered"]],
            hide_index=True,
            width="stretch",
            column_config={
                "link": st.column_config.LinkColumn(t("step3.links_link")),
                "answered": st.column_config.CheckboxColumn(t("step3.links_answered")),
            },
        )
        if not free.empty:
            st.download_button(
                t("step3.links_sheet"),
                data=questionnaire.qr_sheet_html(list(free["link"]), title=t("answer.title"), lang=lang),
                file_name=f"spirale-qr-wave{wave_id}.html",
                mime="text/html",
                icon="🖨️",
            )
        st.download_button(
            t("step3.links_download"),
            data=tokens[["link", "answered"]].to_csv(index=False).encode("utf-8-sig"),
            file_name=f"spirale-links-wave{wave_id}.csv",
            mime="text/csv",
            icon="📥",
        )

with profile_tab:
    st.caption(t("step3.questions_help"))
    current = pd.DataFrame(
        [{"key": q.key, "label_fr": q.label_fr, "label_en": q.label_en, "choices": " | ".join(q.options)}
         for q in questions]
    )  # fmt: skip
    edited = st.data_editor(
        current,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key="profile_questions",
        column_config={
            "key": st.column_config.TextColumn(t("step3.q.key"), max_chars=40, required=True),
            "label_fr": st.column_config.TextColumn(t("step3.q.label_fr"), max_chars=200, required=True),
            "label_en": st.column_config.TextColumn(t("step3.q.label_en"), max_chars=200),
            "choices": st.column_config.TextColumn(t("step3.q.choices"), max_chars=4000),
        },
    )
    if st.button(t("step3.questions_save"), icon="💾"):
        rows = [
            {**row, "choices": "\n".join(str(row.get("choices") or "").split("|"))}
            for row in edited.fillna("").to_dict("records")
            if any(str(v).strip() for v in row.values())
        ]
        try:
            with shell.session() as session:
                service.set_profile_questions(session=session, project_id=project_id, questions=rows)
        except SpiraleError as error:
            shell.show_error(error)
        else:
            st.rerun()

with results:
    with shell.session() as session:
        answers = service.answers_frame(session=session, project_id=project_id, wave_id=wave_id)
    means = service.indicator_means(answers)
    if means.empty:
        st.info(t("step3.no_answer"))
    else:
        figure = charts.mean_by_indicator(
            means, names=names, title=t("step3.chart_title"), axis_label=t("step3.chart_axis")
        )
        st.plotly_chart(figure, width="stretch")
        st.page_link("pages/dashboard.py", label=t("nav.dashboard"), icon="📈")
