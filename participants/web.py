"""What every phone page shares: the participant's identity and language, forms, the page layout, refusals.

Identity: a random token in an HttpOnly, SameSite=Lax cookie set by the response (Secure over HTTPS), which
recognises the participant's notes across reloads. A cookie that is not one of ours gets a new token.
CSRF: every form carries a token derived from the participant's token (SHA-256, so knowing the page does not
reveal the identity); a POST without the matching pair is refused. A cross-site page knows neither.
"""

import functools
import hashlib
import hmac
import html
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from groups import join
from workshop import database, i18n, settings
from workshop.errors import SpiraleError

PARTICIPANT_COOKIE = "spirale_participant"
LANG_COOKIE = "spirale_lang"
COOKIE_DAYS = 30
BODY_MAX = 16 * 1024  # a note is at most 280 characters: a form 60 times larger is not one of ours
CSRF_FIELD = "csrf"
# phone.js sends this header when it posts a form and will draw the page it gets back: one request a step
# instead of POST, 303 and GET (the same page; a plain form still gets the redirect).
SCREEN_HEADER, ADDRESS_HEADER = "x-spirale-screen", "X-Spirale-Address"
STATIC_VERSION = "7"  # in the assets' URLs, so that a phone's cache never holds an old script


T = TypeVar("T")
HINT_THREADS = 4  # "already said?" waits for the sentence model: its own few threads, so sends never queue behind
_limiters: dict[str, anyio.CapacityLimiter] = {}


async def in_thread(work: Callable[..., T], *args: Any, hint: bool = False, **kwargs: Any) -> T:
    """Run a route's blocking work (the database, the sentence model) in the phones' own few threads.

    Not Starlette's pool of 40: under one interpreter lock, 40 threads of a room's requests take turns so
    finely that the one holding SQLite's write turn waits for the lock after each statement, and every
    other writer waits behind it (bench/phones_http.py, 300 phones answering a survey: p95 1.43 s with 40,
    1.18 s with 6). A request waits for a thread in arrival order instead, holding nothing.
    """
    name = "hint" if hint else "phone"
    if name not in _limiters:  # (made in the event loop, at the first request: a limiter belongs to its loop)
        _limiters[name] = anyio.CapacityLimiter(HINT_THREADS if hint else settings.phone_threads())
    return await anyio.to_thread.run_sync(functools.partial(work, *args, **kwargs), limiter=_limiters[name])


def waiting_for_thread(*, hint: bool = False) -> int:
    """Requests waiting for one of these threads now (0 before the first)."""
    limiter = _limiters.get("hint" if hint else "phone")
    return limiter.statistics().tasks_waiting if limiter is not None else 0


def reading():  # noqa: ANN201 - a context manager yielding a Session
    """A transaction that only reads: no writer's turn on SQLite (database.read_scope)."""
    return database.read_scope()


class Refused(Exception):
    """A request refused before any service ran (malformed, too large, forged): a status and a message key."""

    def __init__(self, status: int, key: str, **params: Any) -> None:
        super().__init__(key)
        self.status, self.key, self.params = status, key, params


@dataclass
class Phone:
    """Who is asking, in which language, and what the response must set in their cookies."""

    token: str
    lang: str
    secure: bool
    new_token: bool = False
    new_lang: bool = False
    wants_json: bool = False
    wants_screen: bool = False  # phone.js posts a survey screen and draws the next one from the answer itself
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def csrf(self) -> str:
        return csrf_token(self.token)

    def t(self, key: str, **params: Any) -> str:
        return i18n.translate(key, self.lang, **params)


def csrf_token(participant_token: str) -> str:
    return hashlib.sha256(f"spirale-csrf:{participant_token}".encode()).hexdigest()[:32]


def _language(request: Request) -> tuple[str, bool]:
    asked = request.query_params.get("lang")
    if asked in settings.LANGUAGES:
        return asked, asked != request.cookies.get(LANG_COOKIE)
    kept = request.cookies.get(LANG_COOKIE)
    return (kept, False) if kept in settings.LANGUAGES else (settings.default_language(), False)


def phone(request: Request) -> Phone:
    """The participant behind a request: their cookie's token if it is one of ours, else a new one."""
    remembered = request.cookies.get(PARTICIPANT_COOKIE)
    token = join.participant_token(remembered)
    lang, new_lang = _language(request)
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip()
    secure = request.url.scheme == "https" or forwarded == "https"
    accept = request.headers.get("accept", "")
    return Phone(
        token=token,
        lang=lang,
        secure=secure,
        new_token=token != remembered,
        new_lang=new_lang,
        wants_json="application/json" in accept,
        wants_screen=request.headers.get(SCREEN_HEADER) == "1",
    )


