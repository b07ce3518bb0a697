"""The participant's phone: join with a code, pick a question, write one idea, send; see and edit your own notes.

No account and nothing else reachable: every call goes through the join code (groups.join), and the
participant's notes are recognised by a random token kept in a cookie, so a reload or a return finds them.
"""

import streamlit as st

import privacy
from groups import join, service
from groups.models import QUESTIONS, VALIDATED, CriterionRead
from ui import cookies, notes, phone, shell
from ui.shell import t
from workshop.errors import SpiraleError
from workshop.text import NOTE_MAX

CODE_KEY = "join_code"
TOKEN_KEY = "participant_token"
TEXT_KEY = "join_text"
FLASH_KEY = "join_flash"  # (kind, message) shown once after a send
PARTICIPANT_COOKIE = "spirale_participant"
COOKIE_DAYS = 30

phone.phone_page(extra_css="input, textarea { font-size: 1.1rem !important; }", language_key="join_language")
st.title(t("join.title"))

# The token outlives a reload: read from the cookie the phone sent, written again on every run (30 days more).
token = st.session_state.get(TOKEN_KEY) or join.participant_token(cookies.read(PARTICIPANT_COOKIE))
st.session_state[TOKEN_KEY] = token
cookies.write(PARTICIPANT_COOKIE, token, max_age_seconds=COOKIE_DAYS * 24 * 3600)
code = st.session_state.get(CODE_KEY) or join.normalise_code(st.query_params.get(join.CODE_PARAMETER, ""))


def ask_code(error: SpiraleError | None) -> None:
    """The code box: shown until a code opens a group, with the reason a code did not."""
    if error is not None:
        shell.show_error(error)
    with st.form("join"):
        typed = st.text_input(t("join.code"), value=code, max_chars=12, autocomplete="off")
        if st.form_submit_button(t("join.enter"), type="primary", width="stretch"):
            st.session_state[CODE_KEY] = join.normalise_code(typed)
            st.query_params[join.CODE_PARAMETER] = st.session_state[CODE_KEY]
            st.rerun()
    st.stop()


try:
    with shell.session() as session:
        joined = join.find_group(session=session, code=code)
        own = join.own_notes(session=session, code=code, participant_token=token)
        wordings = service.question_wordings(session=session, project_id=joined.project_id, cycle=joined.cycle)
except SpiraleError as error:
    st.session_state.pop(CODE_KEY, None)
    st.session_state.pop(FLASH_KEY, None)  # a send refused by a closed code: the code box says why
    ask_code(error if code else None)
st.session_state[CODE_KEY] = joined.code
notes.warm_up()
st.caption(t("join.welcome", group=shell.md_escape(joined.profile)))


def send() -> None:
    """Runs before the page: a send clears the field only when the note is stored."""
    try:
        with shell.session() as session:
            join.send_note(
                session=session,
                code=joined.code,
                participant_token=token,
                question=st.session_state["join_question"],
                text=st.session_state.get(TEXT_KEY, ""),
                alias=st.session_state.get("join_alias", ""),
            )
    except SpiraleError as error:
        st.session_state[FLASH_KEY] = ("error", error)
    else:
        st.session_state[TEXT_KEY] = ""
        st.session_state[FLASH_KEY] = ("success", None)


st.text_input(t("step1.author"), key="join_alias", max_chars=60)
question = st.radio(
    t("join.pick"),
    QUESTIONS,
    key="join_question",
    format_func=lambda q: t(f"question.{q}.short"),
    captions=[notes.wording(wordings, q) for q in QUESTIONS],
)


@st.fragment(run_every=5)
def countdown() -> None:
    """The facilitator's countdown for the chosen question, if any, kept up to date on the phone."""
    try:
        with shell.session() as session:
            group = join.joined_group(session=session, code=joined.code)
    except SpiraleError:
        return  # the code was closed: the next full run says so
    notes.countdown(group, st.session_state.get("join_question", QUESTIONS[0]))


countdown()
# Live: each typing pause reruns the page, so the close notes on the wall show before anything is sent.
draft = st.text_input(
    t("join.write"), key=TEXT_KEY, max_chars=NOTE_MAX, live=notes.ENTRY_LIVE, placeholder=t("step1.note_hint")
)
notes.full_note(draft or "")
notes.similar_list(notes.similar_notes(joined.project_id, joined.group_id, draft or ""))
st.button(t("join.send"), type="primary", icon="📨", width="stretch", on_click=send)
flash = st.session_state.pop(FLASH_KEY, None)
if flash and flash[0] == "error":
    shell.show_error(flash[1])
elif flash:
    st.success(t("join.sent"), icon="✅")


def own_note(criterion: CriterionRead) -> None:
    st.html(notes.note_html(criterion))
    if criterion.status == VALIDATED:
        st.caption(t("join.validated"))
        return
    edit, withdraw = st.columns(2)
    with edit.popover(t("join.edit"), icon="✏️", width="stretch"), st.form(f"own_{criterion.id}", border=False):
        new_text = st.text_area(t("join.write"), value=criterion.shown_text, max_chars=NOTE_MAX)
        if st.form_submit_button(t("join.save"), type="primary"):
            act(join.edit_own_note, criterion_id=criterion.id, text=new_text)
    if withdraw.button(t("join.withdraw"), key=f"withdraw_{criterion.id}", icon="🗑️", width="stretch"):
        act(join.withdraw_own_note, criterion_id=criterion.id)


def act(action, **params) -> None:  # noqa: ANN001, ANN003 - a groups.join function and its arguments
    if shell.attempt(action, code=joined.code, participant_token=token, **params)[0]:
        st.rerun()


st.subheader(t("join.mine", count=len(own)))
st.caption(t("join.reference", reference=privacy.participant_reference(token)), help=t("join.reference_help"))
if not own:
    st.caption(t("join.none"))
for criterion in reversed(own):
    own_note(criterion)
if st.button(t("join.leave"), icon="🔁"):
    st.session_state.pop(CODE_KEY, None)
    st.query_params[join.CODE_PARAMETER] = ""  # an empty code keeps the phone on this page
    st.rerun()
