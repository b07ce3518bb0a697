"""A room of phones voting on the priority axes against a running Spirale server, over real HTTP (issue 17).

    python bench/phones_vote.py                              # 30, 100, 300, 1,000 phones, SQLite, one process
    python bench/phones_vote.py --sizes 300 --postgres       # throwaway PostgreSQL, two processes behind nginx

The same machinery as bench/phones_http.py (fresh database and server processes per size, one asyncio HTTP
client per phone with its own cookies and address, server CPU, peak memory and load average), on the vote:
the demo project's top 8 ranked axes put to a vote of --votes votes a person, at most --cap on one axis. Each
phone scans the vote's code within --join-seconds, loads the ballot (/p/vote/CODE), says a profile with its
first tap, and gives its votes one tap at a time (--gap seconds apart), each tap as a phone without
JavaScript sends it: POST, 303, then the ballot again (the "send" latency is all three). Every ballot is read
back from the database: votes stored against those the phones were told were saved; lost, duplicated.
"""

import argparse
import asyncio
import html
import json
import os
import random
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import aiohttp
from sqlmodel import col, select

import demo
from actions import priorities, vote
from actions.models import PriorityBallot, PriorityBallotDot
from bench import phones_http as room_bench
from participants import web
from tests.conftest import new_database, throwaway_postgres
from workshop import database

TAP = re.compile(r'name="voix" value="(\d+):(\d+)" class="vote-more"')
PROFILE = re.compile(r'name="profil" value="([^"]*)"')
SAVED = 'class="notice success"'
CANDIDATES = 8


@dataclass
class VoteRoom:
    project_id: int
    vote_id: int
    code: str
    cap: int
    told: dict[str, dict[int, int]] = field(default_factory=dict)  # phone -> the votes it was told were saved


def prepare_vote(url: str, options: argparse.Namespace) -> VoteRoom:
    database.prepare(url)
    with database.session_scope(url) as session:
        project = demo.load_demo(session=session)
        order = priorities.ranking(session=session, project_id=project.id)["indicator_id"].tolist()
        opened = vote.open_vote(session=session, project_id=project.id, indicator_ids=order[:CANDIDATES],
                                votes_per_person=options.votes, cap_per_item=options.cap,
                                minutes=vote.MAX_MINUTES)  # fmt: skip
    return VoteRoom(project.id, opened.id, opened.code, options.cap)


async def phone_vote(number: int, base: str, room: VoteRoom, options: argparse.Namespace, tally: room_bench.Tally):
    """One phone: scans the code at its moment, loads the ballot, gives its votes one tap at a time."""
    rng = random.Random(20_000 + number)
    await asyncio.sleep(rng.uniform(0, options.join_seconds))
    headers = {} if options.one_address else {"X-Forwarded-For": room_bench._address(number)}
    timeout = aiohttp.ClientTimeout(total=room_bench.REQUEST_TIMEOUT)
    jar = aiohttp.CookieJar(unsafe=True)
    connector = aiohttp.TCPConnector(limit=2)
    path = f"{base}/p/vote/{room.code}"
    async with aiohttp.ClientSession(headers=headers, timeout=timeout, cookie_jar=jar, connector=connector) as http:
        got = await room_bench._timed(tally, "page", room_bench._get(http, path))
        if got is None or got[0] >= 400:
            return
        page, given = got[1], {}
        profiles = [html.unescape(p) for p in PROFILE.findall(page)]
        for tap in range(options.votes):
            csrf = room_bench.CSRF.search(page)
            fits = [(int(i), int(n)) for i, n in TAP.findall(page) if int(n) <= room.cap]
            if csrf is None or not fits:
                tally.failed("send", "no form")
                return
            await asyncio.sleep(rng.uniform(*options.gap))
            item, count = rng.choice(fits)
            form = {"csrf": csrf.group(1), "voix": f"{item}:{count}"}
            if tap == 0 and profiles:
                form["profil"] = rng.choice(profiles)
            tally.sent += 1
            # As phone.js does: the reply is the ballot (--no-script: the plain form's 303, followed)
            sent_as = {} if options.no_script else {web.SCREEN_HEADER: "1"}
            got = await room_bench._timed(tally, "send", room_bench._post(http, path, form, headers=sent_as))
            if got is None or got[0] >= 400:
                return
            page = got[1]
            if SAVED not in page:
                tally.failed("send", "not saved")
                return
            given[item] = count
            tally.confirmed.append(f"{number}:{tap}")
        room.told[room_bench._cookie(jar, "spirale_participant")] = given
    tally.phones_done += 1


def read_back(url: str, room: VoteRoom) -> dict[str, dict[int, int]]:
    """Every stored ballot's votes, by phone."""
    with database.read_scope(url) as session:
        ballots = session.exec(select(PriorityBallot).where(PriorityBallot.vote_id == room.vote_id)).all()
        tokens = {b.id: b.participant_token for b in ballots}
        dots = session.exec(select(PriorityBallotDot).where(col(PriorityBallotDot.ballot_id).in_(list(tokens))))
        stored: dict[str, dict[int, int]] = {token: {} for token in tokens.values()}
        for dot in dots:
            stored[tokens[dot.ballot_id]][dot.indicator_id] = dot.votes
    return stored


