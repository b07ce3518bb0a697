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
- Streamlit's screen-reader names, tooltips and a few texts it writes itself (WORDS, PATTERNS below: "Close",
  "Show password", "Help for …", "Page not found", a date field's "dd/mm/yyyy"...) and `<html lang>`: a small
  script (streamlit_texts.js) rewrites them as Streamlit draws them, each node keeping its English so that a
  switch back restores it. It skips Markdown, tables, options, tags and fields, where our and people's texts
  are. tests/browser/test_every_page.py reads every page in both languages and fails on a leak.
"""

import json
from pathlib import Path

import streamlit as st

from ui.shell import lang, t
from workshop import i18n

# Streamlit 1.67's English (its frontend bundle, and plotly's chart toolbar) -> our catalog key.
WORDS = {
    "Close": "streamlit.close",
    "Open": "streamlit.open",
    "Main menu": "streamlit.main_menu",
    "Sidebar": "streamlit.sidebar",
    "Collapse sidebar": "streamlit.collapse_sidebar",
    "Expand sidebar": "streamlit.expand_sidebar",
    "App pages": "streamlit.app_pages",
    "Navigate to home page": "streamlit.home_page",
    "Skip to main content": "streamlit.skip_to_content",
    "Link to heading": "streamlit.link_to_heading",
    "Show password": "streamlit.show_password",
    "Hide password": "streamlit.hide_password",
    "Increment": "streamlit.increment",
    "Decrement": "streamlit.decrement",
    "Choose date": "streamlit.choose_date",
    "Previous month": "streamlit.previous_month",
    "Next month": "streamlit.next_month",
    "Empty": "streamlit.empty",
    "Clear value": "streamlit.clear_value",
    "Clear all": "streamlit.clear_all",
    "Clear date": "streamlit.clear_date",
    "Selected values": "streamlit.selected_values",
    "Selectbox options": "streamlit.options",
    "Choose an option": "shell.choose",
    "Choose options": "streamlit.choose_options",
    "No options to select": "streamlit.no_options",
    "No options to select.": "streamlit.no_options",
    "No results": "streamlit.no_results",
    "file upload": "streamlit.file_upload",
    "Add files": "streamlit.add_files",
    "Help": "streamlit.help",
    "Show/hide columns": "streamlit.columns",
    "Download as CSV": "streamlit.download_csv",
    "Search": "streamlit.search",
    "Close Search": "streamlit.close_search",
    "Fullscreen": "streamlit.fullscreen",
    "Close fullscreen": "streamlit.close_fullscreen",
    "Copy to clipboard": "streamlit.copy",
    "Scroll tabs left": "streamlit.tabs_left",
    "Scroll tabs right": "streamlit.tabs_right",
    "Running...": "streamlit.running",
    "Notifications": "streamlit.notifications",
    "Page not found": "streamlit.page_not_found",
    "The page that you have requested does not seem to exist. Running the app's main page.": "streamlit.page_missing",
    "Download plot as a PNG": "streamlit.plot_png",
    "Download plot as a png": "streamlit.plot_png",
    "Zoom": "streamlit.plot_zoom",
    "Pan": "streamlit.plot_pan",
    "Box Select": "streamlit.plot_box",
    "Lasso Select": "streamlit.plot_lasso",
    "Zoom in": "streamlit.plot_zoom_in",
    "Zoom out": "streamlit.plot_zoom_out",
    "Autoscale": "streamlit.plot_autoscale",
    "Reset axes": "streamlit.plot_reset",
    "Reset view": "streamlit.plot_reset_view",
    "Produced with Plotly.js": "streamlit.plot_made",
    "streamlit_sortables.sortable_items": "streamlit.drag_board",  # a component's frame is named by its module
}
# English that holds one of our labels, as a regular expression whose group is that label -> a key with {label}.
PATTERNS = [
    (r"^Help for (.+)$", "streamlit.help_for"),
    (r"^Remove (.+)$", "streamlit.remove"),
    (r"^day, (.+)$", "streamlit.day_of"),
    (r"^month, (.+)$", "streamlit.month_of"),
    (r"^year, (.+)$", "streamlit.year_of"),
    (r"^You have requested page (.+), but no corresponding file was found in the app's pages/ directory\. "
     r"Running the app's main page\.$", "streamlit.page_missing_named"),
]
# A date field's empty parts, as typed in each language (workshop.formats.DATE_INPUT: DD/MM/YYYY).
DATE_PARTS = {"fr": {"dd": "jj", "mm": "mm", "yyyy": "aaaa"}, "en": {"dd": "dd", "mm": "mm", "yyyy": "yyyy"}}
SCRIPT = (Path(__file__).with_name("streamlit_texts.js")).read_text(encoding="utf-8")

UPLOADER = '[data-testid="stFileUploaderDropzone"]'
HINTS = '[data-testid="InputInstructions"] > span:first-child'
# A button's label wraps in a narrow column rather than ending in "…" ("Open the presentati…" in English).
BUTTON_LABELS = ", ".join(
    f'[data-testid^="{kind}"] [data-testid="stMarkdownContainer"], [data-testid^="{kind}"] p'
    for kind in ("stBaseButton", "stBaseLinkButton")
)


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
{BUTTON_LABELS} {{ white-space: normal !important; text-overflow: clip !important; overflow: visible !important; }}
</style>"""


def script_config(language: str) -> dict:
    """What the script needs: the language, then each English text and pattern with the words to show."""
    words = {english: i18n.translate(key, language) for english, key in WORDS.items()}
    patterns = [(source, i18n.translate(key, language, label="{label}")) for source, key in PATTERNS]
    dates = {shown: DATE_PARTS[language][english] for parts in DATE_PARTS.values() for english, shown in parts.items()}
    return {"lang": language, "words": words, "patterns": patterns, "dates": dates}


def script(language: str) -> str:
    """The script with its words; it holds only our catalog's words, nothing a person typed."""
    # No "<" in the script's text: Streamlit's sanitizer (DOMPurify) drops a script that holds "<" before a letter.
    config = json.dumps(script_config(language), ensure_ascii=False).replace("<", "\\u003c")
    return "<script>" + SCRIPT.replace("SPIRALE_TEXTS", config) + "</script>"


def apply() -> None:
    """Once per run, from the router: every page gets the rules and the script in the language shown.

    The script is drawn in the sidebar, present (if folded) on every page: the rules alone take no room, a
    script would leave a gap at the top of the page.
    """
    st.html(css())
    st.sidebar.html(script(lang()), unsafe_allow_javascript=True)