async def form(request: Request, who: Phone) -> dict[str, str]:
    """The POSTed form, size-limited, as text; refused when its CSRF token is not this participant's."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise Refused(415, "phone.error.form")
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > BODY_MAX):
        raise Refused(413, "phone.error.too_large")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > BODY_MAX:
            raise Refused(413, "phone.error.too_large")
    try:
        fields = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20, strict_parsing=False))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Refused(400, "phone.error.form") from exc
    sent = fields.get(CSRF_FIELD, "")
    if who.new_token or not hmac.compare_digest(sent, who.csrf):
        raise Refused(403, "phone.error.expired")
    return fields


def with_cookies(response: Response, who: Phone) -> Response:
    """Set what the response must remember: the participant's token (renewed for 30 days) and language."""
    response.set_cookie(
        PARTICIPANT_COOKIE,
        who.token,
        max_age=COOKIE_DAYS * 24 * 3600,
        path="/",
        secure=who.secure,
        httponly=True,
        samesite="lax",
    )
    if who.new_lang:
        response.set_cookie(LANG_COOKIE, who.lang, max_age=365 * 24 * 3600, path="/", secure=who.secure, samesite="lax")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Language"] = who.lang
    return response


def e(text: object) -> str:
    """User text inside our HTML: always shown literally."""
    return html.escape(str(text), quote=True)


_WHITESPACE = re.compile(r"\s+")


def page(who: Phone, *, title: str, body: str, status: int = 200, here: str = "") -> Response:
    """One phone page: the language switch (a plain link), the title, the body; styles and script from files."""
    other = "en" if who.lang == "fr" else "fr"
    switch_label = "English" if other == "en" else "Français"
    switch = f"{here or '?'}{'&' if '?' in here else '?'}lang={other}"
    document = f"""<!doctype html>
<html lang="{who.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} · Spirale</title>
<link rel="stylesheet" href="/p/static/phone.css?v={STATIC_VERSION}">
<script src="/p/static/phone.js?v={STATIC_VERSION}" defer></script>
</head>
<body>
<header class="bar"><span class="brand">Spirale</span>
<a class="lang" href="{e(switch)}" lang="{other}" hreflang="{other}">{switch_label}</a></header>
<main id="main">
<h1>{e(title)}</h1>
{body}
</main>
</body>
</html>"""
    return with_cookies(HTMLResponse(document, status_code=status), who)


def notice(who: Phone, key: str, *, kind: str = "error", **params: Any) -> str:
    """A message box in the page's language (role=alert for a refusal, so a screen reader says it at once)."""
    role = "alert" if kind == "error" else "status"
    return f'<p class="notice {kind}" role="{role}">{e(who.t(key, **params))}</p>'


def refusal(
    who: Phone, error: SpiraleError | Refused, *, status: int = 400, title_key: str = "phone.title"
) -> Response:
    """A refusal in the phone's language: a page for a browser, JSON for our script."""
    status = error.status if isinstance(error, Refused) else status
    message = who.t(error.key, **{k: _plain(v) for k, v in error.params.items()})
    if who.wants_json:
        return with_cookies(JSONResponse({"ok": False, "message": message}, status_code=status), who)
    back = f'<p><a class="button" href="/p">{e(who.t("phone.back"))}</a></p>'
    body = f'<p class="notice error" role="alert">{e(message)}</p>{back}'
    return page(who, title=who.t(title_key), body=body, status=status)


def _plain(value: object) -> str:
    return ", ".join(map(str, value)) if isinstance(value, (list, tuple, set)) else str(value)


def redirect(who: Phone, url: str) -> Response:
    """After a POST: back to a page by GET (a reload then sends nothing again)."""
    return with_cookies(RedirectResponse(url, status_code=303), who)


def drawn_at(response: Response, address: str) -> Response:
    """A page sent in answer to a POST of phone.js, with the address the phone's history must show for it."""
    response.headers[ADDRESS_HEADER] = address
    return response


def json_answer(who: Phone, data: Mapping[str, Any]) -> Response:
    return with_cookies(JSONResponse({"ok": True, **data}), who)


def hidden(who: Phone) -> str:
    """The CSRF field every form of ours carries."""
    return f'<input type="hidden" name="{CSRF_FIELD}" value="{who.csrf}">'


def squeeze(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def as_json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)
