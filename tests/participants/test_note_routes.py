"""Join and write notes through the real server with plain HTTP: what a phone, a robot or a forger gets.

Each test reads back from the app's database what was stored (nothing twice, nothing lost).
"""

import http.client
import json
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

import pytest

from groups import join, service
from groups.models import ILLBEING, WELLBEING
from workshop import database, i18n, projects

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')


class Phone:
    """A phone with its cookie jar, talking HTTP/1.1 to the app."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        sent = {**(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers=sent)
        answer = connection.getresponse()
        text = answer.read().decode("utf-8", "replace")
        for header in answer.headers.get_all("set-cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            self.cookies.update({name: morsel.value for name, morsel in jar.items()})
        connection.close()
        return answer, text

    def get(self, path: str, **headers):
        return self.request("GET", path, headers=headers)

    def post(self, path: str, fields: dict, *, as_json: bool = True, **headers):
        body = urlencode(fields).encode()
        sent = {"Content-Type": "application/x-www-form-urlencoded", **headers}
        if as_json:
            sent["Accept"] = "application/json"
        return self.request("POST", path, body=body, headers=sent)

    def join(self, code: str) -> str:
        answer, text = self.get(f"/p/{code}")
        assert answer.status == 200, text
        return CSRF.search(text).group(1)


@pytest.fixture
def meeting(app_db):
    database.prepare(app_db)
    with database.session_scope(app_db) as session:
        project = projects.create_project(session=session, name="Quartier des Tilleuls")
        group = service.create_group(session=session, project_id=project.id, profile="Parents seuls")
        code = join.open_join(session=session, project_id=project.id, group_id=group.id).join_code
    return project.id, group.id, code


def notes(app_db, project_id: int) -> list[tuple[str, str, str | None]]:
    with database.session_scope(app_db) as session:
        return [
            (c.question, c.text, c.participant_token)
            for c in service.list_criteria(session=session, project_id=project_id)
        ]


def fr(key: str, **params) -> str:
    return i18n.translate(key, "fr", **params)


def test_a_note_is_stored_once_even_sent_twice(app_url, app_db, meeting):
    project_id, _, code = meeting
    phone = Phone(app_url)
    csrf = phone.join(code)
    fields = {"csrf": csrf, "question": ILLBEING, "text": "Le bruit la nuit", "alias": "Karim"}
    first, body = phone.post(f"/p/{code}/notes", fields)
    again, _ = phone.post(f"/p/{code}/notes", fields)  # a double tap, or a replayed request
    assert (first.status, again.status) == (200, 200)
    assert json.loads(body)["ok"] is True
    assert notes(app_db, project_id) == [(ILLBEING, "Le bruit la nuit", phone.cookies["spirale_participant"])]


def test_the_participant_cookie_is_httponly_lax_and_the_page_locked_down(app_url, meeting):
    _, _, code = meeting
    answer, text = Phone(app_url).get(f"/p/{code}")
    cookie = next(c for c in answer.headers.get_all("set-cookie") if c.startswith("spirale_participant="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=2592000" in cookie
    policy = answer.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert answer.headers["x-frame-options"] == "DENY"
    assert "<script>" not in text and "style=" not in text  # nothing inline for the policy to allow


def test_without_the_right_csrf_token_nothing_is_stored(app_url, app_db, meeting):
    project_id, _, code = meeting
    phone = Phone(app_url)
    csrf = phone.join(code)
    for forged in (
        {"question": ILLBEING, "text": "sans jeton"},
        {"csrf": "0" * 32, "question": ILLBEING, "text": "faux"},
    ):
        answer, body = phone.post(f"/p/{code}/notes", forged)
        assert answer.status == 403
        assert json.loads(body)["message"] == fr("phone.error.expired")
    stranger = Phone(app_url)  # another site's page posting with a token it saw: no cookie, so no match
    answer, _ = stranger.post(f"/p/{code}/notes", {"csrf": csrf, "question": ILLBEING, "text": "cross-site"})
    assert answer.status == 403
    assert notes(app_db, project_id) == []


def test_a_forged_cookie_gets_a_new_identity_never_someone_elses_notes(app_url, app_db, meeting):
    project_id, _, code = meeting
    owner = Phone(app_url)
    csrf = owner.join(code)
    owner.post(f"/p/{code}/notes", {"csrf": csrf, "question": ILLBEING, "text": "Ma note à moi"})
    for forged in ("x", "../../etc", "<script>", owner.cookies["spirale_participant"][:-1] + "!"):
        forger = Phone(app_url)
        forger.cookies["spirale_participant"] = forged
        answer, text = forger.get(f"/p/{code}")
        assert answer.status == 200
        assert "Ma note à moi" not in text
        assert forger.cookies["spirale_participant"] not in {forged, owner.cookies["spirale_participant"]}
    assert len(notes(app_db, project_id)) == 1


def test_bad_bodies_get_a_status_and_store_nothing(app_url, app_db, meeting):
    project_id, _, code = meeting
    phone = Phone(app_url)
    csrf = phone.join(code)
    huge = {"csrf": csrf, "question": ILLBEING, "text": "x" * 20_000}
    answer, body = phone.post(f"/p/{code}/notes", huge)
    assert answer.status == 413 and json.loads(body)["message"] == fr("phone.error.too_large")
    answer, _ = phone.request("POST", f"/p/{code}/notes", b'{"text": "json"}', {"Content-Type": "application/json"})
    assert answer.status == 415
    answer, _ = phone.request(
        "POST", f"/p/{code}/notes", b"\xff\xfe=\xff", {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert answer.status in (400, 403)
    long_note = {"csrf": csrf, "question": ILLBEING, "text": "é" * 10_000}
    answer, body = phone.post(f"/p/{code}/notes", long_note)
    assert answer.status == 413  # 10,000 characters are 20,000 bytes: refused before any service
    answer, body = phone.post(f"/p/{code}/notes", {"csrf": csrf, "question": ILLBEING, "text": "y" * 281})
    assert answer.status == 422 and json.loads(body)["message"] == fr("error.text_too_long", length=281, limit=280)
    answer, body = phone.post(f"/p/{code}/notes", {"csrf": csrf, "question": "other", "text": "une idée"})
    assert answer.status == 422
    assert notes(app_db, project_id) == []


def test_markup_and_control_characters_are_stored_as_text_and_shown_literally(app_url, app_db, meeting):
    project_id, _, code = meeting
    phone = Phone(app_url)
    csrf = phone.join(code)
    written = '<img src=x onerror="alert(1)"> & <b>gras</b>\x07'
    answer, _ = phone.post(f"/p/{code}/notes", {"csrf": csrf, "question": ILLBEING, "text": written})
    assert answer.status == 200
    [(_, stored, _)] = notes(app_db, project_id)
    assert stored == '<img src=x onerror="alert(1)"> & <b>gras</b>'  # the control character left, the rest kept
    _, page = phone.get(f"/p/{code}")
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &lt;b&gt;gras&lt;/b&gt;" in page
    assert "<img src=x" not in page


def test_codes_typed_as_people_type_and_closed_or_unknown_codes(app_url, app_db, meeting):
    project_id, group_id, code = meeting
    phone = Phone(app_url)
    typed = f"{code[:3].lower()} {code[3:].lower()}"
    answer, _ = phone.get(f"/p/rejoindre?{urlencode({'code': typed})}")
    assert answer.status == 303 and answer.headers["location"] == f"/p/{code}"
    answer, _ = phone.get(f"/?code={code.lower()}")  # a link printed before the phone routes
    assert answer.status == 303 and answer.headers["location"] == f"/p/{code}"
    answer, text = phone.get("/p/ZZZZZZ")
    assert answer.status == 404 and fr("error.join_code_unknown", code="ZZZZZZ") in text.replace("&#x27;", "'")
    csrf = phone.join(code)
    with database.session_scope(app_db) as session:
        join.close_join(session=session, project_id=project_id, group_id=group_id)
    answer, text = phone.get(f"/p/{code}?lang=en")
    assert answer.status == 410 and i18n.translate("error.join_code_closed", "en", code=code) in text
    answer, _ = phone.post(f"/p/{code}/notes", {"csrf": csrf, "question": ILLBEING, "text": "trop tard"})
    assert answer.status == 410
    assert notes(app_db, project_id) == []


def test_a_participant_edits_and_withdraws_only_their_own_notes(app_url, app_db, meeting):
    project_id, _, code = meeting
    owner, other = Phone(app_url), Phone(app_url)
    csrf = owner.join(code)
    _, body = owner.post(f"/p/{code}/notes", {"csrf": csrf, "question": ILLBEING, "text": "Des trottoirs encombrés"})
    note_id = json.loads(body)["id"]
    other_csrf = other.join(code)
    answer, _ = other.post(f"/p/{code}/notes/{note_id}", {"csrf": other_csrf, "text": "piraté"})
    assert answer.status == 404
    answer, _ = other.post(f"/p/{code}/notes/{note_id}/retirer", {"csrf": other_csrf})
    assert answer.status == 404
    answer, _ = owner.post(f"/p/{code}/notes/{note_id}", {"csrf": csrf, "text": "Des trottoirs encombrés de voitures"})
    assert answer.status == 200
    with database.session_scope(app_db) as session:
        [note] = service.list_criteria(session=session, project_id=project_id)
    assert (note.text, note.corrected_text) == ("Des trottoirs encombrés", "Des trottoirs encombrés de voitures")
    answer, _ = owner.post(f"/p/{code}/notes/{note_id}/retirer", {"csrf": csrf}, as_json=False)
    assert answer.status == 303
    assert notes(app_db, project_id) == []


@pytest.fixture
def ten_a_second(monkeypatch):
    """The server started next allows 10 requests a second from one address (20 at once)."""
    monkeypatch.setenv("SPIRALE_PHONE_RATE", "10")


def test_a_flood_from_one_address_gets_429(ten_a_second, app_url, meeting):
    _, _, code = meeting
    robot = Phone(app_url)
    answers = [robot.get(f"/p/{code}")[0] for _ in range(60)]
    refused = [a for a in answers if a.status == 429]
    assert answers[0].status == 200 and refused
    assert refused[0].headers["retry-after"] == "1"


def test_one_phone_sends_at_most_its_share_of_notes_a_minute(app_url, app_db, meeting):
    project_id, _, code = meeting
    phone = Phone(app_url)
    csrf = phone.join(code)
    answers = [
        phone.post(f"/p/{code}/notes", {"csrf": csrf, "question": ILLBEING, "text": f"idée {n}"}) for n in range(14)
    ]
    statuses = [a.status for a, _ in answers]
    assert statuses == [200] * service.RATE_LIMIT_NOTES + [429] * (14 - service.RATE_LIMIT_NOTES)
    assert json.loads(answers[-1][1])["message"].startswith(fr("error.note_rate", seconds=0).split("0")[0])
    stored = [text for _, text, _ in notes(app_db, project_id)]
    assert stored == [f"idée {n}" for n in range(service.RATE_LIMIT_NOTES)]  # each accepted one, once


def test_a_validated_note_can_no_longer_be_changed_from_the_phone(app_url, app_db, meeting):
    project_id, group_id, code = meeting
    phone = Phone(app_url)
    csrf = phone.join(code)
    _, body = phone.post(f"/p/{code}/notes", {"csrf": csrf, "question": ILLBEING, "text": "Des bancs"})
    note_id = json.loads(body)["id"]
    with database.session_scope(app_db) as session:
        service.validate_group(session=session, project_id=project_id, group_id=group_id)
    _, page = phone.get(f"/p/{code}")
    assert fr("join.validated") in page and f"/notes/{note_id}/retirer" not in page
    answer, body = phone.post(f"/p/{code}/notes/{note_id}", {"csrf": csrf, "text": "Autre chose"})
    assert answer.status == 409 and json.loads(body)["message"] == fr("error.note_validated")
    answer, _ = phone.post(f"/p/{code}/notes/{note_id}/retirer", {"csrf": csrf})
    assert answer.status == 409
    assert notes(app_db, project_id)[0][1] == "Des bancs"


def test_the_page_in_english_with_the_cycle_wording_and_the_countdown(app_url, app_db, meeting):
    project_id, group_id, code = meeting
    with database.session_scope(app_db) as session:
        service.set_question_wording(
            session=session,
            project_id=project_id,
            cycle=1,
            question=WELLBEING,
            text_fr="",
            text_en="What makes <you> *well*?",
        )
        service.start_timer(session=session, project_id=project_id, group_id=group_id, question=ILLBEING, minutes=3)
    phone = Phone(app_url)
    answer, page = phone.get(f"/p/{code}?lang=en")
    assert answer.status == 200 and '<html lang="en">' in page
    assert "What makes &lt;you&gt; *well*?" in page  # the project's own words, shown literally
    assert i18n.translate("question.illbeing.short", "en") in page
    assert re.search(r'class="timer" data-seconds="1(79|80)"', page)  # the ill-being countdown, 3 minutes
    assert 'value="illbeing" checked' in page  # the question the group is working on is chosen
    _, again = phone.get(f"/p/{code}")  # the language is remembered
    assert '<html lang="en">' in again
    assert fr("join.title") not in again and i18n.translate("join.title", "en") in again


def test_a_survey_room_code_typed_where_codes_are_asked_leads_to_the_survey(app_url, app_db, meeting):
    from surveys import service as surveys

    project_id, _, _ = meeting
    with database.session_scope(app_db) as session:
        wave = surveys.create_wave(session=session, project_id=project_id, name="Vague 1", kind="ex-ante")
        room = surveys.room_code(session=session, project_id=project_id, wave_id=wave.id)
    answer, _ = Phone(app_url).get(f"/p/rejoindre?{urlencode({'code': room.lower()})}")
    assert answer.status == 303 and answer.headers["location"] == f"/p/enquete/{room}"
    answer, text = Phone(app_url).get("/p/rejoindre?code=QQQQQQ")
    assert answer.status == 404 and fr("error.join_code_unknown", code="QQQQQQ") in text.replace("&#x27;", "'")
