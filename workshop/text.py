"""Checks on text typed by people: kept as written, refused with a clear reason when unusable."""

import re

from workshop.errors import SpiraleError

NAME_MAX = 120
NOTE_MAX = 280
LONG_TEXT_MAX = 2000

# Control characters break exports and PostgreSQL (NUL); tabs and newlines are kept.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain(value: object) -> str:
    """The text as the services store it (control characters out, edges stripped), never refused.

    Imports read every cell this way, so that what a check accepts is exactly what gets stored.
    """
    return _CONTROL.sub("", "" if value is None else str(value)).strip()


def clean_text(value: object, *, max_length: int, required: bool = True) -> str:
    """Strip the edges and control characters; refuse empty or over-long text.

    The inner text is kept exactly as written (the method never loses a citizen's words).
    """
    text = plain(value)
    if required and not text:
        raise SpiraleError("error.text_empty")
    if len(text) > max_length:
        raise SpiraleError("error.text_too_long", limit=max_length, length=len(text))
    return text


def clean_name(value: object) -> str:
    return clean_text(value, max_length=NAME_MAX)


def clean_note(value: object) -> str:
    return clean_text(value, max_length=NOTE_MAX)


def clean_optional(value: object, *, max_length: int = LONG_TEXT_MAX) -> str:
    return clean_text(value, max_length=max_length, required=False)
