"""The survey on the phone routes (/p/q/TOKEN, /p/enquete/CODE), in process through Starlette's TestClient.

The same routes and guard as app.py serves; every write is read back from the database.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.testclient import TestClient

from indicators import service as indicators_service
from participants import routes, web
from participants import survey as phone_survey
from surveys import service
from surveys.models import SurveyToken
from workshop import database, i18n, projects
from workshop.errors import SpiraleError

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')
LEVELS = {level: f"Situation {level} <i>à l'échelle</i>" for level in range(1, 6)}
QUESTIONS = [
    {"key": "profile", "label_fr": "Vous êtes", "label_en": "You are", "choices": "Habitant\nCommerçant"},
    {"key": "place", "label_fr": "Quartier", "label_en": "Neighbourhood", "choices": ""},
]


def fr(key: str, **params) -> str:
    return i18n.translate(key, "fr", **params)


def shown(key: str, lang: str = "fr", **params) -> str:
    """A message as the page's HTML shows it (escaped)."""
    return web.e(i18n.translate(key, lang, **params))


@dataclass
class World:
    url: str
    project_id: int
    wave_id: int
    indicators: list[int]
    code: str


@pytest.fixture
def world(db_url: str) -> World:
    with database.session_scope(db_url) as session:
        project = projects.create_project(session=session, name="Quartier test", place="Testville")
        ids = [
            indicators_service.create_indicator(
                session=session, project_id=project.id, name_fr=name, name_en=f"{name} (en)", levels=LEVELS
            ).id
            for name in ("Se loger", "Se sentir en sécurité")
        ]
        service.set_profile_questions(session=session, project_id=project.id, questions=QUESTIONS)
        wave = service.create_wave(session=session, project_id=project.id, name="Vague 1")
        code = service.room_code(session=session, project_id=project.id, wave_id=wave.id)
    return World(db_url, project.id, wave.id, ids, code)


def _app() -> Starlette:
    return Starlette(routes=routes.ROUTES, middleware=[Middleware(routes.ParticipantGuard)])


@pytest.fixture
def phones() -> Iterator[list[TestClient]]:
    """Phones (each its own cookie jar) on the participants' routes; ask for more with phones.append(...)."""
    made = [TestClient(_app(), follow_redirects=False) for _ in range(2)]
    yield made
    for client in made:
        client.close()


def token_of(world: World) -> str:
    with database.session_scope(world.url) as session:
        return service.create_tokens(session=session, project_id=world.project_id, wave_id=world.wave_id, count=1)[0]


def state(world: World, token: str) -> service.TokenState:
    with database.session_scope(world.url) as session:
        return service.token_state(session=session, token=token)


def respondents(world: World, wave_id: int | None = None) -> list[dict]:
    with database.session_scope(world.url) as session:
        frame = service.answers_frame(session=session, project_id=world.project_id, wave_id=wave_id or world.wave_id)
    by_code: dict[str, dict] = {}
    for row in frame.to_dict("records"):
        entry = by_code.setdefault(row["code"], {"profile": row["profile"], "place": row["place"], "levels": {}})
        entry["levels"][row["indicator_id"]] = None if row["level"] != row["level"] else int(row["level"])
    return list(by_code.values())


def respondent_count(world: World, wave_id: int | None = None) -> int:
    with database.session_scope(world.url) as session:
        return service.respondent_count(session=session, project_id=world.project_id, wave_id=wave_id or world.wave_id)


def room_rows(world: World) -> list[SurveyToken]:
    with database.read_scope(world.url) as session:
        query = select(SurveyToken).where(col(SurveyToken.participant_token).is_not(None)).order_by(SurveyToken.id)
        return [SurveyToken.model_validate(row) for row in session.exec(query)]


def csrf(phone: TestClient, path: str) -> str:
    page = phone.get(path)
    assert page.status_code == 200, page.text
    return CSRF.search(page.text).group(1)


def form_token(phone: TestClient) -> str:
    """The CSRF token of a phone's forms, for a screen that shows none (thanks, closed)."""
    return web.csrf_token(phone.cookies["spirale_participant"])


def post(phone: TestClient, path: str, fields: dict, **headers: str):
    return phone.post(path, data=fields, headers=headers)


