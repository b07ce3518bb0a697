"""A room of phones against a running Spirale server, over real HTTP: latency, losses, server CPU and memory.

    python bench/phones_http.py                              # 30, 100, 300, 1,000 phones, SQLite, one process
    python bench/phones_http.py --sizes 300 1000 --postgres  # throwaway PostgreSQL, two processes behind nginx
    python bench/phones_http.py --sizes 100 --flow notes     # notes only (--flow survey: the survey only)

For each size, a fresh database and fresh server processes (`streamlit run app.py`, the README's command),
started here on 127.0.0.1 and stopped at the end. Each phone is an asyncio HTTP client (aiohttp) with its own
connection and cookies, as a phone's browser would be:

- notes: the phones join within --join-seconds (uniformly spread), load their group's page (/p/CODE, with its
  style sheet and script), then write --notes notes a few seconds apart: while "typing", two "already said?"
  queries (/p/CODE/similaires), then the send (POST, as phone.js does: Accept: application/json). At the end
  each phone reloads its page and checks it lists its own notes. --per-group phones share a join code.
- survey: the same numbers of phones open the room's survey code (/p/enquete/CODE) or their own link
  (/p/q/TOKEN, --survey-links), and answer the demo project's 16 indicators one screen at a time, each
  answer one request as phone.js sends it (its reply is the next screen; --no-script: POST, 303 and GET).

Phones come from distinct addresses (X-Forwarded-For, which the server trusts from loopback), as on mobile
data; --one-address sends them all from one, as behind a venue's router (the flood limit per address then
shows). Every note and response is read back from the database: stored, lost (confirmed, yet not stored),
duplicated. Server CPU and peak memory come from psutil (or /proc); the load average is the machine's,
shared with whatever else runs on it. Bounded: every request has a time-out, every size a deadline.
"""

import argparse
import asyncio
import html
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
from sqlalchemy import func
from sqlmodel import col, select

import demo
from groups import join
from groups import service as groups_service
from groups.models import QUESTIONS, Criterion
from participants import web
from surveys import service as surveys_service
from surveys.models import Answer, Respondent, SurveyToken
from tests import app_servers
from tests.conftest import free_port, new_database, throwaway_postgres
from workshop import database

try:
    import psutil
except ImportError:  # the figures then come from /proc
    psutil = None

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')
NOTE_WORDS = [
    "Des bancs à l'ombre près de l'école",
    "Un local où les jeunes se retrouvent le soir",
    "Les voisins qui se saluent dans l'escalier",
    "Le bus qui passe enfin après 21 heures",
    "Un médecin qui prend de nouveaux patients",
    "La peur de rentrer seule la nuit",
    "Des loyers qui mangent la moitié du salaire",
    "Le marché du samedi où l'on se parle",
    "Réparer ensemble les vélos du quartier",
    "Des jardins partagés au pied des tours",
]
DETAILS = [
    "surtout le soir", "pour les enfants", "comme avant", "même l'hiver", "sans voiture", "pour les aînés",
    "quand il pleut", "le dimanche aussi", "à côté de chez moi", "pour tout le monde",
]
REQUEST_TIMEOUT = 60.0  # seconds: a request slower than this counts as failed
ADDRESS_POOL = 250 * 250
_GONE = (OSError, *((psutil.Error,) if psutil else ()))  # a process that ended while being sampled


# ---------------------------------------------------------------- what a run records


