"""The participant's questionnaire (link /?survey=TOKEN): one question per screen on a phone, resumable, sent once."""

import streamlit as st

from indicators import service as indicators_service
from surveys import questionnaire, service
from ui import phone, shell
from ui.shell import t
from workshop.errors import SpiraleError

phone.phone_page(
    extra_css='[data-testid="stRadio"] label { font-size: 1.1rem; padding: 0.35rem 0; }', language_key="survey_language"
)
lang = shell.lang()
st.title(t("answer.title"))

token = str(st.query_params.get(questionnaire.PARAMETER, ""))
try:
    with shell.session() as session:
        state = service.token_state(session=session, token=token)
        questions = service.profile_questions(session=session, project_id=state.project_id)
        indicators = indicators_service.list_indicators(session=session, project_id=state.project_id, usable_only=True)
        situations = {
            i.id: indicators_service.levels_of(session=session, project_id=state.project_id, indicator_id=i.id)
            for i in indicators
        }
except SpiraleError as error:
    shell.show_error(error)
    st.stop()

if state.answered:
    st.success(t("answer.thanks"))
    st.stop()
if not state.wave_open:
    st.info(t("answer.closed"))
    st.stop()

by_key = {q.key: q for q in questions}
names = {i.id: indicators_service.indicator_name(i, lang) for i in indicators}
steps = questionnaire.steps(list(by_key), list(names))
draft = state.draft
step = min(int(draft.get("step", 0)), len(steps))


def situation_label(indicator_id: int, level: int) -> str:
    if level == questionnaire.DONT_KNOW:
        return t("step3.dont_know")
    return shell.md_escape(situations[indicator_id].get(level, str(level)))


def refused(error: SpiraleError) -> None:
    """A survey closed meanwhile: draw the page again, which then says so and offers nothing to send."""
    if error.key == "error.wave_closed":
        st.rerun()
    shell.show_error(error)
    st.stop()


def keep(new_draft: dict) -> None:
    try:
        with shell.session() as session:
            service.save_draft(session=session, token=token, draft=new_draft)
    except SpiraleError as error:
        refused(error)
    st.rerun()


def move(value: object, direction: int) -> None:
    """Keep this screen's answer in the draft (so the link resumes here) and go to the next or previous one."""
    keep(questionnaire.with_answer(draft, steps[step], value, direction))


st.progress(step / len(steps), text=t("answer.progress", done=step, total=len(steps)))
if step < len(steps):
    with st.form(f"survey_form_{step}", border=False):  # one submit per screen: no rerun per tap
        kind, key = steps[step]
        if kind == "q":
            question = by_key[key]
            saved = draft.get("profile", {}).get(key, "")
            st.subheader(shell.md_escape(question.label(lang)))
            if question.options:
                options = question.options
                value = st.radio(
                    t("answer.choose"),
                    options,
                    index=options.index(saved) if saved in options else None,
                    format_func=shell.md_escape,
                    key=f"survey_step_{step}",
                    label_visibility="collapsed",
                )
            else:
                value = st.text_input(t("answer.free"), value=saved, max_chars=120, key=f"survey_step_{step}")
        else:
            st.subheader(shell.md_escape(names[key]))
            st.caption(t("answer.pick_situation"))
            options = [1, 2, 3, 4, 5, questionnaire.DONT_KNOW]
            saved = draft.get("levels", {}).get(str(key))
            value = st.radio(
                t("answer.choose"),
                options,
                index=options.index(saved) if saved in options else None,
                format_func=lambda level, iid=key: (
                    t("step3.dont_know")
                    if level == questionnaire.DONT_KNOW
                    else shell.md_escape(situations[iid][level])
                ),
                key=f"survey_step_{step}",
                label_visibility="collapsed",
            )
        back, forward = st.columns(2)
        if step > 0 and back.form_submit_button(t("answer.back"), icon="⬅️", width="stretch"):
            move(value, -1)
        if forward.form_submit_button(t("answer.next"), icon="➡️", type="primary", width="stretch"):
            move(value, 1)
else:
    profile, levels = questionnaire.answers_of(draft)
    st.write(t("answer.review", answered=len(levels), total=len(names)))
    back, send = st.columns(2)
    if back.button(t("answer.back"), icon="⬅️", width="stretch"):
        keep({**draft, "step": len(steps) - 1})
    if send.button(t("answer.send"), icon="✅", type="primary", width="stretch"):
        try:
            with shell.session() as session:
                service.submit_token(session=session, token=token, levels=levels, profile=profile)
        except SpiraleError as error:
            refused(error)
        st.rerun()