def answer(phone: TestClient, base: str, step: int, key: str, value: object = "", move: str = "suivant"):
    """One screen answered as the phone's browser would: the screen drawn, then its form sent."""
    phone.get(f"{base}?etape={step}")
    token = form_token(phone)
    return post(phone, base, {"csrf": token, "etape": step, "cle": key, "reponse": value, "aller": move})


def keys(world: World) -> list[str]:
    return ["q:profile", "q:place", *(f"i:{i}" for i in world.indicators)]


# ---------- a person's own link ----------


def test_a_link_answers_one_screen_at_a_time_resumes_and_sends_once(world, phones):
    token = token_of(world)
    base = f"/p/q/{token}"
    phone, later = phones
    first = phone.get(base)
    assert first.status_code == 200 and shown("answer.progress", done=1, total=4) in first.text
    assert 'value="Habitant"' in first.text and first.headers["content-language"] == "fr"
    assert (
        "spirale_participant" in first.cookies and "frame-ancestors 'none'" in first.headers["content-security-policy"]
    )
    went = answer(phone, base, 0, "q:profile", "Habitant")
    assert went.status_code == 303 and went.headers["location"] == f"{base}?etape=1"
    assert state(world, token).draft["profile"] == {"profile": "Habitant"}

    resumed = later.get(base)  # the link opened later, on another phone: where the person stopped
    assert shown("answer.progress", done=2, total=4) in resumed.text and "Quartier" in resumed.text
    answer(later, base, 1, "q:place", "Centre <b>ville</b>")
    answer(later, base, 2, f"i:{world.indicators[0]}", 4)
    assert answer(later, base, 3, f"i:{world.indicators[1]}", 0).headers["location"] == f"{base}?etape=4"
    review = later.get(base)
    assert shown("answer.review", answered=2, total=2) in review.text
    assert "Centre &lt;b&gt;ville&lt;/b&gt;" in review.text and "<b>ville" not in review.text  # literally
    assert web.e(LEVELS[4]) in review.text and shown("step3.dont_know") in review.text
    back = answer(later, base, 3, f"i:{world.indicators[1]}", 0, move="retour")
    assert back.headers["location"] == f"{base}?etape=2" and state(world, token).draft["step"] == 2
    assert 'value="4" checked' in later.get(f"{base}?etape=2").text  # the screen shows what was chosen

    sent = post(later, f"{base}/envoyer", {"csrf": csrf(later, f"{base}?etape=4")})
    assert sent.status_code == 303 and later.get(sent.headers["location"]).text.count(shown("answer.thanks")) == 1
    stored = respondents(world)
    a, b = world.indicators
    assert stored == [{"profile": "Habitant", "place": "Centre <b>ville</b>", "levels": {a: 4, b: None}}]
    after = state(world, token)
    assert after.answered and after.draft == {}

    again = post(later, f"{base}/envoyer", {"csrf": form_token(later)})  # a double tap, another tab
    assert again.status_code == 303 and shown("answer.thanks") in later.get(base).text
    late = post(phone, base, {"csrf": form_token(phone), "etape": 0, "cle": "q:profile"})
    assert late.status_code == 303 and late.headers["location"] == base
    assert respondent_count(world) == 1 and respondents(world) == stored and state(world, token).draft == {}


def test_old_survey_links_lead_to_the_new_route(world, phones):
    token = token_of(world)
    moved = phones[0].get(f"/?survey={token}")
    assert moved.status_code == 303 and moved.headers["location"] == f"/p/q/{token}"
    assert phones[0].get("/?code=ack 3r9").headers["location"] == "/p/ACK3R9"  # the join links still move


def test_the_language_switch_keeps_the_screen(world, phones):
    token = token_of(world)
    page = phones[0].get(f"/p/q/{token}?etape=2&lang=en")
    assert page.headers["content-language"] == "en" and "Se loger (en)" in page.text
    assert web.e(i18n.translate("answer.pick_situation", "en")) in page.text
    assert f'href="/p/q/{token}?etape=2&amp;lang=fr"' in page.text


