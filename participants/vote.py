"""Vote on the priority axes from a phone: /p/vote/{code} (the room's QR code, or the code typed at /p).

Dot-voting: each candidate has big "−" and "+" buttons, each a submit of one form that sets that candidate to
a number of votes (so a replayed or doubled request sets the same number again, never one more). The phone
may say its profile on the same form. Plain forms: POST, then 303 back to the candidate; no script needed.
Refusals (the vote closed, over the cap, more votes than a person has) are said on the page in the phone's
language, the ballot as it was. The routes call actions.vote, the same service as the facilitator's page.
"""

from dataclasses import dataclass
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from actions import vote
from actions.vote import Ballot
from groups import join
from indicators import service as indicators_service
from participants import web
from participants.web import Phone, e
from workshop import database
from workshop.errors import SpiraleError

TITLE = "vote.phone.title"
ITEM_FIELD, PROFILE_FIELD = "voix", "profil"
SAVED = "fait"
BASE = "/p/vote"


@dataclass(frozen=True)
class Screen:
    ballot: Ballot
    names: dict[int, str]


def _screen(code: str, who: Phone) -> Screen:
    with database.read_scope() as session:
        ballot = vote.phone_ballot(session=session, code=code, participant_token=who.token)
        indicators = indicators_service.list_indicators(
            session=session, project_id=ballot.vote.project_id, include_retired=True
        )
    return Screen(ballot, {i.id: indicators_service.indicator_name(i, who.lang) for i in indicators})


def _address(code: str) -> str:
    return f"{BASE}/{quote(code, safe='')}"


