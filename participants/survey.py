"""Answer a survey from a phone: /p/q/{token} (a per-person link), /p/enquete/{code} (the room's QR code).

One question per screen (the profile questions, then each indicator with its five situations and "don't
know"), a progress bar, back and next, a review screen, and one send. Every screen's answer goes into the
response's draft at once, so the link opened later resumes where the person stopped. Plain forms: POST,
then 303 to the next screen; no script needed. The room's code gives each phone (its participant cookie)
its own response, made at its first answer and found again on its next visit; one response per phone.
A closed wave takes nothing more: a phone mid-questionnaire is shown the closed page, with nothing to send.
The routes call surveys.service and surveys.questionnaire, the same as the facilitators' pages.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import privacy
from groups import join
from indicators import service as indicators_service
from participants import web
from participants.web import Phone, e
from surveys import questionnaire, service
from surveys.models import ProfileQuestionRead
from surveys.questionnaire import DONT_KNOW, LEVELS, Step
from surveys.service import TokenState
from workshop import database, settings
from workshop.errors import SpiraleError

STEP_FIELD, KEY_FIELD, ANSWER_FIELD, MOVE_FIELD = "etape", "cle", "reponse", "aller"
SENT = "envoye"  # in the address after the send: the thanks, not "already answered"
BACK = "retour"
TITLE = "answer.title"


@dataclass(frozen=True)
class Survey:
    """What one response's screens need, read in one transaction: where it stands and the questions."""

    state: TokenState
    steps: list[Step]
    questions: dict[str, ProfileQuestionRead]
    names: dict[int, str]
    situations: dict[int, dict[int, str]]


@dataclass(frozen=True)
class Way:
    """How a phone reaches its response: by its own link, or by the room's code and its participant cookie."""

    base: str  # the screens' address
    room: bool  # through the room's code (one response per phone) rather than a person's own link
    read: Callable[..., TokenState]  # session -> where the response stands
    token: Callable[..., str]  # session -> the response's token, made at the room's first answer


def by_link(token: str) -> Way:
    token = token[:40]
    return Way(
        base=f"/p/q/{quote(token, safe='')}",
        room=False,
        read=lambda session: service.token_state(session=session, token=token),
        token=lambda session: token,
    )


def by_room(code: str, who: Phone) -> Way:
    code = code[:12]
    return Way(
        base=f"/p/enquete/{quote(code, safe='')}",
        room=True,
        read=lambda session: service.room_state(session=session, code=code, participant_token=who.token),
        token=lambda session: service.room_response(session=session, code=code, participant_token=who.token),
    )


# A questionnaire edited while phones answer reaches them within this many seconds. Every screen of every
# phone draws the questionnaire (four reads: profile questions, groups, indicators, situations), and between
# two screens of a room it does not change: read once a moment per process, not once a screen (300 phones:
# those reads were a third of the server's samples, bench/phones_http.py --flow survey).
QUESTIONNAIRE_SECONDS = 2.0
_questionnaires: dict[tuple[str, int], tuple[float, service.Questionnaire]] = {}


def _questionnaire(session: database.ReadSession, project_id: int) -> service.Questionnaire:
    key, now = (settings.database_url(), project_id), time.monotonic()
    kept = _questionnaires.get(key)
    if kept is not None and now - kept[0] < QUESTIONNAIRE_SECONDS:
        return kept[1]
    asked = service.questionnaire_of(session=session, project_id=project_id)
    if len(_questionnaires) >= 256:  # projects seen by this process: forget them all now and then
        _questionnaires.clear()
    _questionnaires[key] = (now, asked)
    return asked


def _survey(way: Way, who: Phone) -> Survey:
    with database.read_scope() as session:
        state = way.read(session)
        if state.participant_token not in (None, who.token):
            raise SpiraleError("error.token_unknown")  # a phone's room response opens on that phone only
        asked = _questionnaire(session, state.project_id)
    names = {i.id: indicators_service.indicator_name(i, who.lang) for i in asked.indicators}
    steps = questionnaire.steps([q.key for q in asked.questions], list(names))
    return Survey(state, steps, {q.key: q for q in asked.questions}, names, asked.situations)


# ---------- screens ----------


def _progress(who: Phone, done: int, total: int) -> str:
    text = who.t("answer.progress", done=done, total=total)
    return (
        f'<p class="steps" id="progress">{e(text)}</p>'
        f'<progress value="{done}" max="{total}" aria-labelledby="progress">{e(text)}</progress>'
    )


