"""docs/deployment.md, tried: two app processes on one PostgreSQL behind Debian's nginx with deploy/nginx.conf.

Phones' requests are spread over both processes and every note and survey response (by the room's code and
by a person's link) is stored exactly once; a facilitator's
Streamlit page loads through the proxy (its websocket works) and all its requests stay on one process; the
participant cookie is Secure when the phone comes over HTTPS. Which process served a request is read from
nginx's access log (upstream=...), as an administrator would.
"""

import html
import http.client
import json
import re
import shutil
import ssl
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from sqlmodel import col, select

import demo
from groups import join
from groups import service as groups_service
from groups.models import QUESTIONS, Criterion
from surveys import service as surveys_service
from surveys.models import Answer, Respondent, SurveyToken
from tests import app_servers
from tests.conftest import free_port, new_database, skip_or_fail
from workshop import database

pytestmark = pytest.mark.postgres

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')
PHONES = 12
NOTES_EACH = 3
ROOM_PHONES = 6  # answering the survey by the room's code
LINKS = 4  # and by their own link


@dataclass
class Deployment:
    url: str  # the database
    proxy: app_servers.Proxy
    app_ports: list[int]
    code: str
    project_id: int
    wave_id: int
    room_code: str
    tokens: list[str]
    indicators: int


@pytest.fixture(scope="module")
def deployment(postgres_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    if app_servers.nginx_binary() is None:
        skip_or_fail("nginx not found (apt-get install nginx)", "SPIRALE_REQUIRE_NGINX")
    if shutil.which("openssl") is None:  # for the HTTPS side's throwaway certificate
        skip_or_fail("openssl not found (apt-get install openssl)", "SPIRALE_REQUIRE_NGINX")
    workdir = tmp_path_factory.mktemp("deployment")
    url = new_database(postgres_server)
    database.prepare(url)
    with database.session_scope(url) as session:
        project = demo.load_demo(session=session)  # its 16 indicators and profile questions for the survey
        group = groups_service.create_group(session=session, project_id=project.id, profile="Parents seuls")
        code = join.open_join(session=session, project_id=project.id, group_id=group.id).join_code
        wave = surveys_service.create_wave(session=session, project_id=project.id, name="Vague déployée")
        tokens = surveys_service.create_tokens(session=session, project_id=project.id, wave_id=wave.id, count=LINKS)
        indicators = len(surveys_service.usable_indicator_ids(session=session, project_id=project.id))
    ports = [free_port(), free_port()]
    apps = [app_servers.start_app(url, port, workdir / f"app-{port}.log") for port in ports]
    try:
        for port, app in zip(ports, apps, strict=True):
            app_servers.wait_until_ready(f"http://127.0.0.1:{port}/p", app, timeout=120)
        with app_servers.nginx(ports, workdir / "nginx", free_port(), free_port()) as proxy:
            yield Deployment(url, proxy, ports, code, project.id, wave.id, wave.room_code, tokens, indicators)
    finally:
        for app in apps:
            app_servers.stop(app)
        database.get_engine(url).dispose()


@dataclass
class Phone:
    """A phone's browser, reduced to what matters here: its own cookies and address, one request at a time."""

    site: str
    address: str
    cookies: dict[str, str] = field(default_factory=dict)
    set_cookies: list[str] = field(default_factory=list)

    def request(self, method: str, path: str, form: dict | None = None, *, accept: str = "text/html"):
        parts = urlsplit(self.site)
        if parts.scheme == "https":
            context = ssl.create_default_context()
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE  # our throwaway certificate
            connection = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=60, context=context)
        else:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        headers = {"Accept": accept, "X-Forwarded-For": self.address}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
            for header in response.headers.get_all("Set-Cookie") or []:
                self.set_cookies.append(header)
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.headers, text
        finally:
            connection.close()


def _upstreams(log: Path, pattern: str) -> Counter:
    """How many requests matching `pattern` each app process served, from nginx's access log."""
    time.sleep(0.5)  # nginx writes a line once the response is sent
    found = Counter()
    for line in log.read_text().splitlines():
        if re.search(pattern, line):
            found[re.search(r"upstream=(\S+)", line).group(1)] += 1
    return found


