"""The notes of a group: fast entry, the live wall, validation, correction, delete with undo, "already said?"."""

import io
import json
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

import segno
import streamlit as st

from groups import join, service
from groups.models import QUESTIONS, VALIDATED, CriterionRead, GroupRead
from indicators.engine import SimilarNote, SimilarNotesIndex
from ui import access, shell
from ui.shell import t
from workshop import settings
from workshop.errors import SpiraleError
from workshop.text import NOTE_MAX

QUESTION_COLOURS = {"wellbeing": "#d9f2d9", "illbeing": "#f9d6d5", "action": "#d6e6fb"}
UNDO_KEY = "undo_criterion"
WALL_WATCH_SECONDS = 1  # a phone's note is on the facilitator's wall within this time (and the presentation's)
WALL_ASK_AGAIN_SECONDS = 3  # a refresh click lost in a full run is asked again
WALL_REFRESH_KEY = "wall_refresh"
WALL_REFRESH_BUTTON = f".st-key-{WALL_REFRESH_KEY} button"
WALL_SEEN_KEY = "wall_seen"  # (group, "what changed" value) the wall was last drawn from
WALL_ASKED_KEY = "wall_asked"
WALL_REFUSAL_KEY = "wall_refusal"
WALL_NOTE_SHOWN = 140  # characters of a long note on the facilitator's wall before "…" (the rest on a click)
WALL_CSS = (
    f".st-key-{WALL_REFRESH_KEY} {{ display: none; }}"
    # Selectors by test id, not by the cards' class: tests and pages find the cards by that class.
    ' [data-testid="note"] details summary { cursor: pointer; list-style: none; }'
    ' [data-testid="note"] details summary::-webkit-details-marker { display: none; }'
    ' [data-testid="note"] details[open] summary { display: none; }'
    ' [data-testid="note"].spirale-hidden { opacity: .55; border-style: dashed !important; }'
    " .spirale-hidden-mark { font-size: .8em; font-weight: 700; }"
)
SIMILAR_SHOWN = 3
SIMILAR_MIN = 0.4  # below this, notes share words at most, not an idea
SIMILAR_WAIT_SECONDS = 10  # the sentence model loads in ~1.5 s (up to seconds more on a loaded server)
ENTRY_LIVE = "300ms"  # typing pause after which the close notes follow the draft (lookup ~13 ms on 10k notes)
ENTRY_FRAGMENT = "note_entry"
WALL_FRAGMENT = "live_wall"

OUTBOX_KEPT = 20  # notes an outbox resends: far more than can be typed while the server is busy

# Enter adds a note without waiting for the server, and none is lost:
# - a live field commits on each typing pause, so Streamlit's own Enter is no signal to add, and a button
#   clicked from a script would race the text's commit (React sends it after rendering);
# - Streamlit merges commits that arrive while the server is busy (the wall redraws every 2 s): the newest
#   value of a field wins, so a note sent as a field's value could be overwritten by the next one.
# So Enter appends the note (with an id and the author) to a hidden "outbox" field that always holds the
# last OUTBOX_KEPT notes: its newest value carries every note not yet stored, the server stores each id once.
# The note field is emptied at once, before React sees the Enter: the next note can be typed straight away.
ENTER_ADDS_JS = """
(() => {
  if (window.__spiraleEnterAdds) return;
  window.__spiraleEnterAdds = true;
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
  const type = (field, value) => {
    setValue.call(field, value);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  };
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing || event.shiftKey) return;
    const field = event.target;
    if (!(field instanceof HTMLInputElement) || !field.closest('[class*="st-key-note_text_"]')) return;
    const entry = field.closest('[class*="st-key-note_entry_"]');
    const outbox = entry && entry.querySelector('[class*="st-key-note_outbox_"] input');
    const author = entry && entry.querySelector('[class*="st-key-note_author_"] input');
    if (!outbox || !field.value.trim()) return;
    let notes = [];
    try { notes = JSON.parse(outbox.value || "[]"); } catch (error) { notes = []; }
    const id = Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
    notes.push({ id: id, text: field.value, author: author ? author.value : "" });
    type(outbox, JSON.stringify(notes.slice(-OUTBOX_KEPT)));
    type(field, "");
  }, true);
})();
""".replace("OUTBOX_KEPT", str(OUTBOX_KEPT))
ENTRY_CSS = '[class*="st-key-note_outbox_"] { display: none; }'


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word's end with an ellipsis (the whole text stays on demand)."""
    if len(text) <= limit:
        return text
    cut = text[: max(1, limit - 1)]
    space = cut.rfind(" ")
    if space >= limit // 2:  # a word boundary not too far back; else one very long word is cut
        cut = cut[:space]
    return cut.rstrip(" ,;:.-–—") + "…"


