"""Browser cookies: how a login or a phone's participant token outlives a reload.

Streamlit reads the cookies once, when a browser session connects (`st.context.cookies`), and
cannot set them; a short script in the page (not iframed) writes them. Values are our own
random tokens (URL-safe characters only), never user text.
"""

import json
import re

import streamlit as st

_SAFE = re.compile(r"^[A-Za-z0-9_\-.]{1,200}$")


def read(name: str) -> str | None:
    """The cookie this browser sent when the session connected (None if absent or not one of ours)."""
    value = st.context.cookies.get(name)  # under AppTest, a stand-in object rather than a string
    return value if isinstance(value, str) and _SAFE.match(value) else None


def write(name: str, value: str, *, max_age_seconds: int) -> None:
    """Ask the browser to keep `name=value` for the whole site; takes effect once this run is shown."""
    if not (_SAFE.match(name) and _SAFE.match(value)):
        raise ValueError("cookie names and values are tokens of ours")
    _script(f"{name}={value}; path=/; max-age={int(max_age_seconds)}; SameSite=Strict")


def forget(name: str) -> None:
    if not _SAFE.match(name):
        raise ValueError("cookie names are ours")
    _script(f"{name}=; path=/; max-age=0; SameSite=Strict")


def _script(cookie: str) -> None:
    # `Secure` whenever the app is served over HTTPS, so the token never travels in clear.
    st.html(
        "<script>document.cookie = "
        f"{json.dumps(cookie)} + (location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
        width="content",
    )