def _write_notes(deployment: Deployment, number: int) -> list[str]:
    """One phone: opens its group's page, sends its notes (as phone.js does, and once as a plain form)."""
    phone = Phone(deployment.proxy.http, f"10.0.0.{number + 1}")
    status, _, page = phone.request("GET", f"/p/{deployment.code}")
    assert status == 200, page
    csrf = CSRF.search(page).group(1)
    confirmed = []
    for note in range(NOTES_EACH):
        text = f"Un banc à l'ombre, téléphone {number}, note {note}"
        form = {"csrf": csrf, "question": QUESTIONS[note % 3], "text": text, "alias": f"Tel {number}"}
        if note == NOTES_EACH - 1:  # without JavaScript: the form's own POST, answered by a redirect
            status, headers, _ = phone.request("POST", f"/p/{deployment.code}/notes", form)
            assert status == 303 and headers["Location"].startswith(f"/p/{deployment.code}?")
        else:
            status, _, body = phone.request("POST", f"/p/{deployment.code}/notes", form, accept="application/json")
            assert status == 200, body
            assert json.loads(body)["ok"] is True
        confirmed.append(text)
    status, _, page = phone.request("GET", f"/p/{deployment.code}")
    assert status == 200 and all(text.replace("'", "&#x27;") in page for text in confirmed)
    return confirmed


def test_phones_spread_over_both_processes_and_every_note_is_stored_once(deployment: Deployment) -> None:
    with ThreadPoolExecutor(max_workers=PHONES) as pool:
        sent = [text for texts in pool.map(lambda n: _write_notes(deployment, n), range(PHONES)) for text in texts]

    with database.read_scope(deployment.url) as session:
        stored = Counter(
            session.exec(
                select(Criterion.text).where(
                    Criterion.group_id == _group_id(session, deployment.code), col(Criterion.deleted_at).is_(None)
                )
            ).all()
        )
    assert len(sent) == PHONES * NOTES_EACH
    assert stored == Counter(sent)  # each note once, nothing else

    served = _upstreams(deployment.proxy.access_log, rf'"POST /p/{deployment.code}/notes ')
    assert set(served) == {f"127.0.0.1:{port}" for port in deployment.app_ports}, served
    assert sum(served.values()) == len(sent)


def _group_id(session, code: str) -> int:
    return join.find_group(session=session, code=code).group_id


STEP = re.compile(r'name="etape" value="(\d+)"')
KEY = re.compile(r'name="cle" value="([^"]*)"')
CHOICES = re.compile(r'name="reponse" value="([^"]*)"')


def _answer_survey(deployment: Deployment, number: int, path: str) -> str:
    """One phone through every screen (a situation each, a choice, a place), the review, the send; its token."""
    phone = Phone(deployment.proxy.http, f"10.0.2.{number + 1}")
    status, _, screen = phone.request("GET", path)
    for _ in range(deployment.indicators + 5):
        assert status == 200, screen
        step, key = STEP.search(screen), KEY.search(screen)
        if step is None:
            break  # the review
        choices = [html.unescape(c) for c in CHOICES.findall(screen)]
        answer = choices[(number + int(step.group(1))) % len(choices)] if choices else "Gare"
        form = {"csrf": CSRF.search(screen).group(1), "etape": step.group(1), "cle": html.unescape(key.group(1)),
                "reponse": answer, "aller": "suivant"}  # fmt: skip
        status, headers, body = phone.request("POST", path, form)
        assert status == 303, body
        status, _, screen = phone.request("GET", headers["Location"])
    status, headers, body = phone.request("POST", f"{path}/envoyer", {"csrf": CSRF.search(screen).group(1)})
    assert status == 303, body
    status, _, thanks = phone.request("GET", headers["Location"])
    assert status == 200 and 'class="notice success"' in thanks
    return path.rsplit("/", 1)[1] if "/p/q/" in path else phone.cookies["spirale_participant"]


