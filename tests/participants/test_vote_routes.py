"""The vote on the phone routes (/p/vote/CODE), in process through Starlette's TestClient.

The same routes and guard as app.py serves; every ballot is read back from the database.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlmodel import col, select
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.testclient import TestClient

from actions import vote
from actions.models import PriorityBallot, PriorityBallotDot, PriorityVote
from groups import service as groups_service
from indicators import service as indicators_service
from participants import routes, web
from workshop import database, i18n, projects
from workshop.database import utcnow

CSRF = re.compile(r'name="csrf" value="([0-9a-f]+)"')
LEVELS = {level: f"Situation {level}" for level in range(1, 6)}


def shown(key: str, lang: str = "fr", **params) -> str:
    """A message as the page's HTML shows it (escaped)."""
    return web.e(i18n.translate(key, lang, **params))


@dataclass
class Room:
    url: str
    project_id: int
    vote_id: int
    code: str
    indicators: list[int]  # in the diagnosis' order


@pytest.fixture
def room(db_url: str) -> Room:
    with database.session_scope(db_url) as session:
        project = projects.create_project(session=session, name="Quartier test", place="Testville")
        for profile in ("Jeunes", "Aînés"):
            groups_service.create_group(session=session, project_id=project.id, profile=profile)
        ids = [
            indicators_service.create_indicator(
                session=session, project_id=project.id, name_fr=name, name_en=f"{name} (en)", levels=LEVELS
            ).id
            for name in ("Se loger <b>dignement</b>", "Se sentir en sécurité", "Avoir un travail")
        ]
        opened = vote.open_vote(
            session=session, project_id=project.id, indicator_ids=ids, votes_per_person=3, cap_per_item=2, minutes=10
        )
        order = [c.indicator_id for c in vote.candidates(session=session, vote_id=opened.id)]
    return Room(db_url, project.id, opened.id, opened.code, order)


def _app() -> Starlette:
    return Starlette(routes=routes.ROUTES, middleware=[Middleware(routes.ParticipantGuard)])


@pytest.fixture
def phones() -> Iterator[list[TestClient]]:
    made = [TestClient(_app(), follow_redirects=False) for _ in range(3)]
    yield made
    for client in made:
        client.close()


def ballots(room: Room) -> dict[str, tuple[str, dict[int, int]]]:
    """participant token -> (profile, {indicator: votes}) of every stored ballot, read from its rows."""
    with database.read_scope(room.url) as session:
        rows = session.exec(select(PriorityBallot).where(PriorityBallot.vote_id == room.vote_id)).all()
        dots = session.exec(select(PriorityBallotDot).where(col(PriorityBallotDot.ballot_id).in_([b.id for b in rows])))
        given: dict[int, dict[int, int]] = {}
        for dot in dots:
            given.setdefault(dot.ballot_id, {})[dot.indicator_id] = dot.votes
        return {b.participant_token: (b.profile, given.get(b.id, {})) for b in rows}


def given(room: Room, phone: TestClient) -> dict[int, int]:
    with database.read_scope(room.url) as session:
        token = phone.cookies["spirale_participant"]
        return vote.phone_ballot(session=session, code=room.code, participant_token=token).dots


def token(phone: TestClient, room: Room) -> str:
    page = phone.get(f"/p/vote/{room.code}")
    assert page.status_code == 200, page.text
    return CSRF.search(page.text).group(1)


def tap(phone: TestClient, room: Room, item: int, count: int, **fields: str):
    """A thumb on a candidate's − or + (the button sets the candidate to `count` votes)."""
    return phone.post(f"/p/vote/{room.code}", data={"csrf": token(phone, room), "voix": f"{item}:{count}", **fields})


