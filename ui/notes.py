"""The notes of a group: fast entry, the live wall, validation, correction, delete with undo, "already said?"."""

import io
import threading
from collections.abc import Sequence

import segno
import streamlit as st

from groups import join, service
from groups.models import QUESTIONS, VALIDATED, CriterionRead, GroupRead
from indicators.engine import SimilarNote, SimilarNotesIndex
from ui import shell
from ui.shell import t
from workshop.errors import SpiraleError
from workshop.text import NOTE_MAX

QUESTION_COLOURS = {"wellbeing": "#d9f2d9", "illbeing": "#f9d6d5", "action": "#d6e6fb"}
UNDO_KEY = "undo_criterion"
WALL_REFRESH_SECONDS = 2  # a phone's note is on the projected wall within this time
SIMILAR_SHOWN = 3
SIMILAR_MIN = 0.4  # below this, notes share words at most, not an idea


def wording(wordings: dict[str, dict[str, str]], question: str) -> str:
    """A question's words in the reader's language, ready for a Markdown place (shown literally)."""
    return shell.md_escape(wordings[question].get(shell.lang()) or t(f"question.{question}.text"))


def question_header(question: str, wordings: dict[str, dict[str, str]]) -> None:
    st.markdown(f"**{t('question.' + question + '.short')}**")
    st.caption(wording(wordings, question))


def entry_form(project_id: int, group_id: int, question: str) -> None:
    """Type, Enter, next note: the form clears itself and the cursor stays in the field."""
    with st.form(f"note_{question}", clear_on_submit=True, border=False):
        text = st.text_input(
            t("step1.note"),
            key=f"note_text_{question}",
            max_chars=NOTE_MAX,
            placeholder=t("step1.note_hint"),
            label_visibility="collapsed",
        )
        author = st.text_input(
            t("step1.author"),
            key=f"note_author_{question}",
            max_chars=60,
            placeholder=t("step1.author"),
            label_visibility="collapsed",  # the wall, not the form, should fill the projected screen
        )
        submitted = st.form_submit_button(t("step1.add"), type="primary", width="stretch")
    if submitted:
        try:
            with shell.session() as session:
                added = service.add_criterion(
                    session=session,
                    project_id=project_id,
                    group_id=group_id,
                    question=question,
                    text=text,
                    author=author,
                )
        except SpiraleError as error:
            shell.show_error(error)
        else:
            st.session_state[f"last_note_{question}"] = (group_id, added.id, added.text)
            st.rerun()
    last = st.session_state.get(f"last_note_{question}")
    if last and last[0] == group_id:
        similar_list(similar_notes(project_id, group_id, last[2], exclude_id=last[1]))


@st.fragment(run_every=WALL_REFRESH_SECONDS)
def live_wall(project_id: int, group_id: int) -> None:
    """The group's notes by question, counts, countdown and authors; refreshed alone, not the page."""
    with shell.session() as session:
        group = service.get_group(session=session, project_id=project_id, group_id=group_id)
        written = service.list_criteria(session=session, project_id=project_id, group_id=group_id)
        authors = service.count_by_author(session=session, project_id=project_id, group_id=group_id)
    # While the model loads (the first seconds of a server), the wall goes on without the agreements.
    close = (
        {}
        if warm_up().is_alive()
        else close_counts(tuple(c.shown_text for c in written), tuple(str(c.id) for c in written))
    )
    for column, question in zip(st.columns(len(QUESTIONS)), QUESTIONS, strict=True):
        answers = [c for c in written if c.question == question]
        with column:
            st.subheader(f"{t('question.' + question + '.short')} ({len(answers)})")
            countdown(group, question)
            for criterion in reversed(answers):
                note_card(project_id, criterion, close.get(str(criterion.id), 0))
    author_counts(authors)
    validated = sum(c.status == VALIDATED for c in written)
    st.caption(t("step1.counts", total=len(written), validated=validated))


def countdown(group: GroupRead, question: str) -> None:
    left = service.seconds_left(group, question)
    if left is None:
        return
    text = t("step1.timer.left", time=f"{left // 60}:{left % 60:02d}") if left else t("step1.timer.over")
    colour = "#8a1c1c" if left < 60 else "#111"
    st.html(f"<div class='spirale-timer' style='font-size:1.6em;font-weight:700;color:{colour}'>{text}</div>")


def author_counts(authors: Sequence[service.AuthorCount]) -> None:
    if not authors:
        return
    parts = [
        t(
            "step1.author_line",
            icon="📱" if a.from_phone else "🖥️",
            name=a.name or (t("step1.author_anonymous") if a.from_phone else t("step1.author_facilitator")),
            count=a.notes,
        )
        for a in authors
    ]
    st.html(
        f"<div class='spirale-authors' data-testid='authors'><b>{shell.escape(t('step1.authors'))}</b><br>"
        + " · ".join(shell.escape(p) for p in parts)
        + "</div>"
    )


def note_html(criterion: CriterionRead, close: int = 0) -> str:
    badge = "✅ " if criterion.status == VALIDATED else ""
    if close:
        label = shell.escape(t("step1.close_notes", count=close))
        badge += f"<span class='spirale-close' title='{label}' aria-label='{label}'>🤝{close}</span> "
    written = (
        f"<div style='opacity:.6;font-size:.8em'>{shell.escape(t('step1.written', text=criterion.text))}</div>"
        if criterion.corrected_text
        else ""
    )
    return (
        f"<div class='spirale-note' data-testid='note' style='background:{QUESTION_COLOURS[criterion.question]};"
        f"border:1px solid #555;border-radius:6px;padding:.5em .7em;color:#111'>"
        f"{badge}{shell.escape(criterion.shown_text)}{written}</div>"
    )