def run_vote(count: int, url: str, options: argparse.Namespace, workdir: Path, pg_port: int | None):
    room = prepare_vote(url, options)
    tally = room_bench.Tally()
    with room_bench.servers(url, options.processes, workdir, behind_nginx=options.postgres,
                            pg_port=pg_port) as running:  # fmt: skip
        asyncio.run(warm_up(running.apps, room.code))
        deadline = options.join_seconds + options.votes * options.gap[1] + options.slack
        with (
            room_bench.Sampler(running.app_pids, running.other_pids) as sampler,
            room_bench.profiled(running.app_pids, options, count),
        ):
            finished = asyncio.run(room_bench.drive(count, lambda n: phone_vote(n, running.base, room, options, tally),
                                                    deadline))  # fmt: skip
        errors = room_bench.server_errors(running.logs)
    stored = read_back(url, room)
    database_name = "postgresql" if options.postgres else "sqlite"
    result = room_bench.Result(count, "vote", database_name, options.processes, tally, sampler.usage)
    result.stored = sum(sum(votes.values()) for votes in stored.values())
    told = sum(sum(votes.values()) for votes in room.told.values())
    result.lost = sum(
        max(0, n - stored.get(phone, {}).get(i, 0)) for phone, v in room.told.items() for i, n in v.items()
    )
    result.duplicated = max(0, result.stored - told - sum(1 for p in stored if p not in room.told))
    result.unconfirmed_stored = sum(1 for phone in stored if phone not in room.told)
    result.server_errors, result.finished = errors, finished
    result.note = f"ballots stored {len(stored)}, phones told saved {len(room.told)}, votes told saved {told}"
    return result


async def warm_up(apps: Sequence[str], code: str) -> None:
    """Each process's first ballot page before timing."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        for base in apps:
            for _ in range(3):
                async with http.get(f"{base}/p/vote/{code}") as response:
                    await response.read()


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[30, 100, 300, 1000])
    parser.add_argument("--postgres", action="store_true", help="throwaway PostgreSQL, processes behind nginx")
    parser.add_argument("--processes", type=int, default=None, help="app processes (1 on SQLite, 2 on PostgreSQL)")
    parser.add_argument("--join-seconds", type=float, default=30.0)
    parser.add_argument("--votes", type=int, default=3, help="votes per person")
    parser.add_argument("--cap", type=int, default=2, help="most votes on one axis")
    parser.add_argument("--gap", type=float, nargs=2, default=[1.0, 3.0], help="seconds between two taps")
    parser.add_argument("--slack", type=float, default=120.0, help="seconds past the planned end before stopping")
    parser.add_argument("--one-address", action="store_true", help="every phone from one address (a venue's NAT)")
    parser.add_argument("--no-script", action="store_true", help="no JavaScript: each tap is POST, 303, GET")
    parser.add_argument("--json", type=Path, help="also write the figures there")
    parser.add_argument("--profile", type=Path, help="py-spy the app processes during each run, into this folder")
    options = parser.parse_args(argv)
    if not 1 <= max(options.sizes) <= 5000 or not 1 <= options.cap <= options.votes <= vote.MAX_VOTES:
        parser.error(f"sizes are 1 to 5,000 phones; 1 <= cap <= votes <= {vote.MAX_VOTES}")
    options.processes = options.processes or (2 if options.postgres else 1)
    if options.processes > 1 and not options.postgres:
        parser.error("several processes need PostgreSQL (--postgres)")
    return options


def main(argv: Sequence[str] | None = None) -> int:
    options = parse(argv)
    room_bench._raise_open_files()
    results = []
    print(f"machine: {os.cpu_count()} cores, load {room_bench._load(os.getloadavg())}", flush=True)
    with ExitStack() as stack:
        server = stack.enter_context(throwaway_postgres("max_connections=300")) if options.postgres else None
        pg_port = int(server.rsplit(":", 1)[1]) if server else None
        for count in options.sizes:
            with tempfile.TemporaryDirectory(prefix="spirale-vote-") as folder:
                workdir = Path(folder)
                url = new_database(server) if server else f"sqlite:///{workdir / 'spirale.db'}"
                started = time.monotonic()
                try:
                    result = run_vote(count, url, options, workdir, pg_port)
                finally:
                    database.get_engine(url).dispose()
            results.append(result)
            print(room_bench.describe(result), f"\n  ({time.monotonic() - started:.0f} s in all)", flush=True)
    print()
    print(room_bench.summary(results))
    if options.json:
        options.json.write_text(json.dumps([room_bench._as_dict(r) for r in results], indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
