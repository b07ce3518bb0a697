"""A workshop's mixed load held for a set time, on SQLite and PostgreSQL: requests, errors, latencies.

    python bench/mixed_load.py                                  # 60 s on SQLite, then 60 s on PostgreSQL
    python bench/mixed_load.py --seconds 20 --database sqlite --flat-out

The Streamlit server runs each browser session's script in a thread of one process; here every actor is
a thread of this process calling the service layer, each request in its own short session
(database.session_scope), with the calls the pages make:

- phones (--participants): the join page's reads (find_group, own_notes, question wordings), then a note
  through groups.join.send_note, 2-6 s apart. A phone takes a new participant token every 12 notes, so the
  per-phone limit (12 a minute) does not turn the load into refusals;
- survey respondents (--respondents): per screen, the questionnaire page's reads (token_state, profile
  questions, indicators and their situations), then save_draft, 1-3 s a screen; submit_token at the end,
  then the next link;
- board screens (--board-screens, the facilitator's and a co-facilitator's): load_board and history, then
  rename, move notes, merge and undo with the versions the screen saw, now and then a group's validation,
  1-3 s apart. "stale" counts the refusals of an operation whose screen was behind another screen's (not
  errors: the screen reloads and nothing changed);
- dashboard readers (--dashboards): what pages/dashboard.py computes on each rerun (waves, indicators,
  families, both waves' answers, analysis.dashboard, wave comparison, the plotly figures and the HTML
  download), every 2-5 s.

--flat-out drops every pause. Before the load, the project is built through the services: groups with join
codes open, seeded notes laid out in clusters, indicators with their five situations, a closed wave and an
open one with answers and participant links. At the end, every note and response acknowledged is checked to
be stored exactly once. PostgreSQL runs on a throwaway cluster (bench/pg_cluster.py).
"""

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func
from sqlmodel import Session, select

from bench.pg_cluster import postgres_cluster
from groups import join
from groups import service as groups_service
from groups.models import QUESTIONS, Criterion
from indicators import board
from indicators import service as indicators_service
from surveys import analysis, charts, questionnaire
from surveys import service as surveys_service
from surveys.models import CLOSED, Answer, Respondent, SurveyToken
from workshop import database, grid, projects
from workshop.errors import SpiraleError

PROFILES = ["Jeunes", "Aînés", "Parents seuls", "Demandeurs d'emploi", "Commerçants", "Handicap"]
PLACES = ["Gare", "Centre", "Vieux-Bourg", "Plateau", "Rives"]
INDICATORS = 12
SEEDED_NOTES = 48
CLUSTERS = 8
# Refusals of a board operation whose screen is behind another screen's: the screen reloads, nothing changed.
STALE = {"error.board_changed", "error.undo_stale", "error.undo_nothing", "error.cluster_missing", "error.move_already"}
LINKS_PER_BATCH = 500


@dataclass
class Tally:
    """What one kind of request did: latencies of the answered ones, stale refusals, errors by type."""

    seconds: list[float] = field(default_factory=list)
    stale: int = 0
    errors: Counter = field(default_factory=Counter)


@dataclass
class Setup:
    url: str
    project_id: int
    codes: list[str]
    group_ids: list[int]
    wave_id: int
    before_id: int
    links: list[str]


