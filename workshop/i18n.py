"""One translation catalog (data/translations.json): every visible string, in French and English."""

import json
import numbers
from functools import cache
from typing import Any

from workshop import settings
from workshop.errors import Message, SpiraleError

CATALOG_FILE = settings.DATA_DIR / "translations.json"


@cache
def catalog() -> dict[str, dict[str, str]]:
    with CATALOG_FILE.open(encoding="utf-8") as handle:
        return json.load(handle)


def translate(key: str, lang: str, /, **params: Any) -> str:
    """The text for a key in a language (French as the fallback); the key itself if it is unknown."""
    entry = catalog().get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry.get("fr") or key
    if not params:
        return text
    nested = (Message, SpiraleError)  # a message inside a message: in the same language
    params = {k: translate(v.key, lang, **v.params) if isinstance(v, nested) else _shown(v, lang)
              for k, v in params.items()}  # fmt: skip
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return text


def _shown(value: Any, lang: str) -> Any:
    """A number in a message as the language writes it ("3 270", "2,5"; "3,270", "2.5"): every caption, toast and
    refusal, with no call site to forget. Texts (codes, names, dates already written) pass as they are."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return value
    from workshop import formats  # formats reads its own words from this catalog: imported when first needed

    return formats.text(value, lang)