@dataclass
class Tally:
    """What the phones saw, by kind of request."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: {"send": [], "page": [], "similar": []})
    sent: int = 0
    confirmed: list[str] = field(default_factory=list)  # unique texts the server said it stored
    failures: Counter = field(default_factory=Counter)  # "send 429", "page timeout", ...
    pages_missing_notes: int = 0
    requests: int = 0  # every HTTP request made (pages, style sheet and script, "already said?", sends)
    retried: int = 0  # requests sent again on a new connection (the server had closed the kept-alive one)
    phones_done: int = 0

    def failed(self, kind: str, what: object) -> None:
        self.failures[f"{kind} {what}"] += 1


@dataclass
class Usage:
    """Server processes' CPU seconds and peak memory, and the machine's load, over a run."""

    cpu_seconds: float = 0.0
    peak_rss_mb: float = 0.0
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_peak: float = 0.0
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    others_cpu_seconds: float = 0.0  # nginx and PostgreSQL, when used
    client_cpu_seconds: float = 0.0
    seconds: float = 0.0


# ---------------------------------------------------------------- processes' CPU and memory


def _proc_times(pid: int) -> tuple[float, float]:
    """(CPU seconds, RSS MB) of one process from /proc, when psutil is missing."""
    ticks = os.sysconf("SC_CLK_TCK")
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    return cpu, rss


def _tree(pids: Sequence[int]) -> list[int]:
    """The processes and their children (nginx's workers, PostgreSQL's backends)."""
    if psutil is None:
        return list(pids)
    found = []
    for pid in pids:
        try:
            parent = psutil.Process(pid)
            found += [pid, *(c.pid for c in parent.children(recursive=True))]
        except psutil.NoSuchProcess:
            pass
    return found


def cpu_and_rss(pids: Sequence[int]) -> tuple[float, float]:
    cpu = rss = 0.0
    for pid in pids:
        try:
            if psutil is not None:
                process = psutil.Process(pid)
                times = process.cpu_times()
                cpu += times.user + times.system + times.children_user + times.children_system
                rss += process.memory_info().rss / 2**20
            else:
                more_cpu, more_rss = _proc_times(pid)
                cpu, rss = cpu + more_cpu, rss + more_rss
        except _GONE:
            pass
    return cpu, rss


class Sampler:
    """Samples the app processes' memory (peak of their sum) and the load average, every quarter second."""

    def __init__(self, app_pids: Sequence[int], other_pids: Callable[[], list[int]]) -> None:
        self.app_pids, self.other_pids = list(app_pids), other_pids
        self.usage = Usage()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "Sampler":
        self.usage.load_before = os.getloadavg()
        self._cpu0 = cpu_and_rss(_tree(self.app_pids))[0]  # with any children of theirs
        self._others = self.other_pids()
        self._others0 = cpu_and_rss(self._others)[0]
        self._client0 = time.process_time()
        self._t0 = time.monotonic()
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.25):
            _, rss = cpu_and_rss(_tree(self.app_pids))
            self.usage.peak_rss_mb = max(self.usage.peak_rss_mb, rss)
            self.usage.load_peak = max(self.usage.load_peak, os.getloadavg()[0])

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.usage.seconds = time.monotonic() - self._t0
        self.usage.cpu_seconds = cpu_and_rss(_tree(self.app_pids))[0] - self._cpu0
        self.usage.others_cpu_seconds = cpu_and_rss(self._others)[0] - self._others0
        self.usage.client_cpu_seconds = time.process_time() - self._client0
        self.usage.load_after = os.getloadavg()


def postgres_pids(port: int) -> list[int]:
    """The throwaway cluster's processes (its postmaster runs with `-p PORT`), and their children."""
    if psutil is None:
        return []
    roots = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = " ".join(process.info.get("cmdline") or [])
        if process.info.get("name") == "postgres" and f"-p {port} " in f"{cmdline} ":
            roots.append(process.pid)
    return _tree(roots)


# ---------------------------------------------------------------- the room's setup


@dataclass
class Room:
    codes: list[str]  # one join code per group of --per-group phones
    project_id: int
    marker: str  # in every note text of this run, to read them back


