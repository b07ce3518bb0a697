"""What every participant's phone page shares: a narrow layout with big buttons, and the language choice."""

import streamlit as st

from ui import shell
from ui.sidebar import LANGUAGE_NAMES
from workshop import settings

PHONE_CSS = """
[data-testid="stMainBlockContainer"] { max-width: 34rem; padding-top: 1.5rem; }
.stButton button, .stFormSubmitButton button { min-height: 3rem; font-size: 1.1rem; }
"""


def phone_page(*, extra_css: str = "", language_key: str) -> str:
    """Lay the page out for a phone and draw the language choice; return the language chosen."""
    st.html(f"<style>{PHONE_CSS}{extra_css}</style>")
    language = st.segmented_control(
        "Langue / Language",
        settings.LANGUAGES,
        default=shell.lang(),
        format_func=LANGUAGE_NAMES.get,
        required=True,
        key=language_key,
        label_visibility="collapsed",
    )
    st.session_state[shell.LANG_KEY] = language
    return language