class Load:
    """The shared state of one run: the clock, the tallies, what was acknowledged."""

    def __init__(self, setup: Setup, seconds: float, flat_out: bool) -> None:
        self.setup, self.flat_out = setup, flat_out
        self.stop = threading.Event()  # set when the time is up: a pause ends at once
        self.deadline = time.monotonic() + seconds
        self.timer = threading.Timer(seconds, self.stop.set)
        self.lock = threading.Lock()
        self.tallies: dict[str, Tally] = defaultdict(Tally)
        self.notes: list[tuple[int, str]] = []  # (criterion id, text) of every acknowledged note
        self.responses: list[tuple[str, int]] = []  # (link, respondent id) of every acknowledged response

    def running(self) -> bool:
        return not self.stop.is_set() and time.monotonic() < self.deadline

    def pause(self, low: float, high: float) -> None:
        if not self.flat_out:
            self.stop.wait(random.uniform(low, high))

    def request(self, kind: str, call: Callable, *, stale_ok: bool = False, **arguments: object) -> object | None:
        """call(session=..., **arguments) in its own session, timed; None when it was refused or failed."""
        began = time.perf_counter()
        try:
            with database.session_scope(self.setup.url) as session:
                result = call(session=session, **arguments)
        except SpiraleError as error:
            with self.lock:
                if stale_ok and error.key in STALE:
                    self.tallies[kind].stale += 1
                else:
                    self.tallies[kind].errors[error.key] += 1
            return None
        except Exception as error:  # counted by type: what the bench is for
            with self.lock:
                self.tallies[kind].errors[f"{type(error).__name__}: {str(error).splitlines()[0][:60]}"] += 1
            return None
        with self.lock:
            self.tallies[kind].seconds.append(time.perf_counter() - began)
        return result

    def next_link(self) -> str:
        with self.lock:
            if self.setup.links:
                return self.setup.links.pop()
        with database.session_scope(self.setup.url) as session:  # the facilitator prints more links
            fresh = surveys_service.create_tokens(
                session=session, project_id=self.setup.project_id, wave_id=self.setup.wave_id, count=LINKS_PER_BATCH
            )
        with self.lock:
            self.setup.links.extend(fresh)
            return self.setup.links.pop()


# ---------- the actors ----------


def _phone_page(*, session: Session, code: str, token: str, project_id: int) -> None:
    """What the join page reads on each rerun."""
    join.find_group(session=session, code=code)
    join.own_notes(session=session, code=code, participant_token=token)
    groups_service.question_wordings(session=session, project_id=project_id, cycle=1)


def phone(load: Load, number: int) -> None:
    code, pid = load.setup.codes[number % len(load.setup.codes)], load.setup.project_id
    sent = 0
    load.pause(0, 6)
    while load.running():
        token = f"phone-{number}-{sent // groups_service.RATE_LIMIT_NOTES}"
        load.request("phone page", _phone_page, code=code, token=token, project_id=pid)
        text = f"Idée {sent} du téléphone {number} : {random.choice(['bus', 'voisins', 'parc', 'loyer'])}"
        question = random.choice(QUESTIONS)
        note = load.request(
            "send note", join.send_note, code=code, participant_token=token, question=question, text=text
        )
        if note is not None:
            with load.lock:
                load.notes.append((note.id, text))
        sent += 1
        load.pause(2, 6)


def _survey_page(*, session: Session, token: str) -> tuple:
    """What the questionnaire page reads on each rerun."""
    state = surveys_service.token_state(session=session, token=token)
    questions = surveys_service.profile_questions(session=session, project_id=state.project_id)
    indicators = indicators_service.list_indicators(session=session, project_id=state.project_id, usable_only=True)
    for i in indicators:
        indicators_service.levels_of(session=session, project_id=state.project_id, indicator_id=i.id)
    return state, questions, indicators


def respondent(load: Load, number: int) -> None:
    load.pause(0, 3)
    while load.running():
        link = load.next_link()
        draft: dict = {}
        page = load.request("survey page", _survey_page, token=link)
        if page is None:
            continue
        _, questions, indicators = page
        for step in questionnaire.steps([q.key for q in questions], [i.id for i in indicators]):
            if not load.running():
                return
            load.pause(1, 3)
            kind, key = step
            choices = {"profile": PROFILES, "age_band": surveys_service.AGE_BANDS}.get(str(key), PLACES)
            value = random.choice(choices) if kind == "q" else random.randint(0, 5)
            draft = questionnaire.with_answer(draft, step, value, 1)
            load.request("save draft", surveys_service.save_draft, token=link, draft=draft)
            load.request("survey page", _survey_page, token=link)
        profile, levels = questionnaire.answers_of(draft)
        load.pause(1, 3)
        answered = load.request("submit", surveys_service.submit_token, token=link, levels=levels, profile=profile)
        if answered is not None:
            with load.lock:
                load.responses.append((link, answered))


def _board_page(*, session: Session, project_id: int) -> board.BoardView:
    view = board.load_board(session=session, project_id=project_id)
    board.history(session=session, project_id=project_id)
    return view