def test_a_phone_votes_sees_its_dots_and_changes_its_ballot(room, phones):
    phone = phones[0]
    page = phone.get(f"/p/vote/{room.code}")
    assert page.status_code == 200 and page.headers["content-language"] == "fr"
    assert "Se loger &lt;b&gt;dignement&lt;/b&gt;" in page.text and "<b>dignement" not in page.text
    assert shown("vote.phone.rules", votes=3, cap=2) in page.text and shown("vote.phone.left", count=3) in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    cookie = page.headers["set-cookie"]
    assert "spirale_participant=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    first, second, _ = room.indicators
    went = tap(phone, room, first, 1, profil="Jeunes")
    assert went.status_code == 303 and went.headers["location"] == f"/p/vote/{room.code}?fait=1#item-{first}"
    after = phone.get(went.headers["location"])
    assert shown("vote.phone.saved") in after.text and shown("vote.phone.left", count=2) in after.text
    assert f'value="{first}:2"' in after.text and 'value="Jeunes" checked' in after.text
    tap(phone, room, first, 2)
    tap(phone, room, second, 1)
    assert given(room, phone) == {first: 2, second: 1}
    tap(phone, room, first, 1)  # − : one vote back
    assert given(room, phone) == {first: 1, second: 1}
    assert list(ballots(room).values()) == [("Jeunes", {first: 1, second: 1})]


def test_the_phone_script_gets_the_ballot_back_in_one_request(room, phones):
    """phone.js posts a tap with its header: the ballot as it now stands comes back at once (200, with its
    address), the same page the redirect leads to; no header, the plain form's redirect."""
    phone = phones[0]
    first = room.indicators[0]
    csrf = token(phone, room)
    drawn = phone.post(f"/p/vote/{room.code}", data={"csrf": csrf, "voix": f"{first}:1"},
                       headers={"X-Spirale-Screen": "1"})  # fmt: skip
    assert drawn.status_code == 200 and drawn.headers["x-spirale-address"] == f"/p/vote/{room.code}?fait=1"
    assert shown("vote.phone.saved") in drawn.text and shown("vote.phone.left", count=2) in drawn.text
    assert f'value="{first}:2"' in drawn.text and given(room, phone) == {first: 1}
    assert drawn.text == phone.get(f"/p/vote/{room.code}?fait=1").text
    over = phone.post(f"/p/vote/{room.code}", data={"csrf": csrf, "voix": f"{first}:9"},
                      headers={"X-Spirale-Screen": "1"})  # fmt: skip
    assert over.status_code == 422 and "x-spirale-address" not in over.headers and given(room, phone) == {first: 1}


def test_a_replayed_tap_sets_the_same_number_again(room, phones):
    phone = phones[0]
    first = room.indicators[0]
    csrf = token(phone, room)
    for _ in range(3):  # the same request three times: a double tap, a reload that resends, a replay
        sent = phone.post(f"/p/vote/{room.code}", data={"csrf": csrf, "voix": f"{first}:1"})
        assert sent.status_code == 303
    assert given(room, phone) == {first: 1} and len(ballots(room)) == 1


def test_over_the_cap_and_too_many_votes_are_refused_in_the_phones_language(room, phones):
    phone = phones[0]
    first, second, third = room.indicators
    tap(phone, room, first, 2)
    over = tap(phone, room, first, 3)
    assert over.status_code == 422 and shown("error.vote_over_cap", cap=2) in over.text
    assert 'role="alert"' in over.text and shown("vote.phone.left", count=1) in over.text  # the ballot as it was
    tap(phone, room, second, 1)
    english = phone.post(f"/p/vote/{room.code}?lang=en", data={"csrf": token(phone, room), "voix": f"{third}:1"})
    assert english.status_code == 422 and english.headers["content-language"] == "en"
    assert shown("error.vote_too_many", "en", votes=3) in english.text
    assert given(room, phone) == {first: 2, second: 1}


def test_one_ballot_per_phone_counted_by_profile(room, phones):
    first, second, _ = room.indicators
    tap(phones[0], room, first, 2, profil="Jeunes")
    tap(phones[1], room, first, 1, profil="Aînés")
    tap(phones[2], room, second, 1)
    assert len(ballots(room)) == 3
    with database.read_scope(room.url) as session:
        result = vote.results(session=session, project_id=room.project_id, vote_id=room.vote_id)
    top = result.rows[0]
    assert (top.indicator_id, top.votes, top.by_profile) == (first, 3, {"Jeunes": 2, "Aînés": 1, "": 0})


def test_a_post_without_the_phones_csrf_token_stores_nothing(room, phones):
    phone, other = phones[0], phones[1]
    first = room.indicators[0]
    token(phone, room)
    missing = phone.post(f"/p/vote/{room.code}", data={"voix": f"{first}:1"})
    assert missing.status_code == 403 and shown("phone.error.expired") in missing.text
    foreign = phone.post(f"/p/vote/{room.code}", data={"csrf": token(other, room), "voix": f"{first}:1"})
    assert foreign.status_code == 403  # another phone's token: a cross-site page cannot borrow one
    assert ballots(room) == {}