def question_text(wordings: dict[str, dict[str, str]], question: str) -> str:
    """A question's words in the reader's language, as they are (for escaped HTML)."""
    return wordings[question].get(shell.lang()) or t(f"question.{question}.text")


def wording(wordings: dict[str, dict[str, str]], question: str) -> str:
    """A question's words in the reader's language, ready for a Markdown place (shown literally)."""
    return shell.md_escape(question_text(wordings, question))


def question_header(question: str, wordings: dict[str, dict[str, str]]) -> None:
    st.markdown(f"**{t('question.' + question + '.short')}**")
    st.caption(wording(wordings, question))


@st.fragment(key=ENTRY_FRAGMENT)
def note_entry(project_id: int, group_id: int, wordings: dict[str, dict[str, str]]) -> None:
    """The three questions' fast entry, side by side; a typing pause reruns this alone, not the page."""
    st.html(
        f"<style>{ENTRY_CSS}</style><script>{ENTER_ADDS_JS}</script>", unsafe_allow_javascript=True, width="content"
    )
    for column, question in zip(st.columns(len(QUESTIONS)), QUESTIONS, strict=True):
        with column:
            question_header(question, wordings)
            entry(project_id, group_id, question)


def entry(project_id: int, group_id: int, question: str) -> None:
    """Who says it (optional), then the idea; Enter adds it and the cursor stays for the next one."""
    if st.session_state.pop(f"note_added_{question}", False):
        # Emptied here, before the fields are drawn, so the browser is told to show them empty.
        st.session_state[f"note_text_{question}"] = ""
        st.session_state[f"note_author_{question}"] = ""
    store = {"project_id": project_id, "group_id": group_id, "question": question}
    with st.container(key=f"note_entry_{question}", gap="small"):
        st.text_input(
            t("step1.author"),
            key=f"note_author_{question}",
            max_chars=60,
            placeholder=t("step1.author"),
            label_visibility="collapsed",  # the wall, not the entry, should fill the projected screen
        )
        draft = st.text_input(
            t("step1.note"),
            key=f"note_text_{question}",
            max_chars=NOTE_MAX,
            live=ENTRY_LIVE,
            placeholder=t("step1.note_hint"),
            label_visibility="collapsed",
        )
        with st.container(key=f"note_outbox_{question}"):
            st.text_input(
                t("step1.note"),
                key=f"note_outbox_{question}_notes",
                live="0ms",  # each Enter's outbox goes to the server at once
                on_change=_outbox,
                kwargs=store,
                label_visibility="collapsed",
            )
        st.button(
            t("step1.add"), key=f"note_add_{question}", type="primary", width="stretch", on_click=_add, kwargs=store
        )
    refusal = st.session_state.get(f"note_refusal_{question}")  # shown until the next attempt
    if refusal:
        shell.show_error(refusal[0])
        st.text(t("step1.not_added", text=refusal[1]))  # what was typed, literally: nothing is lost
    draft = draft or ""
    full_note(draft)
    last = st.session_state.get(f"last_note_{question}")
    if draft.strip():
        similar_list(similar_notes(project_id, group_id, draft))
    elif last and last[0] == group_id:
        similar_list(similar_notes(project_id, group_id, last[2], exclude_id=last[1]))


def outbox_notes(raw: str) -> list[tuple[str, str, str]]:
    """(id, text, author) of each note in an outbox's value; anything malformed is left out."""
    try:
        notes = json.loads(raw or "[]")
    except ValueError:
        return []
    if not isinstance(notes, list):
        return []
    return [
        (note["id"], note["text"], note.get("author") or "")
        for note in notes[-OUTBOX_KEPT:]
        if isinstance(note, dict)
        and isinstance(note.get("id"), str)
        and 0 < len(note["id"]) <= 40
        and isinstance(note.get("text"), str)
        and isinstance(note.get("author") or "", str)
    ]


def _outbox(*, project_id: int, group_id: int, question: str) -> None:
    """Store each note of the outbox not stored yet (the outbox resends the last ones every time)."""
    st.session_state.pop(f"note_refusal_{question}", None)
    done: set[str] = st.session_state.setdefault(f"note_done_{question}", set())
    fresh = [n for n in outbox_notes(st.session_state.get(f"note_outbox_{question}_notes", "")) if n[0] not in done]
    done.update(note_id for note_id, _, _ in fresh)
    stored = [_store(project_id, group_id, question, text, author) for _, text, author in fresh]
    if any(stored):
        st.rerun([WALL_FRAGMENT, ENTRY_FRAGMENT])  # the wall first: the note is up at once