def board_screen(load: Load, number: int) -> None:
    pid = load.setup.project_id
    rng = random.Random(number)
    load.pause(0, 3)
    while load.running():
        view = load.request("board page", _board_page, project_id=pid)
        if view is None:
            continue
        load.pause(1, 3)
        operation = rng.choices(["rename", "move", "merge", "validate"], weights=[3, 3, 2, 1])[0]
        clusters, seen = view.clusters, view.versions
        if operation == "validate":
            group_id = rng.choice(load.setup.group_ids)
            load.request("validate", groups_service.validate_group, project_id=pid, group_id=group_id)
        elif operation == "rename" and clusters:
            cluster_id, name = rng.choice(clusters).id, f"Regroupement {rng.randint(1, 999)}"
            load.request("board op", board.rename, stale_ok=True, project_id=pid, cluster_id=cluster_id, name=name,
                         seen=seen)  # fmt: skip
        elif operation == "move" and view.notes:
            pool = view.unclustered or view.notes
            ids = [n.criterion_id for n in rng.sample(pool, k=min(2, len(pool)))]
            few = len(clusters) < CLUSTERS // 2
            target = None if few or not clusters else rng.choice(clusters).id  # a new cluster when few are left
            load.request("board op", board.move_notes, stale_ok=True, project_id=pid, criterion_ids=ids,
                         target_id=target, seen=seen)  # fmt: skip
        elif operation == "merge" and len(clusters) >= 2:
            source, target = (c.id for c in rng.sample(clusters, 2))
            merged = load.request("board op", board.merge, stale_ok=True, project_id=pid, source_id=source,
                                  target_id=target, seen=seen)  # fmt: skip
            if merged is not None:  # the group changes its mind: undo, as the screen shows it
                load.pause(1, 2)
                load.request("board op", board.undo, stale_ok=True, project_id=pid, event_id=merged)


def _dashboard(url: str, project_id: int, wave_id: int, before_id: int) -> int:
    """The dashboard page's work on a rerun: two short sessions of reads, then figures (no database)."""
    with database.session_scope(url) as session:
        waves = surveys_service.list_waves(session=session, project_id=project_id)
        indicators = indicators_service.list_indicators(session=session, project_id=project_id, include_retired=True)
        families = grid.families(session=session, project_id=project_id)
    with database.session_scope(url) as session:
        answers = surveys_service.answers_frame(session=session, project_id=project_id, wave_id=wave_id)
        before = surveys_service.answers_frame(session=session, project_id=project_id, wave_id=before_id)
    names = {i.id: i.name_fr for i in indicators}
    family_of = {i.id: i.family_code for i in indicators if i.family_code}
    parts = analysis.dashboard(answers, family_of)
    figures = [
        charts.mean_by_indicator(parts["summary"], names=names, title="Moyennes", axis_label="Niveau"),
        charts.distribution_bars(
            parts["distribution"], names=names, title="Niveaux", level_names=list("12345"), dont_know="NSP"
        ),
    ]
    if not parts["families"].empty:
        figures.append(charts.family_radar(parts["families"], labels={f.code: f.code for f in families}, title="F"))
    if not parts["by_group"].empty:
        figures.append(charts.group_heatmap(parts["by_group"], parts["gaps"], names=names, title="Profils"))
    comparison = analysis.compare_waves(before, answers)
    figures += [
        charts.wave_comparison(comparison, names=names, title="Vagues", axis_label="Écart"),
        charts.makeup_bars(parts["makeup"], column="profile", title="Profils", empty_label="—"),
        charts.makeup_bars(parts["places"], column="place", title="Quartiers", empty_label="—"),
    ]
    charts.standalone_html(figures, title=f"Tableau de bord · {waves[-1].name}", lang="fr")
    return analysis.respondents(answers)


def dashboard_reader(load: Load, number: int) -> None:
    setup = load.setup
    load.pause(0, 5)
    while load.running():
        began = time.perf_counter()
        try:
            _dashboard(setup.url, setup.project_id, setup.wave_id, setup.before_id)
        except Exception as error:  # counted by type
            with load.lock:
                load.tallies["dashboard"].errors[f"{type(error).__name__}: {str(error).splitlines()[0][:60]}"] += 1
        else:
            with load.lock:
                load.tallies["dashboard"].seconds.append(time.perf_counter() - began)
        load.pause(2, 5)