def _choice(value: object, label: str, checked: bool, extra: str = "") -> str:
    mark = " checked" if checked else ""
    return (
        f'<label class="choice{extra}"><input type="radio" name="{ANSWER_FIELD}" value="{e(value)}"{mark}>'
        f"<span>{e(label)}</span></label>"
    )


def _question_fields(who: Phone, survey: Survey, step: Step, typed: str | None) -> str:
    """The screen's question: big radio choices, or a text field (with what was typed, if it was refused)."""
    kind, key = step
    draft = survey.state.draft
    if kind == "i":
        saved = (draft.get("levels") or {}).get(str(key))
        levels = survey.situations.get(int(key), {})
        choices = [_choice(level, levels.get(level, str(level)), saved == level) for level in LEVELS]
        choices.append(_choice(DONT_KNOW, who.t("step3.dont_know"), saved == DONT_KNOW, " dont-know"))
        return (
            f'<fieldset><legend><h2 class="question">{e(survey.names[int(key)])}</h2>'
            f'<span class="hint">{e(who.t("answer.pick_situation"))}</span></legend>{"".join(choices)}</fieldset>'
        )
    question = survey.questions[str(key)]
    saved = str((draft.get("profile") or {}).get(str(key)) or "")
    if question.options:
        choices = [_choice(option, option, saved == option) for option in question.options]
        legend = f'<legend><h2 class="question">{e(question.label(who.lang))}</h2></legend>'
        return f"<fieldset>{legend}{''.join(choices)}</fieldset>"
    return (
        f'<h2 class="question"><label for="answer">{e(question.label(who.lang))}</label></h2>'
        f'<p class="hint" id="answer-hint">{e(who.t("answer.free"))}</p>'
        f'<input id="answer" name="{ANSWER_FIELD}" value="{e(saved if typed is None else typed)}"'
        f' maxlength="{questionnaire.FREE_MAX}"'
        ' aria-describedby="answer-hint" autocomplete="off">'
    )


def question_screen(
    who: Phone, way: Way, survey: Survey, index: int, *, message: str = "", status: int = 200, typed: str | None = None
) -> Response:
    step = survey.steps[index]
    back = (
        f'<button type="submit" name="{MOVE_FIELD}" value="{BACK}" class="quiet">{e(who.t("answer.back"))}</button>'
        if index > 0
        else ""
    )
    body = f"""{_progress(who, index + 1, len(survey.steps))}
{message}
<form method="post" action="{e(way.base)}" class="card survey">
{web.hidden(who)}
<input type="hidden" name="{STEP_FIELD}" value="{index}">
<input type="hidden" name="{KEY_FIELD}" value="{e(questionnaire.step_key(step))}">
{_question_fields(who, survey, step, typed)}
<div class="moves">
<button type="submit" name="{MOVE_FIELD}" value="suivant" class="primary big">{e(who.t("answer.next"))}</button>
{back}
</div>
</form>"""
    return web.page(who, title=who.t(TITLE), body=body, status=status, here=f"{way.base}?{STEP_FIELD}={index}")


def _shown_answer(who: Phone, survey: Survey, step: Step) -> str:
    kind, key = step
    draft = survey.state.draft
    if kind == "i":
        level = (draft.get("levels") or {}).get(str(key))
        if level == DONT_KNOW:
            return who.t("step3.dont_know")
        return survey.situations.get(int(key), {}).get(level, str(level)) if level in LEVELS else ""
    return str((draft.get("profile") or {}).get(str(key)) or "")


def _step_title(who: Phone, survey: Survey, step: Step) -> str:
    kind, key = step
    return survey.names[int(key)] if kind == "i" else survey.questions[str(key)].label(who.lang)


def review_screen(who: Phone, way: Way, survey: Survey, *, message: str = "", status: int = 200) -> Response:
    """Every answer with a way back to its screen, then the one send."""
    total = len(survey.steps)
    _, levels = questionnaire.current_answers(survey.state.draft, survey.steps)
    rows, change_label = [], who.t("answer.change")
    for index, step in enumerate(survey.steps):
        title, shown = _step_title(who, survey, step), _shown_answer(who, survey, step)
        answer = e(shown) if shown else f'<span class="unanswered">{e(who.t("answer.unanswered"))}</span>'
        change = who.t("answer.change_named", question=title)
        rows.append(
            f'<li><p class="review-question">{e(title)}</p><p class="review-answer">{answer}</p>'
            f'<a href="{e(way.base)}?{STEP_FIELD}={index}" aria-label="{e(change)}">'
            f"{e(change_label)}</a></li>"
        )
    body = f"""{_progress(who, total, total)}
{message}
<h2>{e(who.t("answer.review_title"))}</h2>
<p>{e(who.t("answer.review", answered=len(levels), total=len(survey.names)))}</p>
<ol class="review">{"".join(rows)}</ol>
<form method="post" action="{e(way.base)}/envoyer" class="card">
{web.hidden(who)}
<button type="submit" class="primary big">{e(who.t("answer.send"))}</button>
</form>
<p><a class="button quiet" href="{e(way.base)}?{STEP_FIELD}={total - 1}">{e(who.t("answer.back"))}</a></p>"""
    return web.page(who, title=who.t(TITLE), body=body, status=status, here=f"{way.base}?{STEP_FIELD}={total}")