def prepare_room(url: str, phones: int, per_group: int, marker: str) -> Room:
    """The demo project (16 indicators), and groups with their join codes open, for `phones` phones."""
    database.prepare(url)
    with database.session_scope(url) as session:
        project = demo.load_demo(session=session)
        codes = []
        for number in range((phones + per_group - 1) // per_group):
            group = groups_service.create_group(session=session, project_id=project.id, profile=f"Banc {number + 1}")
            codes.append(join.open_join(session=session, project_id=project.id, group_id=group.id).join_code)
    return Room(codes, project.id, marker)


def read_back_notes(url: str, project_id: int, marker: str) -> Counter:
    """How many times each of this run's note texts is stored (live notes of the project)."""
    with database.read_scope(url) as session:
        texts = session.exec(
            select(Criterion.text).where(
                Criterion.project_id == project_id,
                col(Criterion.deleted_at).is_(None),
                col(Criterion.text).contains(marker),
            )
        ).all()
    return Counter(texts)


def stored_total(url: str, project_id: int) -> int:
    with database.read_scope(url) as session:
        return session.exec(select(func.count()).where(Criterion.project_id == project_id)).one()


# ---------------------------------------------------------------- one phone


def _address(number: int) -> str:
    number %= ADDRESS_POOL
    return f"10.{number // 250 % 250 + 1}.{number % 250 + 1}.{(number * 7) % 250 + 1}"


async def _timed(tally: Tally, kind: str, call: Callable) -> tuple[int, str] | None:
    """One request: its latency if it answered 2xx/3xx, a failure counted otherwise (never raises).

    A kept-alive connection the server closed just as the request left is retried once on a new one, as a
    browser does (counted in `retried`): the server never saw that request.
    """
    started = time.perf_counter()
    for attempt in (1, 2):
        tally.requests += 1
        try:
            status, body, followed = await call()
            tally.requests += followed  # a redirect followed is one more request the server served
            break
        except TimeoutError:
            tally.failed(kind, "timeout")
            return None
        except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as error:
            if attempt == 2:
                tally.failed(kind, type(error).__name__)
                return None
            tally.retried += 1
        except aiohttp.ClientError as error:
            tally.failed(kind, type(error).__name__)
            return None
    if status >= 400:
        tally.failed(kind, status)
        return status, body
    tally.latencies[kind].append(time.perf_counter() - started)
    return status, body


def _get(http: aiohttp.ClientSession, url: str, **kw: object) -> Callable:
    async def call() -> tuple[int, str, int]:
        async with http.get(url, **kw) as response:
            return response.status, await response.text(), len(response.history)

    return call


def _post(http: aiohttp.ClientSession, url: str, data: dict, **kw: object) -> Callable:
    async def call() -> tuple[int, str, int]:
        async with http.post(url, data=data, **kw) as response:
            return response.status, await response.text(), len(response.history)

    return call


async def load_page(http: aiohttp.ClientSession, base: str, code: str, tally: Tally, *, assets: bool) -> str | None:
    """The group's page, then (first time only, cached afterwards) its style sheet and script in parallel."""
    started, parts = time.perf_counter(), Tally()
    got = await _timed(parts, "page", _get(http, f"{base}/p/{code}"))
    if assets and got is not None and got[0] < 400:
        found = re.findall(r'(?:href|src)="(/p/static/[^"]+)"', got[1])
        await asyncio.gather(*(_timed(parts, "page", _get(http, f"{base}{path}")) for path in found))
    tally.requests += parts.requests
    if got is None or got[0] >= 400:
        tally.failed("page", got[0] if got else "error")
        return None
    tally.latencies["page"].append(time.perf_counter() - started)
    return got[1]


async def phone_notes(number: int, base: str, room: Room, options: argparse.Namespace, tally: Tally) -> None:
    """One phone: join at its moment, load the page, write its notes a few seconds apart, reload and check."""
    rng = random.Random(number)
    await asyncio.sleep(rng.uniform(0, options.join_seconds))
    code = room.codes[number // options.per_group]
    headers = {} if options.one_address else {"X-Forwarded-For": _address(number)}
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1 (an IP address) too
    connector = aiohttp.TCPConnector(limit=2)  # a phone's own connections, as a browser's
    async with aiohttp.ClientSession(headers=headers, timeout=timeout, cookie_jar=jar, connector=connector) as http:
        page = await load_page(http, base, code, tally, assets=True)
        found = CSRF.search(page or "")
        if not found:
            tally.failed("page", "no form")
            return
        csrf = found.group(1)
        mine = []
        for note in range(options.notes):
            words = f"{rng.choice(NOTE_WORDS)}, {rng.choice(DETAILS)}, dit t{number}"  # each phone its own words
            text = f"{words} ({room.marker} n{note})"
            await asyncio.sleep(rng.uniform(*options.gap) / 2)
            # "already said?" twice while typing: halfway, then (debounced after the last keystroke) the text as sent
            for typed in (words[: len(words) // 2], text):
                await _timed(tally, "similar", _get(http, f"{base}/p/{code}/similaires", params={"texte": typed}))
            await asyncio.sleep(rng.uniform(*options.gap) / 2)
            form = {"csrf": csrf, "question": QUESTIONS[note % len(QUESTIONS)], "text": text, "alias": f"t{number}"}
            tally.sent += 1
            got = await _timed(tally, "send", _post(http, f"{base}/p/{code}/notes", form,
                                                    headers={"Accept": "application/json"}))  # fmt: skip
            if got and got[0] < 400:
                answer = json.loads(got[1])
                if answer.get("ok") and answer.get("id"):
                    tally.confirmed.append(text)
                    mine.append(text)
                else:
                    tally.failed("send", "not ok")
        page = await load_page(http, base, code, tally, assets=False)
        if page is not None and page.count('class="note q-') < len(mine):
            tally.pages_missing_notes += 1
    tally.phones_done += 1


# ---------------------------------------------------------------- one phone answering the survey

STEP = re.compile(r'name="etape" value="(\d+)"')
KEY = re.compile(r'name="cle" value="([^"]*)"')
CHOICES = re.compile(r'name="reponse" value="([^"]*)"')
FREE = re.compile(r'<input id="answer" name="reponse"')
PLACES = ["Gare", "Centre", "Vieux-Bourg", "Plateau", "Rives"]


@dataclass
class SurveyRoom:
    project_id: int
    wave_id: int
    room_code: str
    tokens: list[str]  # per-person links, with --survey-links
    indicators: int


def prepare_survey(url: str, phones: int, links: bool) -> SurveyRoom:
    """The demo project (16 indicators), a new open wave for this run, its room code, and links if asked."""
    database.prepare(url)
    with database.session_scope(url) as session:
        project = demo.load_demo(session=session)
        wave = surveys_service.create_wave(session=session, project_id=project.id, name="Vague du banc d'essai")
        tokens = []
        while links and len(tokens) < phones:
            more = min(surveys_service.MAX_TOKENS, phones - len(tokens))
            tokens += surveys_service.create_tokens(session=session, project_id=project.id, wave_id=wave.id, count=more)
        usable = len(surveys_service.usable_indicator_ids(session=session, project_id=project.id))
    return SurveyRoom(project.id, wave.id, wave.room_code, tokens, usable)


def _answer_for(screen: str, rng: random.Random) -> str:
    """What a person taps: a situation (now and then "don't know"), a profile choice, or a place typed."""
    choices = [html.unescape(c) for c in CHOICES.findall(screen)]
    if choices:
        levels = [c for c in choices if c.isdigit()]
        if len(levels) == len(choices):  # an indicator: five situations and "don't know" (0)
            return "0" if rng.random() < 0.1 else rng.choice([c for c in levels if c != "0"])
        return rng.choice(choices)
    return rng.choice(PLACES) if FREE.search(screen) else ""


async def phone_survey(number: int, base: str, room: SurveyRoom, options: argparse.Namespace, tally: Tally) -> None:
    """One phone: scans the room's code (or opens its link) at its moment, answers each screen, sends."""
    rng = random.Random(10_000 + number)
    await asyncio.sleep(rng.uniform(0, options.join_seconds))
    path = f"/p/q/{room.tokens[number]}" if room.tokens else f"/p/enquete/{room.room_code}"
    headers = {} if options.one_address else {"X-Forwarded-For": _address(number)}
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    jar = aiohttp.CookieJar(unsafe=True)
    connector = aiohttp.TCPConnector(limit=2)
    async with aiohttp.ClientSession(headers=headers, timeout=timeout, cookie_jar=jar, connector=connector) as http:
        screen_header = {} if options.no_script else {web.SCREEN_HEADER: "1"}
        started = time.perf_counter()
        parts = Tally()
        got = await _timed(parts, "page", _get(http, f"{base}{path}"))
        tally.requests += parts.requests
        if got is None or got[0] >= 400:
            tally.failed("page", got[0] if got else "error")
            return
        tally.latencies["page"].append(time.perf_counter() - started)
        screen = got[1]
        for _ in range(room.indicators + 10):  # the screens, then the review; never more
            csrf = CSRF.search(screen)
            if csrf is None:
                tally.failed("answer", "no form")
                return
            await asyncio.sleep(rng.uniform(*options.survey_gap))
            step, key = STEP.search(screen), KEY.search(screen)
            if step is None or key is None:
                break  # the review screen
            form = {"csrf": csrf.group(1), "etape": step.group(1), "cle": html.unescape(key.group(1)),
                    "reponse": _answer_for(screen, rng), "aller": "suivant"}  # fmt: skip
            # As phone.js does: the POST's reply is the next screen (--no-script: POST, 303, then GET it)
            got = await _timed(tally, "send", _post(http, f"{base}{path}", form, headers=screen_header))
            if got is None or got[0] >= 400:
                return
            screen = got[1]
        tally.sent += 1
        got = await _timed(tally, "send", _post(http, f"{base}{path}/envoyer", {"csrf": csrf.group(1)}))
        if got is not None and got[0] < 400 and 'class="notice success"' in got[1]:
            tally.confirmed.append(room.tokens[number] if room.tokens else _cookie(jar, "spirale_participant"))
        elif got is not None and got[0] < 400:
            tally.failed("send", "no thanks")
    tally.phones_done += 1


def _cookie(jar: aiohttp.CookieJar, name: str) -> str:
    return next((c.value for c in jar if c.key == name), "")


def read_back_survey(url: str, room: SurveyRoom) -> tuple[Counter, int, Counter]:
    """Per response's token (or phone's participant token): how many responses; all respondents; answers each."""
    key = SurveyToken.token if room.tokens else SurveyToken.participant_token
    with database.read_scope(url) as session:
        used = session.exec(
            select(key, SurveyToken.respondent_id).where(
                SurveyToken.wave_id == room.wave_id, col(SurveyToken.used_at).is_not(None)
            )
        ).all()
        respondents = session.exec(select(func.count()).where(Respondent.wave_id == room.wave_id)).one()
        answers = Counter(
            session.exec(
                select(Answer.respondent_id).join(Respondent, Respondent.id == Answer.respondent_id).where(
                    Respondent.wave_id == room.wave_id
                )
            ).all()
        )
    return Counter(k for k, _ in used), respondents, Counter(answers.values())


# ---------------------------------------------------------------- servers


@dataclass
class Servers:
    base: str  # where phones go: the app itself, or nginx
    apps: list[str]  # each app process's own address
    app_pids: list[int]
    other_pids: Callable[[], list[int]]
    logs: list[Path]


@contextmanager
def servers(url: str, processes: int, workdir: Path, *, behind_nginx: bool, pg_port: int | None) -> Iterator[Servers]:
    """`processes` app processes on the database, behind nginx when asked; warmed up; stopped at the end."""
    ports = [free_port() for _ in range(processes)]
    logs = [workdir / f"app-{port}.log" for port in ports]
    env = {"SPIRALE_BACKUP_EVERY_MINUTES": "0"}
    apps = [app_servers.start_app(url, port, log, env=env) for port, log in zip(ports, logs, strict=True)]
    with ExitStack() as stack:
        for app in apps:
            stack.callback(app_servers.stop, app)
        for port, app in zip(ports, apps, strict=True):
            app_servers.wait_until_ready(f"http://127.0.0.1:{port}/p", app, timeout=180)
        base = f"http://127.0.0.1:{ports[0]}"
        proxy_pids: list[int] = []
        if behind_nginx:
            proxy = stack.enter_context(app_servers.nginx(ports, workdir / "nginx", free_port(), free_port()))
            base, proxy_pids = proxy.http, [proxy.process.pid]

        def others() -> list[int]:
            return _tree(proxy_pids) + (postgres_pids(pg_port) if pg_port else [])

        yield Servers(base, [f"http://127.0.0.1:{p}" for p in ports], [a.pid for a in apps], others, logs)


async def warm_up(ports_base: Sequence[str], code: str) -> None:
    """Each process's first page and first "already said?" (imports, the sentence model) before timing."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        for base in ports_base:
            for _ in range(3):
                async with http.get(f"{base}/p/{code}") as response:
                    await response.read()
                async with http.get(f"{base}/p/{code}/similaires", params={"texte": "un banc"}) as response:
                    await response.read()


@contextmanager
def profiled(pids: Sequence[int], options: argparse.Namespace, count: int) -> Iterator[None]:
    """With --profile DIR: py-spy records each app process during the run (raw stacks, one file each)."""
    if not options.profile:
        yield
        return
    options.profile.mkdir(parents=True, exist_ok=True)
    spies = [subprocess.Popen(["py-spy", "record", "-p", str(pid), "-r", "20", "--nonblocking", "-f", "raw",
                               "-o", str(options.profile / f"phones-{count}-{pid}.txt")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for pid in pids]  # fmt: skip
    try:
        yield
    finally:
        for spy in spies:
            spy.send_signal(signal.SIGINT)  # py-spy writes its file on Ctrl-C
        for spy in spies:
            try:
                spy.wait(timeout=60)
            except subprocess.TimeoutExpired:
                spy.kill()


# ---------------------------------------------------------------- one size


@dataclass
class Result:
    phones: int
    flow: str
    database: str
    processes: int
    tally: Tally
    usage: Usage
    stored: int = 0
    lost: int = 0
    duplicated: int = 0
    unconfirmed_stored: int = 0
    server_errors: int = 0
    finished: bool = True
    note: str = ""


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def server_errors(logs: Sequence[Path]) -> int:
    return sum(log.read_text(errors="replace").count("Traceback") for log in logs if log.exists())


async def drive(count: int, phone: Callable, deadline: float) -> bool:
    """Every phone at once (each waits for its own moment); False if the deadline stopped some."""
    tasks = [asyncio.create_task(phone(n)) for n in range(count)]
    done, pending = await asyncio.wait(tasks, timeout=deadline)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for task in done:
        if task.exception() is not None:
            print(f"  a phone failed: {task.exception()!r}", flush=True)
    return not pending


def run_notes(count: int, url: str, options: argparse.Namespace, workdir: Path, pg_port: int | None) -> Result:
    marker = f"b{os.getpid()}s{count}"
    room = prepare_room(url, count, options.per_group, marker)
    processes = options.processes
    tally = Tally()
    with servers(url, processes, workdir, behind_nginx=options.postgres, pg_port=pg_port) as running:
        asyncio.run(warm_up(running.apps, room.codes[0]))
        deadline = options.join_seconds + options.notes * options.gap[1] + options.slack
        with Sampler(running.app_pids, running.other_pids) as sampler, profiled(running.app_pids, options, count):
            phone = lambda n: phone_notes(n, running.base, room, options, tally)  # noqa: E731
            finished = asyncio.run(drive(count, phone, deadline))
        errors = server_errors(running.logs)
    stored = read_back_notes(url, room.project_id, marker)
    confirmed = Counter(tally.confirmed)
    result = Result(count, "notes", "postgresql" if options.postgres else "sqlite", processes, tally, sampler.usage)
    result.stored = sum(stored.values())
    result.lost = sum(1 for text in confirmed if stored[text] == 0)
    result.duplicated = sum(n - 1 for n in stored.values() if n > 1)
    result.unconfirmed_stored = sum(1 for text in stored if text not in confirmed)
    result.server_errors, result.finished = errors, finished
    return result


def run_survey(count: int, url: str, options: argparse.Namespace, workdir: Path, pg_port: int | None) -> Result:
    room = prepare_survey(url, count, options.survey_links)
    tally = Tally()
    with servers(url, options.processes, workdir, behind_nginx=options.postgres, pg_port=pg_port) as running:
        asyncio.run(warm_up_survey(running.apps, room.room_code))
        deadline = options.join_seconds + (room.indicators + 5) * options.survey_gap[1] + options.slack
        with Sampler(running.app_pids, running.other_pids) as sampler, profiled(running.app_pids, options, count):
            phone = lambda n: phone_survey(n, running.base, room, options, tally)  # noqa: E731
            finished = asyncio.run(drive(count, phone, deadline))
        errors = server_errors(running.logs)
    by_phone, respondents, answers_each = read_back_survey(url, room)
    result = Result(count, "survey", "postgresql" if options.postgres else "sqlite", options.processes, tally,
                    sampler.usage)  # fmt: skip
    confirmed = set(tally.confirmed)
    result.stored = respondents
    result.lost = sum(1 for phone in confirmed if by_phone[phone] == 0)
    result.duplicated = max(0, respondents - len(by_phone)) + sum(n - 1 for n in by_phone.values() if n > 1)
    result.unconfirmed_stored = sum(1 for phone in by_phone if phone not in confirmed)
    result.server_errors, result.finished = errors, finished
    result.note = f"answers per response: {dict(answers_each)} (of {room.indicators} indicators)"
    return result


async def warm_up_survey(apps: Sequence[str], room_code: str) -> None:
    """Each process's first survey screen before timing (its first answer would make a response: not sent)."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        for base in apps:
            for _ in range(3):
                async with http.get(f"{base}/p/enquete/{room_code}") as response:
                    await response.read()


# ---------------------------------------------------------------- printing


def _ms(values: list[float], q: float) -> str:
    value = _percentile(values, q)
    return "-" if value != value else f"{value * 1000:.0f}"


def describe(result: Result) -> str:
    t, u = result.tally, result.usage
    busy = u.cpu_seconds / u.seconds * 100 if u.seconds else 0
    failures = ", ".join(f"{k}: {v}" for k, v in sorted(t.failures.items())) or "none"
    lines = [
        f"== {result.phones} phones, {result.flow}, {result.database}, {result.processes} process(es)"
        + ("" if result.finished else "  (DEADLINE: unfinished phones were stopped)"),
        f"  {'send  ' if result.flow == 'notes' else 'answer'}   p50/p95/max {_ms(t.latencies['send'], .5)} / "
        f"{_ms(t.latencies['send'], .95)} / {_ms(t.latencies['send'], 1)} ms  ({len(t.latencies['send'])} answered; "
        f"{t.sent} {'notes' if result.flow == 'notes' else 'responses'} sent)",
        f"  page     p50/p95/max {_ms(t.latencies['page'], .5)} / {_ms(t.latencies['page'], .95)} / "
        f"{_ms(t.latencies['page'], 1)} ms  ({len(t.latencies['page'])} loads)",
        f"  similar  p50/p95/max {_ms(t.latencies['similar'], .5)} / {_ms(t.latencies['similar'], .95)} / "
        f"{_ms(t.latencies['similar'], 1)} ms  ({len(t.latencies['similar'])} queries)",
        f"  stored {result.stored} / confirmed {len(t.confirmed)} / sent {t.sent}; lost {result.lost}, "
        f"duplicated {result.duplicated}, stored unconfirmed {result.unconfirmed_stored}; "
        f"pages missing own notes {t.pages_missing_notes}; phones done {t.phones_done}/{result.phones}",
        *([f"  {result.note}"] if result.note else []),
        f"  failures: {failures}; retried on a new connection: {t.retried}; server tracebacks: {result.server_errors}",
        f"  server CPU {u.cpu_seconds:.1f} s over {u.seconds:.0f} s ({busy:.0f}% of one core; "
        f"{u.cpu_seconds / max(t.requests, 1) * 1000:.1f} ms a request, {t.requests} requests), peak RSS "
        f"{u.peak_rss_mb:.0f} MB (app processes and children); nginx+PostgreSQL CPU {u.others_cpu_seconds:.1f} s; "
        f"bench client CPU {u.client_cpu_seconds:.1f} s",
        f"  load average before {_load(u.load_before)}, peak 1-min {u.load_peak:.2f}, after {_load(u.load_after)}"
        f" ({os.cpu_count()} cores)",
    ]
    return "\n".join(lines)


def _load(values: Sequence[float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


def summary(results: Sequence[Result]) -> str:
    head = ("| phones | flow | database, processes | send p50 / p95 / max | page p50 / p95 | stored / sent | lost "
            "| dup | server CPU | peak RSS | load 1-min before / peak |")  # fmt: skip
    rows = [head, "|" + "---|" * 11]
    for r in results:
        t, u = r.tally, r.usage
        rows.append(
            f"| {r.phones} | {r.flow} | {r.database}, {r.processes} | {_ms(t.latencies['send'], .5)} / "
            f"{_ms(t.latencies['send'], .95)} / {_ms(t.latencies['send'], 1)} ms | {_ms(t.latencies['page'], .5)} / "
            f"{_ms(t.latencies['page'], .95)} ms | {r.stored} / {t.sent} | {r.lost} | {r.duplicated} | "
            f"{u.cpu_seconds:.0f} s ({u.cpu_seconds / max(u.seconds, 1e-9) * 100:.0f}%) | {u.peak_rss_mb:.0f} MB | "
            f"{u.load_before[0]:.2f} / {u.load_peak:.2f} |"
        )
    return "\n".join(rows)


# ---------------------------------------------------------------- main


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[30, 100, 300, 1000])
    parser.add_argument("--flow", choices=["notes", "survey", "both"], default="both")
    parser.add_argument("--postgres", action="store_true", help="throwaway PostgreSQL, processes behind nginx")
    parser.add_argument("--processes", type=int, default=None, help="app processes (1 on SQLite, 2 on PostgreSQL)")
    parser.add_argument("--per-group", type=int, default=10, help="phones sharing one join code")
    parser.add_argument("--join-seconds", type=float, default=30.0)
    parser.add_argument("--notes", type=int, default=3)
    parser.add_argument("--gap", type=float, nargs=2, default=[2.0, 5.0], help="seconds between two notes")
    parser.add_argument("--slack", type=float, default=120.0, help="seconds past the planned end before stopping")
    parser.add_argument("--survey-gap", type=float, nargs=2, default=[1.0, 3.0], help="seconds on a survey screen")
    parser.add_argument("--survey-links", action="store_true", help="per-person links (/p/q/TOKEN), not the room code")
    parser.add_argument("--no-script", action="store_true",
                        help="survey phones without JavaScript: each answer is POST, 303, GET (else one request)")
    parser.add_argument("--one-address", action="store_true", help="every phone from one address (a venue's NAT)")
    parser.add_argument("--json", type=Path, help="also write the figures there")
    parser.add_argument("--profile", type=Path, help="py-spy the app processes during each run, into this folder")
    options = parser.parse_args(argv)
    if not 1 <= max(options.sizes) <= 5000 or options.notes > 12:
        parser.error("sizes are 1 to 5,000 phones, and at most 12 notes a phone (the per-minute limit)")
    options.processes = options.processes or (2 if options.postgres else 1)
    if options.processes > 1 and not options.postgres:
        parser.error("several processes need PostgreSQL (--postgres)")
    if options.processes > 4:
        parser.error("at most 4 processes on this machine")
    return options


def _raise_open_files() -> None:
    """A thousand phones hold a thousand connections here and as many in the server."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 65536)), hard))


def main(argv: Sequence[str] | None = None) -> int:
    options = parse(argv)
    _raise_open_files()
    flows = ["notes", "survey"] if options.flow == "both" else [options.flow]
    results: list[Result] = []
    print(f"machine: {os.cpu_count()} cores, load {_load(os.getloadavg())}; psutil "
          f"{'yes' if psutil else 'no (/proc)'}", flush=True)  # fmt: skip
    with ExitStack() as stack:
        server = stack.enter_context(throwaway_postgres("max_connections=300")) if options.postgres else None
        pg_port = int(server.rsplit(":", 1)[1]) if server else None
        for count in options.sizes:
            for flow in flows:
                with tempfile.TemporaryDirectory(prefix="spirale-phones-") as folder:
                    workdir = Path(folder)
                    url = new_database(server) if server else f"sqlite:///{workdir / 'spirale.db'}"
                    runner = run_notes if flow == "notes" else run_survey
                    try:
                        result = runner(count, url, options, workdir, pg_port)
                    finally:
                        database.get_engine(url).dispose()
                if result is None:
                    continue
                results.append(result)
                print(describe(result), flush=True)
    print()
    print(summary(results))
    if options.json:
        options.json.write_text(json.dumps([_as_dict(r) for r in results], indent=1), encoding="utf-8")
    return 0


def _as_dict(result: Result) -> dict:
    t = result.tally
    return {
        "phones": result.phones, "flow": result.flow, "database": result.database, "processes": result.processes,
        **{f"{kind}_ms": {q: _ms(t.latencies[kind], v) for q, v in (("p50", .5), ("p95", .95), ("max", 1))}
           for kind in t.latencies},
        "sent": t.sent, "confirmed": len(t.confirmed), "stored": result.stored, "lost": result.lost,
        "duplicated": result.duplicated, "failures": dict(t.failures), "usage": result.usage.__dict__,
        "requests": t.requests, "retried": t.retried, "note": result.note,
    }  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
