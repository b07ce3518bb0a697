"""The app's shell: language, current project, projector mode, error display. Pages call these."""

import html
import re
from collections.abc import Callable
from typing import Any

import streamlit as st

from workshop import backup, database, i18n, memory, settings
from workshop.errors import Message, SpiraleError

LANG_KEY = "lang"
PROJECT_KEY = "project_id"
PROJECTOR_KEY = "projector"
PROJECT_CHOICE_KEY = "project_choice"  # the sidebar's project picker
FLASH_KEY = "_flash"
_PROJECTOR_APPLIED_KEY = "_projector_applied"  # the mode the sidebar was last folded or unfolded for


def lang() -> str:
    return st.session_state.get(LANG_KEY) or settings.default_language()


def t(key: str, **params: Any) -> str:
    return i18n.translate(key, lang(), **params)


def show_error(error: SpiraleError) -> None:
    st.error(t(error.key, **{k: _plain(v) for k, v in error.params.items()}), icon="⚠️")


def _plain(value: object) -> object:
    if isinstance(value, (Message, SpiraleError)):
        return value  # translated by i18n with the message that holds it
    if isinstance(value, (list, tuple, set)):
        return ", ".join(map(str, value))
    return value if isinstance(value, (int, float)) else str(value)  # a number: written as the language writes it


def start_database() -> None:
    """Reach and migrate the database once per process; a clear message instead of a stack trace."""
    try:
        database.prepare()
    except SpiraleError as error:
        show_error(error)
        st.info(t("error.database_hint", variable=settings.DATABASE_URL_VARIABLE))
        st.stop()
    backup.start_scheduler()  # once per process: automatic backups every SPIRALE_BACKUP_EVERY_MINUTES
    memory.start_collector()  # once per process: a full collection a minute (Streamlit's after every run is off)


def session():  # noqa: ANN201 - a context manager yielding a Session
    return database.session_scope()


def read_session():  # noqa: ANN201 - a context manager yielding a Session
    """For a block that only reads: takes no writer's turn, so it never waits behind a phone's send.

    Any write in it (an added or changed row, an UPDATE) raises: use session() for those.
    """
    return database.read_scope()


WRITE = "write"  # attempt's default: the call runs in a session that commits


def attempt(
    action: Callable[..., Any],
    /,
    *,
    opens: Any = WRITE,
    on_refusal: Callable[[SpiraleError], None] | None = None,
    flash: str | Callable[[Any], str] | None = None,
    rerun: bool = False,
    **params: Any,
) -> tuple[bool, Any]:
    """The one way a page calls a service that may refuse: (True, its result), or (False, None) once the
    refusal is shown in the user's language.

    `opens` is the session the call runs in: a writing one (the default, committed before this returns),
    `read_session` for a read that may be refused, or None for a call without the database (a file, a
    setting). `on_refusal` replaces showing the refusal at once, e.g. to keep it for the next drawing.
    Only after the commit: `flash` (a message, or a function of the result) waits for the next run's toast,
    and `rerun` reruns. st.rerun() raises a BaseException, so inside the session it would skip the commit
    and lose the write while the screen says it was saved (tests/test_control_flow.py).
    """
    try:
        if opens is None:
            result = action(**params)
        else:
            with session() if opens is WRITE else opens() as opened:
                result = action(session=opened, **params)
    except SpiraleError as error:
        (on_refusal or show_error)(error)
        return False, None
    if flash is not None:  # the parameter hides the function of that name: its one line, here
        st.session_state[FLASH_KEY] = flash(result) if callable(flash) else flash
    if rerun:
        st.rerun()
    return True, result


def choose_later(key: str, value: Any) -> None:
    """Give the widget keyed `key` this value on the next run (a drawn widget's key cannot be set in its run).

    Setting a widget's key after it is drawn raises StreamlitAPIException; popping it is undone by the
    browser, which sends the widget's old value back. So the value waits under another key, and
    `settle_choice(key)` gives it to the widget before it is drawn again.
    """
    st.session_state[f"_next_{key}"] = value


