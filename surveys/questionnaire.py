"""The participant's questionnaire on a phone: links, QR codes and the one-question-per-screen steps (pure)."""

import io
from collections.abc import Mapping, Sequence

import segno

from workshop import settings

PARAMETER = "survey"  # app.py's PARTICIPANT_PAGES key: /?survey=TOKEN
DONT_KNOW = 0  # in a draft and in the radio; stored as None


def survey_link(token: str, request_url: str | None = None) -> str:
    """SPIRALE_PUBLIC_URL, else the address the facilitator's browser uses, then ?survey=TOKEN."""
    return settings.participant_link(PARAMETER, token, request_url)


def qr_png(link: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


def steps(question_keys: Sequence[str], indicator_ids: Sequence[int]) -> list[tuple[str, str | int]]:
    """Profile questions first, then one screen per indicator."""
    return [("q", key) for key in question_keys] + [("i", iid) for iid in indicator_ids]


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