def test_survey_answers_spread_over_both_processes_and_each_response_is_stored_once(deployment: Deployment) -> None:
    paths = [f"/p/enquete/{deployment.room_code}"] * ROOM_PHONES + [f"/p/q/{t}" for t in deployment.tokens]
    with ThreadPoolExecutor(max_workers=len(paths)) as pool:
        answered = list(pool.map(lambda n: _answer_survey(deployment, n, paths[n]), range(len(paths))))

    with database.read_scope(deployment.url) as session:
        used = session.exec(
            select(SurveyToken.token, SurveyToken.participant_token, SurveyToken.respondent_id).where(
                SurveyToken.wave_id == deployment.wave_id, col(SurveyToken.used_at).is_not(None)
            )
        ).all()
        respondents = session.exec(select(Respondent.id).where(Respondent.wave_id == deployment.wave_id)).all()
        answers = Counter(
            session.exec(select(Answer.respondent_id).where(col(Answer.respondent_id).in_(respondents))).all()
        )
    by_room = Counter(participant for _, participant, _ in used if participant)
    by_link = Counter(token for token, participant, _ in used if not participant)
    assert by_room == Counter(answered[:ROOM_PHONES])  # one response per phone of the room, each once
    assert by_link == Counter(answered[ROOM_PHONES:])
    assert sorted(r for _, _, r in used) == sorted(respondents)  # no response without its phone or link
    assert set(answers.values()) == {deployment.indicators}  # every indicator answered ("don't know" included)

    served = _upstreams(deployment.proxy.access_log, r'"POST /p/(enquete|q)/')
    assert set(served) == {f"127.0.0.1:{port}" for port in deployment.app_ports}, served


def test_participant_cookie_is_secure_over_https_only(deployment: Deployment) -> None:
    over_https = Phone(deployment.proxy.https, "10.0.1.1")
    status, _, _ = over_https.request("GET", f"/p/{deployment.code}")
    assert status == 200
    participant = [c for c in over_https.set_cookies if c.startswith("spirale_participant=")]
    assert participant and "Secure" in participant[0] and "HttpOnly" in participant[0]

    over_http = Phone(deployment.proxy.http, "10.0.1.2")
    over_http.request("GET", f"/p/{deployment.code}")
    participant = [c for c in over_http.set_cookies if c.startswith("spirale_participant=")]
    assert participant and "Secure" not in participant[0]


@pytest.mark.browser
def test_a_facilitator_page_loads_through_the_proxy_on_one_process(deployment: Deployment, browser) -> None:
    """Through the suite's one Chromium (`browser`): a second sync Playwright in the same process cannot start."""
    from tests.browser.conftest import SESSION_COOKIE, admin_login, wait_for_run

    site = deployment.proxy.http
    token = admin_login(deployment.url)
    routes = []
    for _ in range(2):  # two facilitators' browsers: each its own route cookie, its own session
        context = browser.new_context()
        try:
            context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": site}])
            page = context.new_page()
            page.goto(f"{site}/")
            wait_for_run(page)  # connected through /_stcore/stream, and the script has run
            page.get_by_test_id("stSidebar").wait_for()
            page.reload()  # a reload is a new Streamlit session: it must land on the same process
            wait_for_run(page)
            routes += [c["value"] for c in context.cookies() if c["name"] == "spirale_route"]
        finally:
            context.close()

    assert len(set(routes)) == 2
    by_route: dict[str, set[str]] = {route: set() for route in routes}
    time.sleep(0.5)  # a websocket's line is written when it closes
    lines = deployment.proxy.access_log.read_text().splitlines()
    for line in lines:
        route = re.search(r"route=(\S+)", line).group(1)
        if route in by_route and " /p" not in line:
            by_route[route].add(re.search(r"upstream=(\S+)", line).group(1))
    assert all(len(upstreams) == 1 for upstreams in by_route.values()), by_route  # sticky
    streams = [line for line in lines if '"GET /_stcore/stream ' in line]
    assert len(streams) == 4 and all('" 101 ' in line for line in streams), streams  # two loads each, upgraded