# ---------- building the project, checking what was stored ----------


def _responses(count: int, ids: list[int], rng: random.Random) -> list[surveys_service.ResponseIn]:
    return [
        surveys_service.ResponseIn(
            levels={i: rng.choice([1, 2, 3, 4, 5, None]) for i in ids},
            profile=rng.choice(PROFILES),
            place=rng.choice(PLACES),
            weight=round(rng.uniform(0.5, 1.5), 3),
        )
        for _ in range(count)
    ]


def build(url: str, respondents: int) -> Setup:
    """The project a workshop would have at this point, made through the services."""
    rng = random.Random(1)
    with database.session_scope(url) as session:
        pid = projects.create_project(session=session, name=f"Charge mixte {time.time_ns()}", place="Bench").id
        groups = [groups_service.create_group(session=session, project_id=pid, profile=p) for p in PROFILES]
        codes = [join.open_join(session=session, project_id=pid, group_id=g.id).join_code for g in groups]
        seeded = [
            groups_service.add_criterion(
                session=session, project_id=pid, group_id=groups[n % len(groups)].id, question=QUESTIONS[n % 3],
                text=f"Note de départ {n}", author="Animatrice",
            ).id
            for n in range(SEEDED_NOTES)
        ]  # fmt: skip
    per_cluster = SEEDED_NOTES // CLUSTERS
    for start in range(0, per_cluster * CLUSTERS, per_cluster):
        with database.session_scope(url) as session:
            seen = board.load_board(session=session, project_id=pid).versions
            board.move_notes(
                session=session, project_id=pid, criterion_ids=seeded[start : start + per_cluster], target_id=None,
                seen=seen, name=f"Regroupement {start // per_cluster + 1}",
            )  # fmt: skip
    with database.session_scope(url) as session:
        family_codes = [f.code for f in grid.families(session=session, project_id=pid)] or [None]
        ids = [
            indicators_service.create_indicator(
                session=session, project_id=pid, name_fr=f"Indicateur {n + 1}",
                family_code=family_codes[n % len(family_codes)],
                levels={k: f"Situation {k} de l'indicateur {n + 1}" for k in range(1, 6)},
            ).id
            for n in range(INDICATORS)
        ]  # fmt: skip
        before = surveys_service.create_wave(session=session, project_id=pid, name="Vague 0")
        surveys_service.add_responses(
            session=session, project_id=pid, wave_id=before.id, responses=_responses(300, ids, rng)
        )
        surveys_service.set_wave_status(session=session, project_id=pid, wave_id=before.id, status=CLOSED)
        wave = surveys_service.create_wave(session=session, project_id=pid, name="Vague 1")
        surveys_service.add_responses(
            session=session, project_id=pid, wave_id=wave.id, responses=_responses(150, ids, rng)
        )
        links = surveys_service.create_tokens(
            session=session, project_id=pid, wave_id=wave.id, count=max(LINKS_PER_BATCH, respondents * 10)
        )
    return Setup(url, pid, codes, [g.id for g in groups], wave.id, before.id, links)