def closed_screen(who: Phone, way: Way) -> Response:
    """The wave is closed: said plainly, nothing left to fill in or send."""
    body = web.notice(who, "answer.closed", kind="warning")
    return web.page(who, title=who.t(TITLE), body=body, status=410, here=way.base)


def thanks_screen(who: Phone, way: Way, survey: Survey, *, again: bool = False) -> Response:
    """Answered: thank you, and the reference to quote in a data request."""
    reference = privacy.participant_reference(survey.state.participant_token or survey.state.token)
    said = web.notice(who, "answer.already" if again else "answer.thanks", kind="success")
    body = f"""{said}
<p class="hint">{e(who.t("join.reference", reference=reference))}<br>{e(who.t("answer.reference_help"))}</p>"""
    return web.page(who, title=who.t(TITLE), body=body, here=way.base)


def screen(
    who: Phone,
    way: Way,
    asked: str | None,
    *,
    message: str = "",
    status: int = 200,
    sent: bool = False,
    typed: str | None = None,
) -> Response:
    """The screen a GET shows: thanks, closed, the asked screen, or the one the draft stopped at."""
    try:
        survey = _survey(way, who)
    except SpiraleError as error:
        return _refused(who, error)
    if survey.state.answered:
        return thanks_screen(who, way, survey, again=way.room and not sent)
    if not survey.state.wave_open:
        return closed_screen(who, way)
    index = _index(asked, len(survey.steps))
    if index is None:
        index = min(max(int(survey.state.draft.get("step", 0) or 0), 0), len(survey.steps))
    return _step_screen(who, way, survey, index, message=message, status=status, typed=typed)


def _step_screen(who: Phone, way: Way, survey: Survey, index: int, **shown: Any) -> Response:
    """A question's screen, or the review after the last one."""
    if index == len(survey.steps):
        return review_screen(who, way, survey, **{k: v for k, v in shown.items() if k != "typed"})
    return question_screen(who, way, survey, index, **shown)


def _index(asked: str | None, total: int) -> int | None:
    """A screen's number from the address or a form, or None when it is not one (0 to total: the review)."""
    if asked is None or not (asked.isascii() and asked.isdigit()) or len(asked) > 4:
        return None
    return int(asked) if int(asked) <= total else None


def _refused(who: Phone, error: SpiraleError) -> Response:
    return web.refusal(who, error, status=_status(error), title_key=TITLE)


def _status(error: SpiraleError) -> int:
    if error.key in {"error.token_unknown", "error.room_code_unknown"}:
        return 404
    if error.key == "error.wave_closed":
        return 410
    if error.key == "error.token_used":
        return 409
    if error.key == "error.database_busy":  # the server, not the answer: try again in a moment
        return 503
    return 422


# ---------- answering ----------


def _keep(way: Way, who: Phone, fields: dict[str, str]) -> tuple[int | None, Survey]:
    """One screen's answer into the draft: the screen to go to (None: answered or closed, the page says so),
    and the response as now kept (to draw that screen without reading it again)."""
    survey = _survey(way, who)
    if survey.state.answered or not survey.state.wave_open:
        return None, survey
    index = _index(fields.get(STEP_FIELD), len(survey.steps) - 1)
    step = survey.steps[index] if index is not None else None
    if step is None or fields.get(KEY_FIELD) != questionnaire.step_key(step):
        raise web.Refused(409 if index is not None else 400, "phone.error.stale_step")  # nothing kept
    options = survey.questions[str(step[1])].options if step[0] == "q" else ()
    value = questionnaire.answer_value(step, fields.get(ANSWER_FIELD, ""), options)
    move = -1 if fields.get(MOVE_FIELD) == BACK else 1
    draft = questionnaire.with_answer({**survey.state.draft, "step": index}, step, value, move)
    with database.session_scope() as session:  # (the token already read, unless this is a room's first answer)
        token = survey.state.token or way.token(session)
        service.save_draft(session=session, token=token, draft=draft)
    return draft["step"], replace(survey, state=replace(survey.state, token=token, draft=draft))


