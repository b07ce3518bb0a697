"""Step 3's drawing: a new wave, the typed questionnaire, the paper grid, the room's QR code and per-person
links, the profile questions and the first results. Writes go through shell.attempt: committed, then rerun.
"""

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from surveys import charts, imports, questionnaire, service
from surveys.models import WAVE_KINDS, ProfileQuestionRead
from ui import shell
from ui.shell import t
from workshop import settings

DONT_KNOW = questionnaire.DONT_KNOW
GRID_ROWS = 15
ENTRY_FLASH, GRID_FLASH, GRID_ROUND = "step3_flash", "step3_grid_flash", "grid_round"


def new_wave_form(project_id: int) -> None:
    with st.form("new_wave", clear_on_submit=True):
        name_col, name_en_col, kind_col = st.columns(3)
        name = name_col.text_input(t("wave.name"), max_chars=120)
        name_en = name_en_col.text_input(t("wave.name_en"), max_chars=120)
        kind = kind_col.selectbox(t("wave.kind"), WAVE_KINDS, format_func=lambda k: t(f"wave.kind.{k}"))
        if not st.form_submit_button(t("step3.create_wave"), type="primary"):
            return
    ok, created = shell.attempt(service.create_wave, project_id=project_id, name=name, name_en=name_en, kind=kind)
    if ok:
        st.session_state["wave_id"] = created.id
        st.rerun()


def _profile_inputs(questions: Sequence[ProfileQuestionRead], prefix: str, lang: str) -> dict[str, str]:
    """One widget per profile question (a list when it has choices)."""
    answers = {}
    for question in questions:
        label = shell.md_escape(question.label(lang))
        if question.options:
            answers[question.key] = st.selectbox(label, ["", *question.options], key=f"{prefix}_{question.key}")
        else:
            answers[question.key] = st.text_input(label, max_chars=120, key=f"{prefix}_{question.key}")
    return answers


def typed_entry(project_id: int, wave_id: int, questions: Sequence[ProfileQuestionRead], names: dict[int, str],
                levels: dict[int, dict[int, str]], lang: str) -> None:  # fmt: skip
    """One paper questionnaire typed in by the facilitator: the profile, then a level (or don't know) each."""
    with st.form("response", clear_on_submit=True):
        profile = _profile_inputs(questions, "entry", lang)
        chosen = {
            iid: st.radio(
                shell.md_escape(name),
                [1, 2, 3, 4, 5, DONT_KNOW],
                index=None,
                key=f"answer_{iid}",
                format_func=lambda lvl, iid=iid: (
                    t("step3.dont_know") if lvl == DONT_KNOW else f"{lvl} · {shell.md_escape(levels[iid].get(lvl, ''))}"
                ),
            )
            for iid, name in names.items()
        }
        if st.form_submit_button(t("step3.save_response"), type="primary"):
            answers, typed = questionnaire.answers_of({"profile": profile, "levels": chosen})
            ok, _ = shell.attempt(
                service.add_response, project_id=project_id, wave_id=wave_id, levels=typed, source="typed",
                **service.split_profile(answers),
            )  # fmt: skip
            if ok:
                st.session_state[ENTRY_FLASH] = t("step3.saved")
                st.rerun()
    if flash := st.session_state.pop(ENTRY_FLASH, None):
        st.success(flash)


