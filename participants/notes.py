"""Join a group and write notes from a phone: /p (the code), /p/{code} (write, see and edit one's notes).

Every form works without JavaScript (POST, then 303 back to the page); phone.js sends the note without
reloading and asks "already said?" while the participant types. The routes call groups.join, the same
service the facilitator's screens use, and keep nothing in memory but the "already said?" index cache.
"""

from urllib.parse import quote, unquote, urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import privacy
from actions import vote
from groups import join, service
from groups.models import QUESTIONS, VALIDATED, CriterionRead
from participants import similar, web
from participants.web import Phone, e
from surveys import service as surveys
from workshop import database
from workshop.errors import SpiraleError
from workshop.text import NOTE_MAX

ALIAS_MAX = 60
SIMILAR_QUERY_MAX = 1000  # characters of a draft looked at for "already said?"


# ---------- the code ----------


def code_form(who: Phone, *, typed: str = "", message: str = "") -> str:
    return f"""{message}
<form method="get" action="/p/rejoindre" class="card">
<label for="code">{e(who.t("join.code"))}</label>
<input id="code" name="code" value="{e(typed)}" autocomplete="off" autocapitalize="characters" spellcheck="false"
 inputmode="text" maxlength="40" required>
<button type="submit" class="primary">{e(who.t("join.enter"))}</button>
</form>"""


async def enter(request: Request) -> Response:
    """GET /p: the code box (a printed QR code or a link carries the code itself)."""
    who = web.phone(request)
    return web.page(who, title=who.t("join.title"), body=code_form(who), here="/p")


async def typed_code(request: Request) -> Response:
    """GET /p/rejoindre?code=…: a typed code (spaces, dashes, lower case welcome) to its group's page."""
    who = web.phone(request)
    code = join.normalise_code(request.query_params.get("code", ""))[:40]
    try:
        where = await web.in_thread(_find, code)
    except SpiraleError as error:
        return _code_refused(who, error, typed=request.query_params.get("code", "")[:40])
    return web.redirect(who, where)


def _find(code: str) -> str:
    """Where a typed code leads: its group's page, the survey of the wave whose room code it is, or a vote."""
    with database.read_scope() as session:
        try:
            return f"/p/{quote(join.find_group(session=session, code=code).code)}"
        except SpiraleError as error:
            if error.key == "error.join_code_unknown" and surveys.room_wave_is_known(session=session, code=code):
                return f"/p/enquete/{quote(code)}"
            if error.key == "error.join_code_unknown" and vote.vote_is_known(session=session, code=code):
                return f"/p/vote/{quote(code)}"
            raise


def _code_refused(who: Phone, error: SpiraleError, *, typed: str) -> Response:
    status = 410 if error.key == "error.join_code_closed" else 404 if error.key == "error.join_code_unknown" else 400
    if who.wants_json:
        return web.refusal(who, error, status=status)
    message = web.notice(who, error.key, **error.params)
    return web.page(who, title=who.t("join.title"), body=code_form(who, typed=typed, message=message), status=status)


# ---------- the group's page ----------


def _group_page_data(code: str, token: str) -> tuple[join.PhoneView, dict]:
    with database.read_scope() as session:
        view = join.phone_view(session=session, code=code, participant_token=token)
        wordings = service.question_wordings(
            session=session, project_id=view.joined.project_id, cycle=view.joined.cycle
        )
    return view, wordings


def _question_choice(who: Phone, wordings: dict, chosen: str) -> str:
    options = []
    for question in QUESTIONS:
        words = wordings.get(question, {}).get(who.lang) or wordings.get(question, {}).get("fr", "")
        checked = " checked" if question == chosen else ""
        options.append(
            f'<label class="choice q-{question}">'
            f'<input type="radio" name="question" value="{question}"{checked} required>'
            f"<span><b>{e(who.t(f'question.{question}.short'))}</b><small>{e(words)}</small></span></label>"
        )
    return f"<fieldset><legend>{e(who.t('join.pick'))}</legend>{''.join(options)}</fieldset>"


def note_item(who: Phone, code: str, criterion: CriterionRead) -> str:
    """One of the participant's own notes: its text, and while the group has not validated it, edit and remove."""
    head = (
        f'<p class="note-text">{e(criterion.shown_text)}</p>'
        f'<p class="note-meta">{e(who.t(f"question.{criterion.question}.short"))}</p>'
    )
    if criterion.status == VALIDATED:
        validated = f'<p class="ok">{e(who.t("join.validated"))}</p>'
        return f'<li class="note q-{criterion.question}" id="note-{criterion.id}">{head}{validated}</li>'
    base = f"/p/{quote(code)}/notes/{criterion.id}"
    return f"""<li class="note q-{criterion.question}" id="note-{criterion.id}">{head}
<details><summary>{e(who.t("join.edit"))}</summary>
<form method="post" action="{base}">{web.hidden(who)}
<label for="edit-{criterion.id}">{e(who.t("join.edit_label"))}</label>
<textarea id="edit-{criterion.id}" name="text" rows="3" data-limit="{NOTE_MAX}">{e(criterion.shown_text)}</textarea>
<button type="submit">{e(who.t("join.save"))}</button></form></details>
<form method="post" action="{base}/retirer" class="inline">{web.hidden(who)}
<button type="submit" class="quiet">{e(who.t("join.withdraw"))}</button></form></li>"""