def test_a_forged_cookie_gets_a_new_identity_never_someone_elses_ballot(room, phones):
    phone = phones[0]
    first = room.indicators[0]
    tap(phone, room, first, 2)
    owner = phone.cookies["spirale_participant"]
    for forged in ("x'; DROP TABLE--", "<script>", owner[:-1] + "!", "../../etc"):
        with TestClient(_app(), follow_redirects=False, cookies={"spirale_participant": forged}) as forger:
            page = forger.get(f"/p/vote/{room.code}")
            assert shown("vote.phone.left", count=3) in page.text  # a new phone, not one with two votes given
            fresh = re.search(r"spirale_participant=([^;]+)", page.headers["set-cookie"]).group(1)
            assert fresh not in {forged, owner}
            stale = forger.post(f"/p/vote/{room.code}", data={"csrf": web.csrf_token(forged), "voix": f"{first}:1"})
            assert stale.status_code == 403
    assert list(ballots(room)) == [owner] and given(room, phone) == {first: 2}


def test_a_closed_vote_refuses_and_shows_the_ballot_kept(room, phones):
    phone = phones[0]
    first = room.indicators[0]
    tap(phone, room, first, 1)
    csrf = token(phone, room)
    with database.session_scope(room.url) as session:
        vote.close_vote(session=session, project_id=room.project_id, vote_id=room.vote_id)
    late = phone.post(f"/p/vote/{room.code}", data={"csrf": csrf, "voix": f"{first}:2"})
    assert late.status_code == 410 and shown("error.vote_closed") in late.text
    page = phone.get(f"/p/vote/{room.code}")
    assert shown("vote.phone.closed", count=1) in page.text
    assert 'name="voix"' not in page.text  # nothing left to press
    assert given(room, phone) == {first: 1}


def test_a_vote_past_its_closing_time_is_closed(room, phones):
    with database.session_scope(room.url) as session:
        row = session.get(PriorityVote, room.vote_id)
        row.closes_at = utcnow() - timedelta(seconds=1)
        session.add(row)
    late = tap(phones[0], room, room.indicators[0], 1)
    assert late.status_code == 410 and ballots(room) == {}


def test_codes_typed_anyhow_and_unknown(room, phones):
    phone = phones[0]
    typed = phone.get(f"/p/rejoindre?code={room.code[:3].lower()} {room.code[3:].lower()}")
    assert typed.status_code == 303 and typed.headers["location"] == f"/p/vote/{room.code}"
    lower = phone.get(f"/p/vote/{room.code.lower()}")
    assert lower.status_code == 303 and lower.headers["location"] == f"/p/vote/{room.code}"
    unknown = phone.get("/p/vote/ZZZZZZ?lang=en")
    assert unknown.status_code == 404 and shown("error.vote_code_unknown", "en") in unknown.text
    posted = phone.post("/p/vote/ZZZZZZ", data={"csrf": token(phone, room), "voix": "1:1"})
    assert posted.status_code == 404


@pytest.mark.parametrize("value", ["abc", "1:x", "1", "1:2:3", "99999999999:1", "1:99999", "١:1"])
def test_a_button_value_of_none_of_ours_is_refused(room, phones, value):
    sent = phones[0].post(f"/p/vote/{room.code}", data={"csrf": token(phones[0], room), "voix": value})
    assert sent.status_code == 400 and shown("phone.error.form") in sent.text
    assert ballots(room) == {}


def test_an_item_of_another_vote_and_a_made_up_profile_are_refused(room, phones):
    unknown = tap(phones[0], room, 999_999, 1)
    assert unknown.status_code == 404 and shown("error.vote_item_unknown") in unknown.text
    martians = tap(phones[0], room, room.indicators[0], 1, profil="Martiens")
    assert martians.status_code == 422 and shown("error.vote_profile_unknown") in martians.text
    assert ballots(room) == {}


def test_the_profile_alone_is_saved(room, phones):
    phone = phones[0]
    saved = phone.post(f"/p/vote/{room.code}", data={"csrf": token(phone, room), "voix": "", "profil": "Aînés"})
    assert saved.status_code == 303 and saved.headers["location"] == f"/p/vote/{room.code}?fait=1"
    assert list(ballots(room).values()) == [("Aînés", {})]