def _send(way: Way, who: Phone) -> None:
    survey = _survey(way, who)
    if survey.state.answered or not survey.state.wave_open:
        return  # a second send (double tap, another tab) stores nothing; the page then thanks or says closed
    profile, levels = questionnaire.current_answers(survey.state.draft, survey.steps)
    with database.session_scope() as session:
        service.submit_token(session=session, token=way.token(session), levels=levels, profile=profile)


async def _posted(
    request: Request, way: Way, who: Phone, act: Callable[[dict[str, str]], str | Response]
) -> Response:
    """A form of ours: CSRF and size checked, the action run, then 303 to the address it gives (or, for
    phone.js, the page at that address, which the action drew itself).

    A refusal is said on the screen the phone was on, its answers kept; a wave closed or a response sent
    meanwhile leads to the page that says so, with nothing stored.
    """
    try:
        fields = await web.form(request, who)
    except web.Refused as refused:
        return web.refusal(who, refused, title_key=TITLE)
    try:
        going = await web.in_thread(act, fields)
    except (web.Refused, SpiraleError) as error:
        if isinstance(error, SpiraleError) and error.key in {"error.wave_closed", "error.token_used"}:
            return web.redirect(who, way.base)
        status = error.status if isinstance(error, web.Refused) else _status(error)
        if who.wants_json or status == 404:
            return web.refusal(who, error, status=status, title_key=TITLE)
        message = web.notice(who, error.key, **error.params)
        asked, typed = fields.get(STEP_FIELD), fields.get(ANSWER_FIELD)  # a refused text stays in its field
        return await web.in_thread(screen, who, way, asked, message=message, status=status, typed=typed)
    return going if isinstance(going, Response) else web.redirect(who, going)


async def answer(request: Request, way: Way, who: Phone) -> Response:
    def act(fields: dict[str, str]) -> str | Response:
        going, survey = _keep(way, who, fields)
        if going is None:
            return way.base
        address = f"{way.base}?{STEP_FIELD}={going}"
        if who.wants_screen:  # the next screen at once, from the draft just kept: one request a step
            return web.drawn_at(_step_screen(who, way, survey, going), address)
        return address

    return await _posted(request, way, who, act)


async def send(request: Request, way: Way, who: Phone) -> Response:
    def act(_fields: dict[str, str]) -> str:
        _send(way, who)
        return f"{way.base}?{SENT}=1"

    return await _posted(request, way, who, act)


# ---------- the routes ----------


async def link_screen(request: Request) -> Response:
    """GET /p/q/{token}: the person's own link, where they stopped (or the screen asked by ?etape=)."""
    who = web.phone(request)
    way = by_link(request.path_params["token"])
    asked = request.query_params.get(STEP_FIELD)
    return await web.in_thread(screen, who, way, asked, sent=bool(request.query_params.get(SENT)))


async def link_answer(request: Request) -> Response:
    """POST /p/q/{token}: one screen's answer, then the next (or previous) screen."""
    return await answer(request, by_link(request.path_params["token"]), web.phone(request))


async def link_send(request: Request) -> Response:
    """POST /p/q/{token}/envoyer: the response, once."""
    return await send(request, by_link(request.path_params["token"]), web.phone(request))


async def room_screen(request: Request) -> Response:
    """GET /p/enquete/{code}: the room's QR code; this phone's own response, where it stopped."""
    who = web.phone(request)
    raw = request.path_params["code"]
    code = join.normalise_code(raw)[:12]
    if code != raw:  # typed in lower case or with spaces
        return web.redirect(who, f"/p/enquete/{quote(code, safe='')}")
    asked = request.query_params.get(STEP_FIELD)
    return await web.in_thread(screen, who, by_room(code, who), asked, sent=bool(request.query_params.get(SENT)))


async def room_answer(request: Request) -> Response:
    """POST /p/enquete/{code}: one screen's answer (the phone's response is made at its first answer)."""
    who = web.phone(request)
    return await answer(request, by_room(request.path_params["code"], who), who)


async def room_send(request: Request) -> Response:
    """POST /p/enquete/{code}/envoyer: this phone's response, once."""
    who = web.phone(request)
    return await send(request, by_room(request.path_params["code"], who), who)


ROUTES = [
    Route("/p/q/{token}", link_screen, methods=["GET"]),
    Route("/p/q/{token}", link_answer, methods=["POST"]),
    Route("/p/q/{token}/envoyer", link_send, methods=["POST"]),
    Route("/p/enquete/{code}", room_screen, methods=["GET"]),
    Route("/p/enquete/{code}", room_answer, methods=["POST"]),
    Route("/p/enquete/{code}/envoyer", room_send, methods=["POST"]),
]