def _countdown(who: Phone, left: int | None, timer: str) -> str:
    if left is None:
        return ""
    shown = who.t("step1.timer.left", time=f"{left // 60}:{left % 60:02d}") if left else who.t("step1.timer.over")
    return (
        f'<p class="timer" data-seconds="{left}" data-over="{e(who.t("step1.timer.over"))}" '
        f'data-template="{e(who.t("step1.timer.left", time="{time}"))}">'
        f'<span class="q">{e(who.t(f"question.{timer}.short"))}</span> · <span class="left">{e(shown)}</span></p>'
    )


def group_page(
    who: Phone, code: str, *, chosen: str = "", draft: str = "", alias: str = "", message: str = "", status: int = 200
) -> Response:
    try:
        view, wordings = _group_page_data(code, who.token)
    except SpiraleError as error:
        return _code_refused(who, error, typed=code)
    joined, own = view.joined, view.own
    timer = view.group.timer_question if view.group.timer_ends_at else ""
    left = service.seconds_left(view.group, timer) if timer else None
    chosen = chosen if chosen in QUESTIONS else (timer or QUESTIONS[0])
    mine = "".join(note_item(who, joined.code, c) for c in reversed(own)) or ""
    empty = "" if own else f'<p class="hint" id="none">{e(who.t("join.none"))}</p>'
    too_long = web.notice(who, "step1.note_full", kind="warning hidden", maximum=NOTE_MAX)
    body = f"""<p class="welcome">{e(who.t("join.welcome", group=joined.profile))}</p>
{_countdown(who, left, timer)}
{message}
<form method="post" action="/p/{quote(joined.code)}/notes" id="write" class="card"
 data-similar="/p/{quote(joined.code)}/similaires" data-sending="{e(who.t("phone.sending"))}"
 data-sent="{e(who.t("join.sent"))}" data-offline="{e(who.t("phone.error.offline"))}">
{web.hidden(who)}
{_question_choice(who, wordings, chosen)}
<label for="text">{e(who.t("join.write"))}</label>
<textarea id="text" name="text" rows="4" data-limit="{NOTE_MAX}" aria-describedby="count similar"
 placeholder="{e(who.t("step1.note_hint"))}">{e(draft)}</textarea>
<p class="count" id="count" aria-live="polite">{len(draft)} / {NOTE_MAX}</p>
{too_long}
<div id="similar" class="similar" aria-live="polite" data-title="{e(who.t("step1.similar"))}"></div>
<label for="alias">{e(who.t("step1.author"))}</label>
<input id="alias" name="alias" value="{e(alias)}" maxlength="{ALIAS_MAX}" autocomplete="nickname">
<button type="submit" class="primary big">{e(who.t("join.send"))}</button>
<p id="outcome" class="outcome" role="status" aria-live="polite"></p>
</form>
<section aria-labelledby="mine-title">
<h2 id="mine-title">{e(who.t("join.mine", count=len(own)))}</h2>
<p class="hint">{e(who.t("join.reference", reference=privacy.participant_reference(who.token)))}
<br>{e(who.t("join.reference_help"))}</p>
{empty}<ul class="notes" id="mine">{mine}</ul>
</section>
<p><a class="button quiet" href="/p">{e(who.t("join.leave"))}</a></p>"""
    return web.page(who, title=who.t("join.title"), body=body, status=status, here=f"/p/{quote(joined.code)}")


async def group(request: Request) -> Response:
    """GET /p/{code}: the group's page (a code typed in lower case or with spaces is put right)."""
    who = web.phone(request)
    raw = request.path_params["code"]
    code = join.normalise_code(raw)[:40]
    if code != raw:
        return web.redirect(who, f"/p/{quote(code)}")
    flash = ""
    if request.query_params.get("envoye"):
        flash = web.notice(who, "join.sent", kind="success")
    elif request.query_params.get("fait"):
        flash = web.notice(who, "phone.saved", kind="success")
    chosen = request.query_params.get("question", "")
    alias = unquote(request.cookies.get(ALIAS_COOKIE, ""))[:ALIAS_MAX]
    return await web.in_thread(group_page, who, code, chosen=chosen, alias=alias, message=flash)


ALIAS_COOKIE = "spirale_alias"


# ---------- writing ----------


def _send(code: str, token: str, question: str, text: str, alias: str) -> tuple[CriterionRead, str, int]:
    """The note stored, the group's code as written, and how many live notes this phone now has there."""
    with database.session_scope() as session:
        note = join.send_note(
            session=session, code=code, participant_token=token, question=question, text=text, alias=alias
        )
        mine = join.own_note_count(session=session, group_id=note.group_id, participant_token=token)
    return note, join.normalise_code(code), mine


