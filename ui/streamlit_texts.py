"""Streamlit's own English texts, said in the user's language where Streamlit 1.67 has no option for them.

Which way for which text (issue 16), the least fragile one each time:
- Streamlit's menu and toolbar: `client.toolbarMode = "viewer"` (.streamlit/config.toml).
- Selectbox and multiselect placeholders ("Choose an option"): our own label, `placeholder=t("shell.choose")`.
- The file uploader's button ("Upload") and its line ("200MB per file • CSV"), and the text fields' hints
  ("Press Enter to submit form", "Press Enter to apply", "Press Ctrl+Enter to apply"): Streamlit takes no
  text for them, so a CSS rule hides its words and shows ours in their place. The caption above each uploader
  gives its formats and our size limit, which Streamlit's line would contradict (it says 200 MB).
  The rules key on Streamlit's test ids (stable across releases, used by its own tests); if an upgrade
  renames them, Streamlit's English comes back, never a blank: tests/browser/test_language.py notices.
"""

import streamlit as st

from ui.shell import t

UPLOADER = '[data-testid="stFileUploaderDropzone"]'
HINTS = '[data-testid="InputInstructions"] > span:first-child'


def _css_text(text: str) -> str:
    """A catalog text as a CSS string (quotes and backslashes escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def css() -> str:
    button, line = _css_text(t("streamlit.upload_button")), _css_text(t("streamlit.upload_line"))
    enter, ctrl_enter = _css_text(t("streamlit.enter")), _css_text(t("streamlit.ctrl_enter"))
    # Streamlit's words take no room and are hidden from screen readers (visibility); ours are written by their
    # visible parent, so that they are also the button's spoken name (a hidden element's ::after is not read).
    hidden = "font-size: 0 !important; visibility: hidden;"
    instructions = '[data-testid="stFileUploaderDropzoneInstructions"]'
    return f"""<style>
{UPLOADER} button [data-testid="stMarkdownContainer"] p {{ {hidden} }}
{UPLOADER} button [data-testid="stMarkdownContainer"]::after {{ content: {button}; font-size: 0.875rem; }}
{instructions} span {{ {hidden} }}
{instructions} > div::after {{ content: {line}; font-size: 0.875rem; }}
{HINTS} {{ {hidden} }}
[data-testid="InputInstructions"]::before {{ content: {enter}; font-size: 0.75rem; }}
[data-testid="stTextArea"] [data-testid="InputInstructions"]::before {{ content: {ctrl_enter}; }}
</style>"""


def apply() -> None:
    """Once per run, from the router: every page gets the rules in the language shown."""
    st.html(css())