def test_the_phone_script_gets_the_next_screen_in_one_request(world, phones):
    """phone.js posts a screen with its header: the answer is kept and the next screen comes back at once (200,
    with its address for the phone's history), the same screen the redirect would have led to."""
    token = token_of(world)
    base = f"/p/q/{token}"
    phone, plain = phones
    phone.get(base)
    fields = {"csrf": form_token(phone), "etape": 0, "cle": "q:profile", "reponse": "Habitant", "aller": "suivant"}
    drawn = post(phone, base, fields, **{"X-Spirale-Screen": "1"})
    assert drawn.status_code == 200 and drawn.headers["x-spirale-address"] == f"{base}?etape=1"
    assert drawn.headers["content-type"].startswith("text/html") and "Quartier" in drawn.text
    assert state(world, token).draft["profile"] == {"profile": "Habitant"}
    assert drawn.text == phone.get(f"{base}?etape=1").text  # what a GET of that address draws
    last = len(keys(world)) - 1
    for step, key in enumerate(keys(world)[1:], start=1):
        went = answer(phone, base, step, key, "Gare" if step == 1 else 3)
        assert went.status_code == 303, step  # no header: the plain form's redirect
    review = post(phone, base, {"csrf": form_token(phone), "etape": last, "cle": keys(world)[last], "reponse": 2,
                                "aller": "suivant"}, **{"X-Spirale-Screen": "1"})  # fmt: skip
    assert review.headers["x-spirale-address"] == f"{base}?etape={last + 1}"
    assert shown("answer.review_title") in review.text and state(world, token).draft["levels"][
        str(world.indicators[-1])] == 2  # fmt: skip
    refused = post(phone, base, {**fields, "reponse": "Élu"}, **{"X-Spirale-Screen": "1"})
    assert refused.status_code == 422 and "x-spirale-address" not in refused.headers  # said where it stands
    assert shown("error.choice_unknown", value="Élu") in refused.text
    with database.session_scope(world.url) as session:
        service.set_wave_status(session=session, project_id=world.project_id, wave_id=world.wave_id, status="closed")
    closed = post(phone, base, fields, **{"X-Spirale-Screen": "1"})
    assert closed.status_code == 303 and closed.headers["location"] == base  # the script follows it: "closed"
    assert plain.get(base).status_code == 410


def test_a_closed_wave_takes_nothing_more(world, phones):
    token = token_of(world)
    base = f"/p/q/{token}"
    phone = phones[0]
    answer(phone, base, 0, "q:profile", "Habitant")
    form = csrf(phone, f"{base}?etape=1")  # a phone mid-questionnaire
    with database.session_scope(world.url) as session:
        service.set_wave_status(session=session, project_id=world.project_id, wave_id=world.wave_id, status="closed")
    late = post(phone, base, {"csrf": form, "etape": 1, "cle": "q:place", "reponse": "Gare"})
    assert late.status_code == 303
    closed = phone.get(late.headers["location"])
    assert closed.status_code == 410 and shown("answer.closed") in closed.text
    assert "<form" not in closed.text.split("<main", 1)[1]  # nothing left to send
    assert post(phone, f"{base}/envoyer", {"csrf": form}).status_code == 303
    assert state(world, token).draft["profile"] == {"profile": "Habitant"} and respondent_count(world) == 0
    english = phone.get(f"{base}?lang=en")
    assert english.status_code == 410 and shown("answer.closed", "en") in english.text


# ---------- bad input ----------


def test_forged_missing_or_foreign_csrf_is_refused_and_stores_nothing(world, phones):
    token = token_of(world)
    base = f"/p/q/{token}"
    phone, other = phones
    csrf(phone, base)
    fields = {"etape": 0, "cle": "q:profile", "reponse": "Habitant"}
    for sent in (fields, {**fields, "csrf": "0" * 32}, {**fields, "csrf": csrf(other, base)}):
        refused = post(phone, base, sent)
        assert refused.status_code == 403 and shown("phone.error.expired") in refused.text
    stranger = TestClient(_app(), follow_redirects=False)  # no cookie at all: a cross-site form
    assert post(stranger, base, {**fields, "csrf": csrf(phone, base)}).status_code == 403
    assert post(phone, f"{base}/envoyer", {"aller": "suivant"}).status_code == 403
    assert state(world, token).draft == {} and respondent_count(world) == 0