async def send(request: Request) -> Response:
    """POST /p/{code}/notes: one note; refused with the reason, and the text kept in the field."""
    who = web.phone(request)
    code = join.normalise_code(request.path_params["code"])[:40]
    try:
        fields = await web.form(request, who)
    except web.Refused as refused:
        return web.refusal(who, refused, title_key="join.title")
    question, text = fields.get("question", ""), fields.get("text", "")
    alias = web.squeeze(fields.get("alias", ""))[:ALIAS_MAX]
    try:
        note, code, mine = await web.in_thread(_send, code, who.token, question, text, alias)
    except SpiraleError as error:
        if who.wants_json or error.key in {"error.join_code_closed", "error.join_code_unknown"}:
            return web.refusal(who, error, status=_status(error))
        message = web.notice(who, error.key, **error.params)
        return await web.in_thread(
            group_page, who, code, chosen=question, draft=text, alias=alias, message=message, status=_status(error)
        )
    response = (
        web.json_answer(
            who,
            {
                "message": who.t("join.sent"),
                "html": note_item(who, code, note),
                "id": note.id,
                "heading": who.t("join.mine", count=mine),
            },
        )
        if who.wants_json
        else web.redirect(who, f"/p/{quote(code)}?{urlencode({'envoye': 1, 'question': question})}#write")
    )
    if alias != unquote(request.cookies.get(ALIAS_COOKIE, "")):
        response.set_cookie(ALIAS_COOKIE, quote(alias), max_age=web.COOKIE_DAYS * 24 * 3600, path="/p",
                            secure=who.secure, httponly=True, samesite="lax")  # fmt: skip
    return response


def _status(error: SpiraleError) -> int:
    if error.key == "error.note_rate":
        return 429
    if error.key == "error.join_code_closed":
        return 410
    if error.key in {"error.join_code_unknown", "error.criterion_missing"}:
        return 404
    if error.key == "error.note_validated":
        return 409
    return 422


def _own_change(action: str, code: str, token: str, criterion_id: int, text: str) -> None:
    with database.session_scope() as session:
        if action == "edit":
            join.edit_own_note(
                session=session, code=code, participant_token=token, criterion_id=criterion_id, text=text
            )
        else:
            join.withdraw_own_note(session=session, code=code, participant_token=token, criterion_id=criterion_id)


async def _change(request: Request, action: str) -> Response:
    who = web.phone(request)
    code = join.normalise_code(request.path_params["code"])[:40]
    try:
        fields = await web.form(request, who)
        criterion_id = int(request.path_params["criterion_id"])
    except web.Refused as refused:
        return web.refusal(who, refused, title_key="join.title")
    try:
        await web.in_thread(_own_change, action, code, who.token, criterion_id, fields.get("text", ""))
    except SpiraleError as error:
        if who.wants_json or error.key in {"error.join_code_closed", "error.join_code_unknown"}:
            return web.refusal(who, error, status=_status(error))
        message = web.notice(who, error.key, **error.params)
        return await web.in_thread(group_page, who, code, message=message, status=_status(error))
    if who.wants_json:
        return web.json_answer(who, {"message": who.t("phone.saved")})
    return web.redirect(who, f"/p/{quote(code)}?fait=1#mine")


async def edit(request: Request) -> Response:
    """POST /p/{code}/notes/{id}: the participant rewords their own note (its first wording is kept)."""
    return await _change(request, "edit")


async def withdraw(request: Request) -> Response:
    """POST /p/{code}/notes/{id}/retirer: the participant takes their own note back."""
    return await _change(request, "withdraw")


# ---------- "already said?" ----------


async def already_said(request: Request) -> Response:
    """GET /p/{code}/similaires?texte=…: the group's notes closest to a draft (JSON, for phone.js)."""
    who = web.phone(request)
    code = join.normalise_code(request.path_params["code"])[:40]
    text = request.query_params.get("texte", "")[:SIMILAR_QUERY_MAX]
    if web.waiting_for_thread(hint=True) >= similar.SHED_AT:
        return web.json_answer(who, {"similar": []})  # a late hint is no hint: none rather than a queue
    try:
        found = await web.in_thread(similar.closest, code, text, hint=True)
    except SpiraleError as error:
        return web.refusal(who, error, status=_status(error))
    return web.json_answer(who, {"similar": found})


ROUTES = [
    Route("/p", enter, methods=["GET"]),
    Route("/p/rejoindre", typed_code, methods=["GET"]),
    Route("/p/{code}", group, methods=["GET"]),
    Route("/p/{code}/notes", send, methods=["POST"]),
    Route("/p/{code}/notes/{criterion_id:int}", edit, methods=["POST"]),
    Route("/p/{code}/notes/{criterion_id:int}/retirer", withdraw, methods=["POST"]),
    Route("/p/{code}/similaires", already_said, methods=["GET"]),
]