def check(load: Load) -> str:
    """Every acknowledged note and response stored exactly once; raise otherwise."""
    pid = load.setup.project_id
    with database.session_scope(load.setup.url) as session:
        stored = Counter(
            session.exec(
                select(Criterion.text).where(Criterion.project_id == pid, Criterion.participant_token.is_not(None))
            ).all()
        )
        tokens = {
            t.token: t
            for t in session.exec(
                select(SurveyToken).where(SurveyToken.project_id == pid, SurveyToken.used_at.is_not(None))
            )
        }
        people = Counter(
            session.exec(
                select(Respondent.id).where(Respondent.project_id == pid, Respondent.wave_id == load.setup.wave_id)
            ).all()
        )
        answers = dict(
            session.exec(
                select(Answer.respondent_id, func.count(Answer.id))
                .where(Answer.project_id == pid)
                .group_by(Answer.respondent_id)
            ).all()
        )
    problems = []
    sent = Counter(text for _, text in load.notes)
    if (
        any(stored[text] != 1 for text in sent)
        or sum(stored.values()) != len(load.notes)
        or max(sent.values(), default=1) > 1
    ):
        problems.append(f"notes: {len(load.notes)} acknowledged, {sum(stored.values())} stored from phones")
    for link, respondent_id in load.responses:
        row = tokens.get(link)
        if (
            row is None
            or row.respondent_id != respondent_id
            or people[respondent_id] != 1
            or answers.get(respondent_id) != INDICATORS
        ):
            problems.append(f"response of link {link}: not stored once with its {INDICATORS} answers")
            break
    if len(tokens) != len(load.responses):
        problems.append(f"responses: {len(load.responses)} acknowledged, {len(tokens)} links marked answered")
    if problems:
        raise SystemExit("LOST OR DOUBLED: " + "; ".join(problems))
    return f"{len(load.notes)} notes and {len(load.responses)} responses acknowledged, each stored exactly once"


# ---------- running and printing ----------


def percentile(ordered: list[float], share: float) -> float:
    return ordered[max(0, round(share * len(ordered)) - 1)]


def report(load: Load, elapsed: float) -> None:
    kinds = [
        ("phones", ["phone page", "send note"]),
        ("respondents", ["survey page", "save draft", "submit"]),
        ("board", ["board page", "board op", "validate"]),
        ("dashboards", ["dashboard"]),
    ]
    print(
        f"  {'request':<13}{'handled':>8}{'per s':>7}{'stale':>7}{'errors':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
    )
    total = errors = 0
    for actor, names in kinds:
        for name in names:
            tally = load.tallies[name]
            ordered = sorted(tally.seconds)
            count, failed = len(ordered), sum(tally.errors.values())
            total, errors = total + count, errors + failed
            timing = (
                "".join(f"{percentile(ordered, q) * 1000:9.1f}" for q in (0.5, 0.95)) + f"{ordered[-1] * 1000:9.1f}"
                if ordered
                else f"{'-':>9}" * 3
            )
            print(f"  {name:<13}{count:>8}{count / elapsed:>7.1f}{tally.stale:>7}{failed:>7}{timing}   ({actor})")
            for kind, n in tally.errors.most_common():
                print(f"      error {n} x {kind}")
    print(f"  all          {total:>8}{total / elapsed:>7.1f}{'':>7}{errors:>7}")


def run(url: str, name: str, args: argparse.Namespace) -> None:
    database.prepare(url)
    setup = build(url, args.respondents)
    load = Load(setup, args.seconds, args.flat_out)
    actors = (
        [(phone, n) for n in range(args.participants)]
        + [(respondent, n) for n in range(args.respondents)]
        + [(board_screen, n) for n in range(args.board_screens)]
        + [(dashboard_reader, n) for n in range(args.dashboards)]
    )
    threads = [threading.Thread(target=actor, args=(load, n), daemon=True) for actor, n in actors]
    began = time.perf_counter()
    load.timer.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    pace = "flat out" if args.flat_out else "with pauses"
    print(
        f"{name}: {args.seconds:g} s ({elapsed:.1f} s to the last answer), {pace}; {args.participants} phones, "
        f"{args.respondents} respondents, {args.board_screens} board screens, {args.dashboards} dashboards; "
        f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}",
        flush=True,
    )
    report(load, elapsed)
    print(f"  {check(load)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--participants", type=int, default=60, help="phones sending notes")
    parser.add_argument("--respondents", type=int, default=30, help="people answering the questionnaire")
    parser.add_argument("--board-screens", type=int, default=2, help="screens on the clustering board")
    parser.add_argument("--dashboards", type=int, default=3, help="people reading the dashboard")
    parser.add_argument("--flat-out", action="store_true", help="no pause between requests")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s), load average before: {os.getloadavg()[0]:.2f}")
    if args.database in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="spirale-bench-") as folder:
            run(f"sqlite:///{folder}/bench.db", "SQLite", args)
    if args.database in ("postgresql", "both"):
        with postgres_cluster() as url:
            run(url, "PostgreSQL", args)


if __name__ == "__main__":
    main()