def note_card(project_id: int, criterion: CriterionRead, close: int = 0) -> None:
    st.html(note_html(criterion, close))
    # Compact buttons in a row that wraps, rather than labels cut short in narrow columns.
    with st.container(horizontal=True, gap="small"):
        if criterion.status != VALIDATED and st.button(
            t("step1.validate"), key=f"val_{criterion.id}", icon="✅", type="tertiary"
        ):
            _run(service.set_status, project_id=project_id, criterion_id=criterion.id, status=VALIDATED)
        with st.popover(t("step1.edit"), icon="✏️", type="tertiary"), st.form(f"edit_{criterion.id}", border=False):
            corrected = st.text_input(t("step1.note"), value=criterion.shown_text, max_chars=NOTE_MAX)
            if st.form_submit_button(t("step1.edit_save")):
                _run(service.correct_criterion, project_id=project_id, criterion_id=criterion.id, text=corrected)
        if st.button(t("step1.delete"), key=f"del_{criterion.id}", icon="🗑️", type="tertiary"):
            st.session_state[UNDO_KEY] = criterion.id
            _run(service.delete_criterion, project_id=project_id, criterion_id=criterion.id)


def undo_bar(project_id: int) -> None:
    """One click brings the last deleted note back."""
    deleted = st.session_state.get(UNDO_KEY)
    if deleted and st.button(t("step1.undo"), icon="↩️", type="secondary"):
        st.session_state[UNDO_KEY] = None
        _run(service.restore_criterion, project_id=project_id, criterion_id=deleted)


def _run(action, **params) -> None:  # noqa: ANN001, ANN003 - a groups service function and its arguments
    """Do it, then rerun the whole page (the undo bar lives outside the wall's fragment)."""
    if shell.attempt(action, **params)[0]:
        st.rerun(scope="app")


# ---------- "already said?" ----------


@st.cache_resource(show_spinner=False)
def warm_up() -> threading.Thread:
    """Load the sentence model in the background, once per server, as soon as a meeting screen opens.

    Otherwise the first "already said?" of a meeting would hold the wall for the seconds the load takes.
    """
    thread = threading.Thread(
        target=lambda: SimilarNotesIndex(["échauffement", "warm-up"]), name="spirale-similar-warm-up", daemon=True
    )
    thread.start()
    return thread


@st.cache_resource(max_entries=64, show_spinner=False)
def _similar_index(texts: tuple[str, ...], ids: tuple[str, ...]) -> SimilarNotesIndex:
    """One index per set of a group's note texts: built when the wall changes, not on every run."""
    return SimilarNotesIndex(texts, ids=ids)


def similar_notes(project_id: int, group_id: int, text: str, *, exclude_id: int | None = None) -> list[SimilarNote]:
    """The notes of the group closest to `text`, closest first (only those that share an idea)."""
    if not text.strip():
        return []
    with shell.session() as session:
        written = service.list_criteria(session=session, project_id=project_id, group_id=group_id)
    others = [c for c in written if c.id != exclude_id]
    if not others:
        return []
    index = _similar_index(tuple(c.shown_text for c in others), tuple(str(c.id) for c in others))
    return [note for note in index.similar(text, SIMILAR_SHOWN) if note.similarity >= SIMILAR_MIN]


@st.cache_data(max_entries=64, show_spinner=False)
def close_counts(texts: tuple[str, ...], ids: tuple[str, ...]) -> dict[str, int]:
    """For each note, how many others of the group say something close: duplicates and agreements.

    Computed once per set of notes (when the wall changes), not on each refresh of the wall.
    """
    if len(texts) < 2:
        return {}
    index = _similar_index(texts, ids)
    counts = {
        note_id: sum(n.similarity >= SIMILAR_MIN for n in index.similar(text, SIMILAR_SHOWN, exclude_id=note_id))
        for text, note_id in zip(texts, ids, strict=True)
    }
    return {note_id: count for note_id, count in counts.items() if count}


def similar_list(similar: Sequence[SimilarNote]) -> None:
    if not similar:
        return
    items = "".join(f"<li>{shell.escape(note.text)}</li>" for note in similar)
    st.html(
        f"<div class='spirale-similar' data-testid='similar'><b>{shell.escape(t('step1.similar'))}</b>"
        f"<ul style='margin:.2em 0 0 1.2em'>{items}</ul></div>"
    )


# ---------- joining from a phone ----------


@st.cache_data(max_entries=64, show_spinner=False)
def qr_png(link: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


def join_panel(project_id: int, group: GroupRead) -> None:
    """The join code, its QR code and link, big enough for the back of the room; open or close it."""
    if join.is_open(group) and group.join_code:
        link = join.join_link(group.join_code, st.context.url)
        st.html(
            "<div class='spirale-join-code' data-testid='join-code' style='font-size:2.6em;font-weight:800;"
            f"letter-spacing:.12em;color:#000;background:#fff;text-align:center'>{shell.escape(group.join_code)}</div>"
        )
        st.image(qr_png(link), caption=t("step1.join.qr"), width=220)
        st.caption(t("step1.join.link", url=link))
        # Also in the sidebar, which stays in view while the wall scrolls: for late arrivals.
        st.sidebar.html(
            "<div class='spirale-join-reminder' data-testid='join-reminder' style='font-size:1.8em;"
            f"font-weight:800;letter-spacing:.1em;text-align:center'>📱 {shell.escape(group.join_code)}</div>"
        )
        st.sidebar.image(qr_png(link), width=160)
        if st.button(t("step1.join.close"), icon="🔒"):
            _run(join.close_join, project_id=project_id, group_id=group.id)
    else:
        st.caption(t("step1.join.closed"))
        if st.button(t("step1.join.open"), icon="📱", type="primary"):
            _run(join.open_join, project_id=project_id, group_id=group.id)
