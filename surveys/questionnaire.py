"""The participant's questionnaire on a phone: links, QR codes and the one-question-per-screen steps (pure)."""

import io
from collections.abc import Mapping, Sequence
from urllib.parse import quote

import segno

from workshop import settings
from workshop.errors import SpiraleError
from workshop.text import plain

PARAMETER = "survey"  # of the links mailed before the phone routes: /?survey=TOKEN now leads to /p/q/TOKEN
LINK_PATH = "p/q"  # the participants' route of a per-person link: /p/q/TOKEN
DONT_KNOW = 0  # in a draft and in the radio; stored as None
LEVELS = (1, 2, 3, 4, 5)
FREE_MAX = 120  # a free-text profile answer (a neighbourhood, a job)

Step = tuple[str, str | int]


def survey_link(token: str, request_url: str | None = None) -> str:
    """SPIRALE_PUBLIC_URL, else the address the facilitator's browser uses, then /p/q/TOKEN."""
    return settings.phone_link(f"{LINK_PATH}/{quote(str(token), safe='')}", request_url)


def qr_png(link: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


def steps(question_keys: Sequence[str], indicator_ids: Sequence[int]) -> list[tuple[str, str | int]]:
    """Profile questions first, then one screen per indicator."""
    return [("q", key) for key in question_keys] + [("i", iid) for iid in indicator_ids]


def step_key(step: Step) -> str:
    """What a screen's form says it answers ("q:place", "i:12"): a screen drawn before a change is recognised."""
    return f"{step[0]}:{step[1]}"


def answer_value(step: Step, raw: str, options: Sequence[str] = ()) -> str | int | None:
    """One screen's answer as a form sent it, checked: a level (1-5 or don't know), a listed choice, or free text.

    Nothing chosen is None (the question stays unanswered); anything else refused with the reason.
    """
    raw = str(raw or "")
    if step[0] == "i":
        if raw == "":
            return None
        if not (raw.isascii() and raw.isdigit()) or int(raw) not in (*LEVELS, DONT_KNOW):
            raise SpiraleError("error.level_range", value=raw[:12])
        return int(raw)
    if options:
        if raw and raw not in options:
            raise SpiraleError("error.choice_unknown", value=raw[:60])
        return raw or None
    text = plain(raw)
    if len(text) > FREE_MAX:
        raise SpiraleError("error.text_too_long", limit=FREE_MAX, length=len(text))
    return text or None


def current_answers(draft: Mapping, steps: Sequence[Step]) -> tuple[dict[str, str], dict[int, int | None]]:
    """The draft's answers to the questions still asked (an indicator retired meanwhile is left out, not refused)."""
    profile, levels = answers_of(draft)
    keys = {key for kind, key in steps if kind == "q"}
    ids = {key for kind, key in steps if kind == "i"}
    return {k: v for k, v in profile.items() if k in keys}, {k: v for k, v in levels.items() if k in ids}


def answers_of(draft: Mapping) -> tuple[dict[str, str], dict[int, int | None]]:
    """A draft -> the profile answers and the levels (don't know as None; unanswered left out)."""
    profile = {str(k): str(v) for k, v in (draft.get("profile") or {}).items() if v}
    levels = {
        int(iid): (None if int(level) == DONT_KNOW else int(level))
        for iid, level in (draft.get("levels") or {}).items()
        if level is not None
    }
    return profile, levels


def with_answer(draft: Mapping, step: tuple[str, str | int], value: object, move: int) -> dict:
    """The draft after answering one screen and moving forward (1) or back (-1)."""
    kind, key = step
    new = {"step": max(0, int(draft.get("step", 0)) + move), "profile": dict(draft.get("profile") or {}),
           "levels": dict(draft.get("levels") or {})}  # fmt: skip
    if kind == "q":
        new["profile"][str(key)] = "" if value is None else str(value)
    else:
        new["levels"][str(key)] = value
    return new


def qr_sheet_html(links: Sequence[str], *, title: str, lang: str) -> str:
    """A printable page of QR codes, one per unused link, to cut out and hand to participants."""
    import html

    cards = "".join(
        f'<figure style="display:inline-block;width:30%;margin:1%;text-align:center;page-break-inside:avoid">'
        f'<img alt="QR" style="width:100%" src="{segno.make(link, error="m").svg_data_uri(scale=4, border=2)}">'
        f'<figcaption style="font-size:9px;word-break:break-all">{html.escape(link)}</figcaption></figure>'
        for link in links
    )
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
        f'<body style="font-family:sans-serif"><h1>{html.escape(title)}</h1>{cards}</body></html>'
    )