def paper_grid(project_id: int, wave_id: int, questions: Sequence[ProfileQuestionRead], names: dict[int, str],
               lang: str) -> None:  # fmt: skip
    """Many paper questionnaires typed as rows; checked whole, stored whole, then a fresh grid."""
    st.caption(t("step3.grid_help"))
    mapping = imports.grid_mapping([q.key for q in questions], list(names))
    numbers = {"weight", *[f"ind{iid}" for iid in names]}
    blank = pd.DataFrame(
        {c: pd.Series([float("nan")] * GRID_ROWS) if c in numbers else pd.Series([None] * GRID_ROWS, dtype="object")
         for c in mapping},
        index=pd.RangeIndex(1, GRID_ROWS + 1),  # rows counted as people count them, and as refusals name them
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
    grid_key = f"paper_grid_{wave_id}_{st.session_state.get(GRID_ROUND, 0)}"
    typed = st.data_editor(  # an empty cell is empty (placeholder), not Streamlit's "None"
        blank, column_config=config, num_rows="dynamic", hide_index=False, key=grid_key, placeholder=""
    )
    if st.button(t("step3.grid_save"), type="primary", icon="💾"):
        _save_grid(project_id, wave_id, imports.grid_table(typed), mapping)
    if flash := st.session_state.pop(GRID_FLASH, None):
        st.success(flash)


def _save_grid(project_id: int, wave_id: int, table: pd.DataFrame, mapping: dict[str, str]) -> None:
    if table.empty:
        st.warning(t("step3.grid_empty"))
        return
    rows = {"project_id": project_id, "wave_id": wave_id, "frame": table, "mapping": mapping, "first_row": 1,
            "source": "typed"}  # fmt: skip
    ok, checked = shell.attempt(imports.check, **rows)
    if not ok:
        return
    if checked.problems:
        problems = pd.DataFrame(
            [{"row": p.row, "column": p.column, "value": p.value, "problem": t(p.key, **p.params)}
             for p in checked.problems]
        )  # fmt: skip
        st.error(t("error.import_invalid", count=checked.total_problems), icon="⚠️")
        st.dataframe(problems, hide_index=True, width="stretch")
        return
    ok, written = shell.attempt(imports.import_frame, **rows)
    if ok:  # committed: only now may the run be thrown away
        st.session_state[GRID_FLASH] = t("step3.grid_saved", count=written)
        st.session_state[GRID_ROUND] = st.session_state.get(GRID_ROUND, 0) + 1
        st.rerun()


def room_code(project_id: int, wave_id: int, is_open: bool) -> None:
    """The room's QR code, to project: anyone in the room answers, one response per phone."""
    with shell.session() as session:  # a wave made before room codes gets its code here: a write
        code = service.room_code(session=session, project_id=project_id, wave_id=wave_id)
        answers = service.room_answers(session=session, project_id=project_id, wave_id=wave_id)
    link = service.room_link(code, st.context.url)
    st.subheader(t("step3.room_title"))
    if not is_open:
        st.info(t("step3.room_closed"))
        return
    st.caption(t("step3.room_help"))
    qr_col, text_col = st.columns(2)  # half the page: readable from the back of the room when projected
    qr_col.image(questionnaire.qr_png(link), width="stretch")
    text_col.markdown("## " + t("step3.room_code", code=code))  # our own code: no user text
    text_col.code(link, language=None)
    text_col.caption(t("step3.room_answers", count=answers))
    if settings.unreachable_by_phones(link):
        text_col.warning(t("step1.join.local", variable=settings.PUBLIC_URL_VARIABLE), icon="📵")


def person_links(project_id: int, wave_id: int, is_open: bool, lang: str) -> None:
    """Per-person links for mailed invitations: made in batches, listed with whether each has answered."""
    st.caption(t("step3.links_help"))
    count_col, button_col = st.columns([1, 2], vertical_alignment="bottom")
    count = count_col.number_input(t("step3.links_count"), min_value=1, max_value=service.MAX_TOKENS, value=10)
    if button_col.button(t("step3.links_create"), icon="🔗", disabled=not is_open):
        shell.attempt(service.create_tokens, project_id=project_id, wave_id=wave_id, count=int(count))
    with shell.read_session() as session:
        tokens = service.tokens_frame(session=session, project_id=project_id, wave_id=wave_id)
    if tokens.empty:
        return
    tokens["link"] = [questionnaire.survey_link(tok, st.context.url) for tok in tokens["token"]]
    st.caption(t("step3.links_counts", total=len(tokens), answered=int(tokens["answered"].sum())))
    free = tokens[~tokens["answered"]]
    if not free.empty:
        qr_col, text_col = st.columns([1, 2])
        qr_col.image(questionnaire.qr_png(free["link"].iloc[0]), caption=t("step3.links_qr"), width=220)
        text_col.code(free["link"].iloc[0], language=None)
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


# The three questions that fill the usual columns, named in the language shown rather than by their keys
# (profile, place, age_band stay the machine's names, in exports for software).
BUILTIN_NAMES = {"profile": "step3.q.builtin.profile", "place": "step3.q.builtin.place",
                 "age_band": "step3.q.builtin.age_band"}  # fmt: skip


def shown_key(key: str) -> str:
    return t(BUILTIN_NAMES[key]) if key in BUILTIN_NAMES else key


def typed_keys(edited: pd.DataFrame, questions: Sequence[ProfileQuestionRead]) -> list[dict]:
    """The table's rows with their keys: a row still showing a built-in question's name gets its key back.

    By the row (its index, kept by the editor), not by the name: a question of one's own may be called
    "quartier" too.
    """
    shown = {index: (shown_key(q.key), q.key) for index, q in enumerate(questions)}
    rows = []
    for index, row in edited.iterrows():
        name, key = shown.get(index, (None, None))
        rows.append({**row.to_dict(), "key": key if key is not None and row["key"] == name else row["key"]})
    return rows


def profile_questions(project_id: int, questions: Sequence[ProfileQuestionRead]) -> None:
    """The profile questions as a table to edit: key, labels, choices separated by '|'."""
    st.caption(t("step3.questions_help", **{key: shown_key(key) for key in BUILTIN_NAMES}))
    current = pd.DataFrame(
        [{"key": shown_key(q.key), "label_fr": q.label_fr, "label_en": q.label_en, "choices": " | ".join(q.options)}
         for q in questions]
    )  # fmt: skip
    edited = st.data_editor(
        current,
        placeholder="",
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
        rows = service.profile_rows(typed_keys(edited, questions))
        shell.attempt(service.set_profile_questions, project_id=project_id, questions=rows, rerun=True)


def results(project_id: int, wave_id: int, names: dict[int, str]) -> None:
    with shell.read_session() as session:
        answers = service.answers_frame(session=session, project_id=project_id, wave_id=wave_id)
    means = service.indicator_means(answers)
    if means.empty:
        st.info(t("step3.no_answer"))
        return
    figure = charts.mean_by_indicator(
        means, names=names, title=t("step3.chart_title"), axis_label=t("step3.chart_axis"), lang=shell.lang()
    )
    st.plotly_chart(figure, width="stretch")
    st.page_link("pages/dashboard.py", label=t("nav.dashboard"), icon="📈")