def _add(*, project_id: int, group_id: int, question: str) -> None:
    """The Add button: the note and author as the fields hold them."""
    st.session_state.pop(f"note_refusal_{question}", None)
    text = st.session_state.get(f"note_text_{question}") or ""
    if _store(project_id, group_id, question, text, st.session_state.get(f"note_author_{question}") or ""):
        st.rerun([WALL_FRAGMENT, ENTRY_FRAGMENT])


def _store(project_id: int, group_id: int, question: str, text: str, author: str) -> bool:
    """Add one note; a refusal is kept to be shown in the entry, with the text, so nothing typed is lost."""

    def keep(error: SpiraleError) -> None:
        st.session_state[f"note_refusal_{question}"] = (error, text)

    ok, added = shell.attempt(
        service.add_criterion,
        on_refusal=keep,
        project_id=project_id,
        group_id=group_id,
        question=question,
        text=text,
        author=author,
    )
    if not ok:
        return False
    # Not emptied here: values set in a callback that reruns named fragments never reach the browser.
    st.session_state[f"note_added_{question}"] = True
    st.session_state[f"last_note_{question}"] = (group_id, added.id, added.text)
    return True


def full_note(draft: str) -> None:
    """At NOTE_MAX characters the field stops (or the note is refused): say so while typing."""
    if len(draft) >= NOTE_MAX:
        st.warning(t("step1.note_full", maximum=NOTE_MAX), icon="✂️")


def wall_watch(project_id: int, group_id: int, controls: Callable[[int, int], None] | None = None) -> None:
    """Draw the wall, and the one-second watch that redraws it (and nothing else) when something changed.

    `controls(project_id, group_id)` draws above the wall, redrawn with it (the presentation's screens)."""
    _wall_watch(project_id, group_id)
    live_wall(project_id, group_id, controls)


@st.fragment(run_every=WALL_WATCH_SECONDS)
def _wall_watch(project_id: int, group_id: int) -> None:
    """Every second, one cheap read ("what changed since"); when it moved, the wall's hidden refresh is clicked.

    A fragment's body cannot rerun another fragment, and a ticking wall would redraw its hundreds of widgets
    every second: so only this draws on every tick, and only a click reruns the wall (a widget's rerun stays
    in its fragment). The click is asked again if the wall has not followed after a few seconds.
    """
    with shell.read_session() as session:
        changed = service.wall_change(session=session, project_id=project_id, group_id=group_id)
    drawn = st.session_state.get(WALL_SEEN_KEY)
    asked = st.session_state.get(WALL_ASKED_KEY)
    if drawn is None or drawn == (group_id, changed) or changed is None:
        return
    if asked and asked[0] == (group_id, changed) and time.monotonic() - asked[1] < WALL_ASK_AGAIN_SECONDS:
        return
    st.session_state[WALL_ASKED_KEY] = ((group_id, changed), time.monotonic())
    nonce = json.dumps(f"{group_id}-{time.monotonic()}")
    st.html(
        f"<script>/* {nonce} */ (() => {{ const b = document.querySelector('{WALL_REFRESH_BUTTON}');"
        " if (b) b.click(); })();</script>",
        unsafe_allow_javascript=True,
        width="content",
    )


@st.fragment(key=WALL_FRAGMENT)
def live_wall(project_id: int, group_id: int, controls: Callable[[int, int], None] | None = None) -> None:
    """The group's notes by question, counts, reveal, countdown and authors; redrawn alone, not the page."""
    st.html(f"<style>{WALL_CSS}</style>")
    st.button("↻", key=WALL_REFRESH_KEY)  # clicked by the watch when something changed (hidden)
    if controls is not None:
        controls(project_id, group_id)
    with shell.read_session() as session:
        changed = service.wall_change(session=session, project_id=project_id, group_id=group_id)
        group = service.get_group(session=session, project_id=project_id, group_id=group_id)
        written = service.list_criteria(session=session, project_id=project_id, group_id=group_id)
        authors = service.count_by_author(session=session, project_id=project_id, group_id=group_id)
        veils = service.wall_veils(session=session, project_id=project_id, group_id=group_id)
    st.session_state[WALL_SEEN_KEY] = (group_id, changed)
    if refusal := st.session_state.pop(WALL_REFUSAL_KEY, None):
        shell.show_error(refusal)
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
            veil_control(project_id, group_id, question, veils[question])
            countdown(group, question)
            for criterion in reversed(answers):
                note_card(project_id, criterion, close.get(str(criterion.id), 0))
    author_counts(authors)
    validated = sum(c.status == VALIDATED for c in written)
    st.caption(t("step1.counts", total=len(written), validated=validated))