def settle_choice(key: str) -> None:
    """Before drawing the widget keyed `key`: the value `choose_later` left for it, if any."""
    pending = f"_next_{key}"
    if pending in st.session_state:
        st.session_state[key] = st.session_state.pop(pending)


def make_current(project_id: int, message: str) -> None:
    """The project just created, loaded or imported becomes the current one, with a message that says so.

    Call st.rerun() after it (outside any session block): the navigation and the picker follow next run.
    """
    st.session_state[PROJECT_KEY] = project_id
    choose_later(PROJECT_CHOICE_KEY, project_id)
    flash(message)


def flash(message: str) -> None:
    """A message for the next run, shown whatever the page (a toast before st.rerun() would be lost with it)."""
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    """The message left by the run before a rerun (a toast, so it stays a few seconds whatever the page)."""
    if message := st.session_state.pop(FLASH_KEY, None):
        st.toast(message, icon="✅")


def project_id() -> int | None:
    return st.session_state.get(PROJECT_KEY)


def require_project() -> int:
    """The current project's id, or a message and a stop when none is chosen yet."""
    current = project_id()
    if current is None:
        st.info(t("project.choose_first"))
        st.page_link("pages/home.py", label=t("nav.home"), icon="🏠")
        st.stop()
    return current


def projector_on() -> bool:
    return bool(st.session_state.get(PROJECTOR_KEY, False))


# Large type for the room, and a sidebar wide enough for its labels at that size: they wrap, never cut
# ("Se déconnect/er", "Proposer des regroupe…"). Streamlit's menu, toolbar and status stay out of view; the
# header stays for its one button that opens the sidebar again (collapsed when the mode is switched on).
PROJECTOR_CSS = """<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 24px; }
[data-testid="stAppViewContainer"], [data-testid="stMain"] { background: #ffffff; color: #000000; }
[data-testid="stHeader"] { background: transparent; }
[data-testid="stToolbarActions"], [data-testid="stMainMenu"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], footer { display: none !important; }
.stMarkdown p, label, .stTextInput input, button p { font-size: 1.25rem !important; }
h1 { font-size: 3rem !important; } h2 { font-size: 2.3rem !important; }
.spirale-note { font-size: 1.5rem !important; border-width: 3px !important; }
[data-testid="stSidebar"]:not([data-collapsed="true"]) { width: 21rem !important; min-width: 21rem !important;
  max-width: 21rem !important; }
[data-testid="stSidebar"] [data-testid="stSidebarNavLink"] *, [data-testid="stSidebar"] header *,
[data-testid="stSidebarNavSeparator"] *, [data-testid="stNavSectionHeader"], [data-testid="stNavSectionHeader"] *,
button p, [data-testid="stLinkButton"] p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: normal !important; word-break: normal !important; hyphens: manual !important; }
[data-testid="stSidebarNavLink"] { height: auto !important; min-height: 2.5rem; }
/* A colour emoji (Noto, Apple, Segoe) is a little wider than Streamlit's square icon box: let it have its width. */
[data-testid="stIconEmoji"] { width: auto !important; min-width: 1em; overflow: visible !important; }
[data-testid="stSidebar"] button p, [data-testid="stSidebar"] label p { font-size: 1rem !important; }
</style>"""


def apply_projector_mode() -> None:
    """Large type, strong contrast and little Streamlit chrome, readable from the back of the room.

    The room's own screen is the presentation (pages/present.py), which has no sidebar at all; here the
    facilitator's page is projected as it is, its sidebar folded away when the mode is switched on.
    """
    on = projector_on()
    if on != st.session_state.get(_PROJECTOR_APPLIED_KEY, False):
        st.session_state[_PROJECTOR_APPLIED_KEY] = on
        st.set_page_config(initial_sidebar_state="collapsed" if on else "expanded")
    if on:
        st.html(PROJECTOR_CSS)


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")


def md_escape(text: str) -> str:
    """User text in a place where Streamlit renders Markdown (titles, captions, labels): shown literally."""
    return _MARKDOWN.sub(r"\\\1", text)


def escape(text: str) -> str:
    """User text inside our HTML: always shown literally, never rendered."""
    return html.escape(text, quote=True).replace("\n", "<br>")