def test_bad_answers_are_refused_in_the_phone_language_and_keep_the_draft(world, phones):
    token = token_of(world)
    base = f"/p/q/{token}"
    phone = phones[0]
    answer(phone, base, 0, "q:profile", "Habitant")
    kept = state(world, token).draft
    level = f"i:{world.indicators[0]}"
    for value in ("7", "-1", "²", "4.0", "1e3"):
        refused = answer(phone, base, 2, level, value)
        assert refused.status_code == 422 and shown("error.level_range", value=value) in refused.text, value
    odd = answer(phone, base, 0, "q:profile", "Élu<script>")
    assert odd.status_code == 422 and shown("error.choice_unknown", value="Élu<script>") in odd.text
    long = answer(phone, base, 1, "q:place", "x" * 121)
    assert long.status_code == 422 and shown("error.text_too_long", limit=120, length=121) in long.text
    assert 'value="' + "x" * 121 + '"' in long.text  # what was typed stays in the field
    # A malformed step, one out of range, none, or a screen that is not the one the form says (drawn before
    # the questionnaire changed): nothing kept, said on the screen where the person stands.
    for step, key, status in (("abc", "q:profile", 400), ("99", "q:profile", 400), ("", "q:profile", 400),
                              ("1", "q:profile", 409), ("0", "i:999", 409)):  # fmt: skip
        fields = {"csrf": form_token(phone), "etape": step, "cle": key, "reponse": "Habitant"}
        stale = post(phone, base, fields)
        assert stale.status_code == status and shown("phone.error.stale_step") in stale.text, step
    english = answer(phone, f"{base}?lang=en", 2, level, "9")  # the phone switched to English
    assert english.status_code == 422 and shown("error.level_range", "en", value="9") in english.text
    assert state(world, token).draft == kept