def veil_control(project_id: int, group_id: int, question: str, veiled: bool) -> None:
    """Individual, then collective: the question's notes hidden on the presentation until revealed.

    One key whatever the state, so the button changes in place (a new key could leave the old one drawn).
    """
    if veiled:
        st.caption(t("step1.veil.on"))
    st.button(
        t("step1.veil.reveal") if veiled else t("step1.veil.hide"),
        key=f"veil_{question}",
        icon="👁️" if veiled else "🙈",
        type="primary" if veiled else "tertiary",
        help=None if veiled else t("step1.veil.help"),
        on_click=_veil,
        kwargs={"project_id": project_id, "group_id": group_id, "question": question, "veiled": not veiled},
    )


def _veil(**params: Any) -> None:
    shell.attempt(service.set_veil, on_refusal=_keep_refusal, **params)


def _moderate(action: Callable[..., Any], criterion_id: int, project_id: int) -> None:
    account = access.current_account()
    shell.attempt(
        action,
        on_refusal=_keep_refusal,
        project_id=project_id,
        criterion_id=criterion_id,
        account_id=account.id if account else None,
    )


def _keep_refusal(error: SpiraleError) -> None:
    st.session_state[WALL_REFUSAL_KEY] = error


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


def note_html(criterion: CriterionRead, close: int = 0, *, moderated: bool = False) -> str:
    """A note as a card; a long one shortened at a word's end, its whole text a click away.

    `moderated`: the facilitator's view, which says when a note is hidden from the presentation.
    """
    badge = "✅ " if criterion.status == VALIDATED else ""
    if close:
        label = shell.escape(t("step1.close_notes", count=close))
        badge += f"<span class='spirale-close' title='{label}' aria-label='{label}'>🤝{close}</span> "
    hidden = moderated and criterion.hidden_at is not None
    if hidden:
        badge = f"<span class='spirale-hidden-mark'>{shell.escape(t('step1.hidden_mark'))}</span><br>" + badge
    written = (
        f"<div style='opacity:.6;font-size:.8em'>{shell.escape(t('step1.written', text=criterion.text))}</div>"
        if criterion.corrected_text
        else ""
    )
    text = criterion.shown_text
    short = shorten(" ".join(text.split()), WALL_NOTE_SHOWN)
    body = (
        shell.escape(text)
        if short == " ".join(text.split())
        else f"<details><summary title='{shell.escape(t('step1.whole_text'))}'>{shell.escape(short)}</summary>"
        f"{shell.escape(text)}</details>"
    )
    return (
        f"<div class='spirale-note{' spirale-hidden' if hidden else ''}' data-testid='note' "
        f"style='background:{QUESTION_COLOURS[criterion.question]};"
        f"border:1px solid #555;border-radius:6px;padding:.5em .7em;color:#111'>"
        f"{badge}{body}{written}</div>"
    )


def note_card(project_id: int, criterion: CriterionRead, close: int = 0) -> None:
    st.html(note_html(criterion, close, moderated=True))
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
        hidden = criterion.hidden_at is not None
        st.button(
            t("step1.show_note") if hidden else t("step1.hide_note"),
            key=f"moderate_{criterion.id}",  # one key: the button changes in place
            icon="👁️" if hidden else "🙈",
            type="tertiary",
            help=None if hidden else t("step1.hide_note_help"),
            on_click=_moderate,
            args=(service.show_criterion if hidden else service.hide_criterion, criterion.id, project_id),
        )
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
    """The notes of the group closest to `text`, closest first (only those that share an idea).

    In a server's first seconds, waits a little for the model rather than show nothing (typed text is safe
    meanwhile: the browser keeps what is typed during a run).
    """
    if not text.strip():
        return []
    warm_up().join(timeout=SIMILAR_WAIT_SECONDS)
    with shell.read_session() as session:
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


def presentation_address(project_id: int, group_id: int | None = None, *, view: str | None = None) -> str:
    """The presentation's address (relative: it works behind a proxy's path too), naming what it shows."""
    params = {"projet": project_id} | ({"groupe": group_id} if group_id is not None else {})
    return "presentation?" + urlencode(params | ({"vue": view} if view else {}) | {"langue": shell.lang()})


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
        if settings.unreachable_by_phones(link):
            st.warning(t("step1.join.local", variable=settings.PUBLIC_URL_VARIABLE), icon="📵")
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
