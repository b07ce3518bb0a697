"""Streamlit's own English said in our words: every text the page script rewrites has both languages."""

import json
import re

from ui import streamlit_texts
from workshop import i18n


def test_every_streamlit_text_has_a_catalog_entry_in_both_languages():
    catalog = i18n.catalog()
    keys = set(streamlit_texts.WORDS.values()) | {key for _, key in streamlit_texts.PATTERNS}
    assert sorted(keys - set(catalog)) == []
    for _, key in streamlit_texts.PATTERNS:
        assert "{label}" in catalog[key]["fr"] and "{label}" in catalog[key]["en"], key


def test_the_french_words_replace_streamlits_english():
    config = streamlit_texts.script_config("fr")
    assert config["lang"] == "fr"
    assert config["words"]["Show password"] == "Afficher le mot de passe"
    assert config["words"]["Choose an option"] == i18n.translate("shell.choose", "fr")
    assert config["dates"] == {"dd": "jj", "jj": "jj", "mm": "mm", "yyyy": "aaaa", "aaaa": "aaaa"}
    help_for = dict(config["patterns"])[r"^Help for (.+)$"]
    assert help_for.replace("{label}", "Mode projecteur") == "Aide : Mode projecteur"
    for source, _ in streamlit_texts.PATTERNS:  # each pattern reads Streamlit's English and keeps its label
        assert re.compile(source).groups == 1


def test_english_gives_back_streamlits_words_and_the_typed_date_parts():
    config = streamlit_texts.script_config("en")
    assert config["dates"]["jj"] == "dd" and config["dates"]["aaaa"] == "yyyy"
    assert config["words"]["Page not found"] == "Page not found"


def test_the_script_survives_streamlits_sanitizer():
    """DOMPurify drops a script whose text holds '<' before a letter, '/' or '!': none in ours, whatever the words."""
    for lang in ("fr", "en"):
        page = streamlit_texts.script(lang)
        inner = page.removeprefix("<script>").removesuffix("</script>")
        assert page.startswith("<script>") and page.endswith("</script>")
        assert re.search(r"<[/\w!]", inner) is None
        start = inner.index("const config = ") + len("const config = ")
        config = json.JSONDecoder().raw_decode(inner[start:])[0]
        assert config == json.loads(json.dumps(streamlit_texts.script_config(lang)))


def test_every_data_editor_leaves_an_empty_cell_empty():
    """Streamlit draws a missing value as "None" unless told otherwise (on a canvas no page test can read)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    calls = [
        (path.name, node.lineno, {k.arg for k in node.keywords})
        for path in [*root.glob("pages/*.py"), *root.glob("ui/*.py")]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "data_editor"
    ]
    assert len(calls) >= 2
    assert [(name, line) for name, line, keywords in calls if "placeholder" not in keywords] == []
