"""The translation catalog: both languages for every key, and every key used in the code exists."""

import re
from pathlib import Path

from workshop import i18n

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    p
    for folder in ("pages", "ui", "participants", "workshop", "groups", "indicators", "surveys", "actions", "demo")
    for p in (ROOT / folder).glob("*.py")
] + [ROOT / "router.py", ROOT / "app.py"]


def test_every_key_has_french_and_english():
    for key, entry in i18n.catalog().items():
        assert set(entry) == {"fr", "en"}, key
        assert entry["fr"].strip() and entry["en"].strip(), key


def test_placeholders_match_between_languages():
    for key, entry in i18n.catalog().items():
        assert set(re.findall(r"{(\w+)}", entry["fr"])) == set(re.findall(r"{(\w+)}", entry["en"])), key


def test_every_literal_key_in_the_code_is_in_the_catalog():
    used = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'\bt\("([a-z0-9_.-]+)"', text))
        used |= set(re.findall(r'SpiraleError\("([a-z0-9_.-]+)"', text))
    missing = sorted(used - set(i18n.catalog()))
    assert missing == []
    assert len(used) > 100


def test_translate_formats_and_falls_back():
    assert i18n.translate("step1.validated", "en", count=3) == "3 note(s) validated"
    assert i18n.translate("step1.validated", "fr", count=3) == "3 post-it(s) validé(s)"
    assert i18n.translate("no.such.key", "fr") == "no.such.key"


def test_numbers_in_a_message_are_written_as_the_language_does():
    """Counts and decimals given to any message: "3 270" and "2,5" in French, "3,270" and "2.5" in English."""
    import numpy as np

    assert i18n.translate("step1.validated", "fr", count=3270) == "3\u202f270 post-it(s) validé(s)"
    assert i18n.translate("step1.validated", "en", count=np.int64(3270)) == "3,270 note(s) validated"
    assert i18n.translate("step1.validated", "fr", count=2.5) == "2,50 post-it(s) validé(s)"
    assert i18n.translate("step1.validated", "fr", count="A12") == "A12 post-it(s) validé(s)"  # a text stays
