"""The participants' routes and what guards them: security headers, a flood limit per address, old links.

Given to st.App in app.py, beside the facilitators' Streamlit app, in the same process.
"""

import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from groups import join
from participants import notes, similar, sockets, survey, vote
from surveys import questionnaire
from workshop import settings

STATIC_DIR = Path(__file__).parent / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}
PREFIX = "/p"

# No inline script or style, nothing from elsewhere, never inside another site's frame.
SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     b"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]  # fmt: skip

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _static_files() -> dict[str, tuple[bytes, str]]:
    return {p.name: (p.read_bytes(), STATIC_TYPES[p.suffix]) for p in STATIC_DIR.iterdir() if p.suffix in STATIC_TYPES}


_STATIC = _static_files()


async def static(request: Request) -> Response:
    """The phone pages' style sheet and script (versioned URLs: cached for a year)."""
    found = _STATIC.get(request.path_params["name"])
    if found is None:
        return PlainTextResponse("Not found", status_code=404)
    return Response(found[0], media_type=found[1], headers={"Cache-Control": "public, max-age=31536000, immutable"})


# The survey's and the vote's routes first: /p/q/…, /p/enquete/… and /p/vote/… are not group codes.
ROUTES = [Route("/p/static/{name}", static, methods=["GET"]), *survey.ROUTES, *vote.ROUTES, *notes.ROUTES]


class FloodLimit:
    """At most `per_second` requests a second from one address (a burst of `burst`), per process.

    A room's phones often share one address (the venue's router), so the limit is for robots, not people;
    each participant's own pace is limited by the services (notes per minute). Beyond it: 429, plain.
    """

    def __init__(self, per_second: float, burst: float) -> None:
        self.per_second, self.burst = per_second, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, address: str) -> bool:
        now = time.monotonic()
        with self._lock:
            tokens, since = self._buckets.get(address, (self.burst, now))
            tokens = min(self.burst, tokens + (now - since) * self.per_second)
            if len(self._buckets) > 50_000:  # forget idle addresses rather than grow without end
                self._buckets = {a: v for a, v in self._buckets.items() if now - v[1] < 60}
            if tokens < 1:
                self._buckets[address] = (tokens, now)
                return False
            self._buckets[address] = (tokens - 1, now)
            return True


class ParticipantGuard:
    """ASGI middleware: headers and flood limit on /p, and the old `/?code=…` links sent to their new page."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.flood = FloodLimit(settings.phone_requests_per_second(), settings.phone_requests_per_second() * 2)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path == "/" and scope.get("query_string"):
            moved = _moved(scope["query_string"])
            if moved:
                await _plain(send, 303, b"", [(b"location", moved.encode())])
                return
        if not (path == PREFIX or path.startswith(PREFIX + "/")):
            await self.app(scope, receive, send)
            return
        client = scope.get("client") or ("", 0)
        if not self.flood.allow(client[0]):
            await _plain(send, 429, b"Too many requests", [(b"retry-after", b"1")])
            return

        async def with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


def _moved(query: bytes) -> str | None:
    """Links printed or mailed before the phone routes still work: `/?code=ACK3R9` to its group, `/?survey=…`."""
    params = parse_qs(query.decode("latin-1"))
    token = (params.get(questionnaire.PARAMETER) or [""])[0].strip()[:40]
    if token:
        return f"{PREFIX}/q/{quote(token, safe='')}"
    code = join.normalise_code((params.get(join.CODE_PARAMETER) or [""])[0])[:40]
    return f"{PREFIX}/{quote(code)}" if code else None


async def _plain(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"), *headers, *SECURITY_HEADERS]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


def on_start() -> None:
    """Once per process: the sentence model of "already said?" loads before the room's first keystroke, and
    responses leave without waiting 40 ms for the phone's acknowledgement (participants/sockets.py)."""
    sockets.no_delay_on_listening_sockets()
    similar.warm_up()