def _time_left(who: Phone, ballot: Ballot) -> str:
    left = vote.seconds_left(ballot.vote)
    minutes = max(1, (left + 59) // 60)
    return who.t("vote.phone.closes_in", minutes=minutes)


def _profile_choice(who: Phone, ballot: Ballot) -> str:
    if not ballot.profiles:
        return ""
    options = [*((p, p) for p in ballot.profiles), ("", who.t("vote.phone.profile_unsaid"))]
    radios = "".join(
        f'<label class="choice"><input type="radio" name="{PROFILE_FIELD}" value="{e(value)}"'
        f"{' checked' if value == ballot.profile else ''}>"
        f"<span>{e(label)}</span></label>"
        for value, label in options
    )
    label = e(who.t("vote.phone.profile_save"))
    save = f'<button type="submit" name="{ITEM_FIELD}" value="" class="quiet">{label}</button>'
    return (
        f'<fieldset class="vote-profile"><legend>{e(who.t("vote.phone.profile"))}</legend>'
        f'<p class="hint">{e(who.t("vote.phone.profile_help"))}</p>{radios}{save}</fieldset>'
    )


def _dots(given: int, cap: int) -> str:
    """The votes given as filled dots out of the cap (decoration: the number is said in words beside it)."""
    return f'<span class="dots" aria-hidden="true">{"●" * given}{"○" * (cap - given)}</span>'


def _item(who: Phone, screen: Screen, candidate: vote.Candidate) -> str:
    ballot, cap = screen.ballot, screen.ballot.vote.cap_per_item
    given = ballot.dots.get(candidate.indicator_id, 0)
    name = screen.names.get(candidate.indicator_id, "?")
    said = who.t("vote.phone.given", count=given)
    buttons = ""
    if ballot.open:
        less = f"{candidate.indicator_id}:{given - 1}"
        more = f"{candidate.indicator_id}:{given + 1}"
        no_less = " disabled" if given == 0 else ""  # "+" stays: the page then says why no more fits
        buttons = (
            f'<div class="vote-buttons">'
            f'<button type="submit" name="{ITEM_FIELD}" value="{less}" class="vote-less"{no_less}'
            f' aria-label="{e(who.t("vote.phone.less", name=name))}">−</button>'
            f'<button type="submit" name="{ITEM_FIELD}" value="{more}" class="vote-more"'
            f' aria-label="{e(who.t("vote.phone.more", name=name))}">+</button></div>'
        )
    chosen = " given" if given else ""
    return (
        f'<li class="vote-item{chosen}" id="item-{candidate.indicator_id}">'
        f'<p class="vote-name">{e(name)}</p>'
        f'<p class="vote-count">{_dots(given, cap)} <span>{e(said)}</span></p>{buttons}</li>'
    )


def ballot_page(who: Phone, code: str, *, message: str = "", status: int = 200) -> Response:
    try:
        screen = _screen(code, who)
    except SpiraleError as error:
        return web.refusal(who, error, status=_status(error), title_key=TITLE)
    ballot = screen.ballot
    rules = who.t("vote.phone.rules", votes=ballot.vote.votes_per_person, cap=ballot.vote.cap_per_item)
    if ballot.open:
        state = (
            f'<p class="vote-left" role="status">{e(who.t("vote.phone.left", count=ballot.left))}'
            f" · {e(_time_left(who, ballot))}</p>"
        )
    elif not message:  # (a refused tap says it is closed already)
        state = web.notice(who, "vote.phone.closed", kind="warning", count=ballot.used)
    else:
        state = ""
    items = "".join(_item(who, screen, c) for c in ballot.candidates)
    body = f"""<p>{e(rules)}</p>
{state}
{message}
<form method="post" action="{e(_address(ballot.vote.code))}" class="vote">
{web.hidden(who)}
<ol class="vote-items">{items}</ol>
{_profile_choice(who, ballot) if ballot.open else ""}
</form>
{f'<p class="hint">{e(who.t("vote.phone.change"))}</p>' if ballot.open else ""}"""
    return web.page(who, title=who.t(TITLE), body=body, status=status, here=_address(ballot.vote.code))


def _status(error: SpiraleError) -> int:
    if error.key in {"error.vote_code_unknown", "error.vote_item_unknown"}:
        return 404
    if error.key == "error.vote_closed":
        return 410
    if error.key == "error.vote_rate":
        return 429
    if error.key == "error.database_busy":
        return 503
    return 422


def _change(fields: dict[str, str]) -> tuple[int, int] | None:
    """The button pressed: "indicator:votes" (None: the profile alone); a value of no button of ours refused."""
    raw = fields.get(ITEM_FIELD, "")
    if raw == "":
        return None
    item, _, count = raw.partition(":")
    if not (item.isascii() and item.isdigit() and count.lstrip("-").isascii() and count.lstrip("-").isdigit()):
        raise web.Refused(400, "phone.error.form")
    if len(item) > 9 or len(count) > 4:
        raise web.Refused(400, "phone.error.form")
    return int(item), int(count)


def _cast(code: str, who: Phone, change: tuple[int, int] | None, profile: str | None) -> None:
    with database.session_scope() as session:
        vote.cast_ballot(session=session, code=code, participant_token=who.token, change=change, profile=profile)


# ---------- the routes ----------


async def show(request: Request) -> Response:
    """GET /p/vote/{code}: the candidates, this phone's votes and what it has left."""
    who = web.phone(request)
    raw = request.path_params["code"]
    code = join.normalise_code(raw)[:12]
    if code != raw:  # typed in lower case or with spaces
        return web.redirect(who, _address(code))
    message = web.notice(who, "vote.phone.saved", kind="success") if request.query_params.get(SAVED) else ""
    return await web.in_thread(ballot_page, who, code, message=message)


async def cast(request: Request) -> Response:
    """POST /p/vote/{code}: one candidate set to a number of votes, and/or the phone's profile; then 303."""
    who = web.phone(request)
    code = join.normalise_code(request.path_params["code"])[:12]
    try:
        fields = await web.form(request, who)
        change = _change(fields)
    except web.Refused as refused:
        return web.refusal(who, refused, title_key=TITLE)
    profile = web.squeeze(fields[PROFILE_FIELD])[:200] if PROFILE_FIELD in fields else None
    try:
        await web.in_thread(_cast, code, who, change, profile)
    except SpiraleError as error:
        status = _status(error)
        if status == 404 and error.key == "error.vote_code_unknown":
            return web.refusal(who, error, status=status, title_key=TITLE)
        message = web.notice(who, error.key, **error.params)
        return await web.in_thread(ballot_page, who, code, message=message, status=status)
    anchor = f"#item-{change[0]}" if change else ""
    if who.wants_screen:  # phone.js: the ballot as it now stands, at once (one request a tap, no reload)
        saved = web.notice(who, "vote.phone.saved", kind="success")
        drawn = await web.in_thread(ballot_page, who, code, message=saved)
        return web.drawn_at(drawn, f"{_address(code)}?{SAVED}=1")
    return web.redirect(who, f"{_address(code)}?{SAVED}=1{anchor}")


ROUTES = [
    Route(BASE + "/{code}", show, methods=["GET"]),
    Route(BASE + "/{code}", cast, methods=["POST"]),
]