def test_huge_or_malformed_bodies_get_a_plain_status(world, phones):
    token = token_of(world)
    base = f"/p/q/{token}"
    phone = phones[0]
    form = csrf(phone, base)
    huge = phone.post(base, content=b"csrf=" + form.encode() + b"&reponse=" + b"x" * 40_000,
                      headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert huge.status_code == 413 and shown("phone.error.too_large") in huge.text
    as_json = phone.post(base, content=b"{}", headers={"content-type": "application/json"})
    assert as_json.status_code == 415
    robot = phone.post(base, data={"csrf": form, "etape": "x"}, headers={"accept": "application/json"})
    assert robot.status_code == 400 and robot.json() == {"ok": False, "message": fr("phone.error.stale_step")}
    unknown = phone.get("/p/q/no-such-link")
    assert unknown.status_code == 404 and shown("error.token_unknown") in unknown.text
    assert phone.get(f"/p/q/{'y' * 5000}").status_code == 404
    assert state(world, token).draft == {}


def test_a_link_of_another_wave_answers_that_wave_only(world, phones):
    with database.session_scope(world.url) as session:
        other = service.create_wave(session=session, project_id=world.project_id, name="Vague 2")
        token = service.create_tokens(session=session, project_id=world.project_id, wave_id=other.id, count=1)[0]
    base = f"/p/q/{token}"
    phone = phones[0]
    answer(phone, base, 2, f"i:{world.indicators[0]}", 2)
    post(phone, f"{base}/envoyer", {"csrf": csrf(phone, base)})
    assert respondent_count(world, other.id) == 1 and respondent_count(world) == 0


def test_a_phone_answers_each_wave_room_code_once(world, phones):
    with database.session_scope(world.url) as session:
        other = service.create_wave(session=session, project_id=world.project_id, name="Vague 2")
    phone = phones[0]
    for code, level in ((world.code, 1), (other.room_code, 5)):
        base = f"/p/enquete/{code}"
        assert shown("answer.progress", done=1, total=4) in phone.get(base).text  # a fresh questionnaire
        answer(phone, base, 2, f"i:{world.indicators[0]}", level)
        post(phone, f"{base}/envoyer", {"csrf": form_token(phone)})
        assert shown("answer.already") in phone.get(base).text
    first, second = respondents(world), respondents(world, other.id)
    a = world.indicators[0]
    assert [r["levels"][a] for r in first] == [1] and [r["levels"][a] for r in second] == [5]
    assert sorted(r.wave_id for r in room_rows(world)) == sorted([world.wave_id, other.id])


# ---------- the room's code ----------


def test_the_room_code_gives_each_phone_one_response(world, phones):
    base = f"/p/enquete/{world.code}"
    first, second = phones
    opened = first.get(base)
    assert opened.status_code == 200 and shown("answer.progress", done=1, total=4) in opened.text
    assert room_rows(world) == []  # opening the code stores nothing
    assert first.get(f"/p/enquete/{world.code.lower()}").headers["location"] == base  # typed in lower case
    for phone, level in ((first, 5), (second, 1)):
        answer(phone, base, 0, "q:profile", "Commerçant")
        answer(phone, base, 2, f"i:{world.indicators[0]}", level)
    rows = room_rows(world)
    assert sorted(r.participant_token for r in rows) == sorted(p.cookies["spirale_participant"] for p in phones)
    assert shown("answer.progress", done=4, total=4) in first.get(base).text  # resumes where it stopped
    for phone in phones:
        sent = post(phone, f"{base}/envoyer", {"csrf": csrf(phone, base)})
        assert shown("answer.thanks") in phone.get(sent.headers["location"]).text
    a = world.indicators[0]
    assert sorted(r["levels"][a] for r in respondents(world)) == [1, 5]

    again = first.get(base)  # the same phone, later: one response per phone
    assert shown("answer.already") in again.text and "<form" not in again.text.split("<main", 1)[1]
    assert answer(first, base, 0, "q:profile", "Habitant").headers["location"] == base
    post(first, f"{base}/envoyer", {"csrf": form_token(first)})
    assert respondent_count(world) == 2 and len(room_rows(world)) == 2
    assert {r.token for r in room_rows(world)}.isdisjoint(service_links(world))  # not among the mailed links


def service_links(world: World) -> set[str]:
    with database.session_scope(world.url) as session:
        return set(service.tokens_frame(session=session, project_id=world.project_id, wave_id=world.wave_id)["token"])


def test_a_phone_room_response_opens_on_that_phone_only(world, phones):
    base = f"/p/enquete/{world.code}"
    owner, other = phones
    answer(owner, base, 0, "q:profile", "Habitant")
    token = room_rows(world)[0].token
    assert owner.get(f"/p/q/{token}").status_code == 200
    stolen = other.get(f"/p/q/{token}")
    assert stolen.status_code == 404 and shown("error.token_unknown") in stolen.text
    assert post(other, f"/p/q/{token}/envoyer", {"csrf": csrf(other, base)}).status_code == 404
    assert respondent_count(world) == 0


def test_room_code_closed_with_its_wave_and_unknown_codes(world, phones):
    base = f"/p/enquete/{world.code}"
    phone = phones[0]
    answer(phone, base, 0, "q:profile", "Habitant")
    form = csrf(phone, f"{base}?etape=1")
    with database.session_scope(world.url) as session:
        service.set_wave_status(session=session, project_id=world.project_id, wave_id=world.wave_id, status="closed")
    for other in phones:
        closed = other.get(base)
        assert closed.status_code == 410 and shown("answer.closed") in closed.text
    assert post(phone, base, {"csrf": form, "etape": 1, "cle": "q:place", "reponse": "Gare"}).status_code == 303
    newcomer = {"csrf": form_token(phones[1]), "etape": 0, "cle": "q:profile", "reponse": "Habitant"}
    assert post(phones[1], base, newcomer).status_code == 303
    assert len(room_rows(world)) == 1 and respondent_count(world) == 0  # the newcomer got no response either
    unknown = phone.get("/p/enquete/ZZZZZZ")
    assert unknown.status_code == 404 and shown("error.room_code_unknown") in unknown.text
    with database.session_scope(world.url) as session:
        service.set_wave_status(session=session, project_id=world.project_id, wave_id=world.wave_id, status="open")
    assert shown("answer.progress", done=2, total=4) in phone.get(base).text  # reopened: the draft is there


def test_a_phone_reference_finds_exports_and_erases_its_room_answers(world, phones):
    import privacy
    from privacy import service as privacy_service
    from privacy.service import Selector

    base = f"/p/enquete/{world.code}"
    phone, other = phones
    for client, place in ((phone, "Gare"), (other, "Nord")):
        answer(client, base, 1, "q:place", place)
        post(client, f"{base}/envoyer", {"csrf": form_token(client)})
    reference = privacy.participant_reference(phone.cookies["spirale_participant"])
    assert reference in phone.get(base).text  # the thanks screen gives it
    selector = Selector(token=reference)
    with database.session_scope(world.url) as session:
        found = privacy_service.find_participant(session=session, project_id=world.project_id, selector=selector)
        assert [r.place for r in found.responses] == ["Gare"] and len(found.links) == 1
        privacy_service.erase_participant(session=session, project_id=world.project_id, selector=selector)
    with database.read_scope(world.url) as session:
        people = service.respondents_frame(session=session, project_id=world.project_id, wave_id=world.wave_id)
    assert list(people["place"]) == ["Nord"]  # the other phone's response stays
    assert shown("answer.already") in phone.get(base).text  # erased, and still one response per phone
    post(phone, f"{base}/envoyer", {"csrf": form_token(phone)})
    assert respondent_count(world) == 1


def test_through_the_real_server(app_db, app_url):
    """app.py's st.App serves the routes beside Streamlit: the old link moves, a screen is kept, the send counts."""
    import http.client
    from urllib.parse import urlencode, urlsplit

    with database.session_scope(app_db) as session:
        project = projects.create_project(session=session, name="Serveur", place="Testville")
        indicators_service.create_indicator(session=session, project_id=project.id, name_fr="Se loger", levels=LEVELS)
        service.set_profile_questions(session=session, project_id=project.id, questions=QUESTIONS[1:])
        wave = service.create_wave(session=session, project_id=project.id, name="Vague 1")
        token = service.create_tokens(session=session, project_id=project.id, wave_id=wave.id, count=1)[0]
    site = urlsplit(app_url)
    cookies: dict[str, str] = {}

    def ask(method: str, path: str, fields: dict | None = None) -> tuple[int, dict, str]:
        connection = http.client.HTTPConnection(site.hostname, site.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        body = urlencode(fields).encode() if fields is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        text = answer.read().decode()
        for name, value in answer.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookies[key] = rest.split(";", 1)[0]
        connection.close()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, text

    status, headers, _ = ask("GET", f"/?survey={token}")
    assert status == 303 and headers["location"] == f"/p/q/{token}"
    status, headers, page = ask("GET", f"/p/q/{token}")
    assert status == 200 and "frame-ancestors 'none'" in headers["content-security-policy"] and "stApp" not in page
    form = {"csrf": CSRF.search(page).group(1), "etape": 0, "cle": "q:place", "reponse": "Gare"}
    status, headers, _ = ask("POST", f"/p/q/{token}", form)
    assert status == 303 and headers["location"] == f"/p/q/{token}?etape=1"
    status, headers, _ = ask("POST", f"/p/q/{token}/envoyer", {"csrf": form["csrf"]})
    assert status == 303 and shown("answer.thanks") in ask("GET", headers["location"])[2]
    with database.read_scope(app_db) as session:
        people = service.respondents_frame(session=session, project_id=project.id, wave_id=wave.id)
    assert list(people["place"]) == ["Gare"]


def test_a_busy_database_says_so_and_keeps_the_screen(world, phones, monkeypatch):
    token = token_of(world)
    base = f"/p/q/{token}"
    phone = phones[0]
    answer(phone, base, 0, "q:profile", "Habitant")

    def busy(**_params):
        raise SpiraleError("error.database_busy")

    monkeypatch.setattr(service, "save_draft", busy)
    refused = answer(phone, base, 1, "q:place", "Gare")
    assert refused.status_code == 503 and shown("error.database_busy") in refused.text
    assert 'value="Gare"' in refused.text  # what was typed is still in its field
    assert state(world, token).draft["profile"] == {"profile": "Habitant"}


def test_the_questionnaire_is_read_once_a_moment_and_edits_reach_phones(world, phones, monkeypatch):
    """Every screen draws the questionnaire; a process reads it at most every QUESTIONNAIRE_SECONDS."""
    reads = []
    real = service.questionnaire_of
    monkeypatch.setattr(service, "questionnaire_of", lambda **kw: reads.append(kw) or real(**kw))
    monkeypatch.setattr(phone_survey, "QUESTIONNAIRE_SECONDS", 60.0)
    phone_survey._questionnaires.clear()
    base = f"/p/enquete/{world.code}"
    assert phones[0].get(base).status_code == phones[1].get(base).status_code == 200
    assert len(reads) == 1  # two phones, the same moment: read once
    with database.session_scope(world.url) as session:  # the facilitator renames an indicator
        indicators_service.update_indicator(
            session=session, project_id=world.project_id, indicator_id=world.indicators[0], name_fr="Avoir un toit",
            levels=LEVELS,
        )  # fmt: skip
    monkeypatch.setattr(phone_survey, "QUESTIONNAIRE_SECONDS", 0.0)  # the moment has passed
    phones[0].get(f"{base}?etape=2")
    assert len(reads) == 2
    assert "Avoir un toit" in phones[1].get(f"{base}?etape=2").text
