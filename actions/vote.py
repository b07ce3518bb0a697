"""The room's vote on the priority axes: dot-voting from phones on the ranked candidates.

The facilitator opens a vote on indicators ranked by the diagnosis (actions.priorities.ranking), with a number
of votes per person, a cap per item and a closing time. Each phone (its participant token) holds one ballot,
changed as often as it likes until the vote closes. The result counts the votes by profile (said by the phone,
or the profile of the homogeneous group it wrote notes in) beside the diagnosis score; the axes chosen from it
keep the vote that supported them. Phones reach a vote by its code (the join codes' alphabet).
"""

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import bindparam, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from actions import priorities
from actions.models import (
    PriorityAxisRead,
    PriorityBallot,
    PriorityBallotDot,
    PriorityVote,
    PriorityVoteItem,
    PriorityVoteRead,
)
from groups import join
from groups import service as groups_service
from groups.models import HOMOGENEOUS, Criterion, Group
from surveys import service as surveys_service
from surveys.models import Wave
from workshop import i18n, settings
from workshop.database import project_row, utcnow
from workshop.errors import SpiraleError

MAX_VOTES = 20  # dots a person: more is no longer a choice
MAX_CANDIDATES = 30
MAX_MINUTES = 240
RATE_CHANGES = 60  # ballot changes a minute from one phone: a thumb taps fast, a robot faster
RATE_SECONDS = 60
CODE_LENGTH = 6
PROFILE_QUESTION = "profile"


@dataclass(frozen=True)
class Candidate:
    indicator_id: int
    rank: int
    score: float


@dataclass(frozen=True)
class Ballot:
    """What a phone sees of a vote: the vote, its candidates, and this phone's own ballot."""

    vote: PriorityVoteRead
    candidates: list[Candidate]
    dots: dict[int, int]
    profile: str
    profiles: list[str]  # the project's profiles a phone may say it belongs to
    open: bool

    @property
    def used(self) -> int:
        return sum(self.dots.values())

    @property
    def left(self) -> int:
        return max(0, self.vote.votes_per_person - self.used)


@dataclass(frozen=True)
class ResultRow:
    indicator_id: int
    rank: int
    score: float
    votes: int
    voters: int
    by_profile: dict[str, int]


@dataclass(frozen=True)
class VoteResult:
    """The count: candidates by votes (then by diagnosis rank), and by profile ("" for phones that did not say)."""

    vote: PriorityVoteRead
    open: bool
    ballots: int
    rows: list[ResultRow]
    profiles: list[str]
    ballots_by_profile: dict[str, int] = field(default_factory=dict)

    @property
    def votes(self) -> int:
        return sum(r.votes for r in self.rows)


def is_open(vote: PriorityVoteRead, now: datetime | None = None) -> bool:
    return vote.closed_at is None and _aware(vote.closes_at) > (now or utcnow())


def seconds_left(vote: PriorityVoteRead) -> int:
    return max(0, int((_aware(vote.closes_at) - utcnow()).total_seconds())) if is_open(vote) else 0


def _aware(moment: datetime) -> datetime:
    return groups_service._aware(moment)  # one rule for SQLite's naive times


# ---------- the facilitator's side ----------


def _code_taken(session: Session, code: str) -> bool:
    return any(
        session.exec(select(table.id).where(column == code)).first() is not None
        for table, column in ((PriorityVote, PriorityVote.code), (Group, Group.join_code), (Wave, Wave.room_code))
    )


def _new_code(session: Session) -> str:
    """Unused by any vote, group or wave: a code typed where group codes are asked leads to one place only."""
    while True:
        code = "".join(secrets.choice(join.ALPHABET) for _ in range(CODE_LENGTH))
        if not _code_taken(session, code):
            return code


def open_vote(
    *,
    session: Session,
    project_id: int,
    indicator_ids: Sequence[int],
    votes_per_person: int,
    cap_per_item: int,
    minutes: float,
    revealed: bool = False,
) -> PriorityVoteRead:
    """Open a vote on some ranked indicators; one vote open at a time in a project."""
    ids = list(dict.fromkeys(int(i) for i in indicator_ids))
    if not ids:
        raise SpiraleError("error.vote_no_candidate")
    if len(ids) > MAX_CANDIDATES:
        raise SpiraleError("error.vote_too_many_candidates", maximum=MAX_CANDIDATES)
    if not 1 <= int(votes_per_person) <= MAX_VOTES:
        raise SpiraleError("error.vote_votes_range", maximum=MAX_VOTES)
    if not 1 <= int(cap_per_item) <= int(votes_per_person):
        raise SpiraleError("error.vote_cap_range", maximum=int(votes_per_person))
    if not 1 <= float(minutes) <= MAX_MINUTES:
        raise SpiraleError("error.vote_minutes_range", maximum=MAX_MINUTES)
    if (current := latest_vote(session=session, project_id=project_id)) is not None and is_open(current):
        raise SpiraleError("error.vote_already_open", code=current.code)
    wave_id = priorities.diagnosis_wave(session=session, project_id=project_id)
    ranked = priorities.ranking(session=session, project_id=project_id, wave_id=wave_id).set_index("indicator_id")
    if unknown := sorted(set(ids) - set(ranked.index)):
        raise SpiraleError("error.indicator_unknown", ids=unknown)
    vote = PriorityVote(
        project_id=project_id,
        wave_id=wave_id,
        code=_new_code(session),
        votes_per_person=int(votes_per_person),
        cap_per_item=int(cap_per_item),
        closes_at=utcnow() + timedelta(minutes=float(minutes)),
        revealed=bool(revealed),
    )
    session.add(vote)
    session.flush()
    for indicator_id in ids:
        row = ranked.loc[indicator_id]
        session.add(
            PriorityVoteItem(
                project_id=project_id,
                vote_id=vote.id,
                indicator_id=indicator_id,
                rank=int(row["rank"]),
                score=float(row["score"]),
            )
        )
    session.flush()
    return PriorityVoteRead.model_validate(vote)


def _vote(session: Session, project_id: int, vote_id: int) -> PriorityVote:
    return project_row(session, PriorityVote, vote_id, project_id, "error.vote_missing")


def close_vote(*, session: Session, project_id: int, vote_id: int) -> PriorityVoteRead:
    """Close it now (a vote past its time is closed already; closing twice changes nothing)."""
    vote = _vote(session, project_id, vote_id)
    if vote.closed_at is None:
        vote.closed_at = min(utcnow(), _aware(vote.closes_at))
        session.add(vote)
        session.flush()
    return PriorityVoteRead.model_validate(vote)


def reveal_vote(*, session: Session, project_id: int, vote_id: int, revealed: bool = True) -> PriorityVoteRead:
    """Show the count on the room's screen (or hide it again)."""
    vote = _vote(session, project_id, vote_id)
    vote.revealed = bool(revealed)
    session.add(vote)
    session.flush()
    return PriorityVoteRead.model_validate(vote)


def latest_vote(*, session: Session, project_id: int) -> PriorityVoteRead | None:
    """The project's newest vote, open or closed."""
    query = select(PriorityVote).where(PriorityVote.project_id == project_id).order_by(col(PriorityVote.id).desc())
    found = session.exec(query).first()
    return PriorityVoteRead.model_validate(found) if found else None


def get_vote(*, session: Session, project_id: int, vote_id: int) -> PriorityVoteRead:
    return PriorityVoteRead.model_validate(_vote(session, project_id, vote_id))


def candidates(*, session: Session, vote_id: int) -> list[Candidate]:
    query = select(PriorityVoteItem).where(PriorityVoteItem.vote_id == vote_id).order_by(PriorityVoteItem.rank)
    return [Candidate(i.indicator_id, i.rank, i.score) for i in session.exec(query)]


def profiles(*, session: Session, project_id: int) -> list[str]:
    """The profiles a phone may say: the project's profile question's choices (by default, its groups')."""
    questions = surveys_service.profile_questions(session=session, project_id=project_id)
    return next((q.options for q in questions if q.key == PROFILE_QUESTION), [])


_STATE = (
    select(func.count(col(PriorityBallot.id)), func.max(PriorityBallot.updated_at))
    .where(PriorityBallot.vote_id == bindparam("vote"))
)  # fmt: skip


def vote_change(*, session: Session, project_id: int) -> tuple | None:
    """A cheap "what changed since" value of the project's newest vote, for screens that follow it live."""
    vote = latest_vote(session=session, project_id=project_id)
    if vote is None:
        return None
    count, newest = session.execute(_STATE, {"vote": vote.id}).one()
    return vote.id, vote.closed_at, vote.revealed, is_open(vote), int(count), newest


def _vote_dots(session: Session, vote_id: int) -> list[tuple[str, dict[int, int]]]:
    """(profile, {indicator: votes}) of every ballot of the vote that gives at least one vote."""
    query = (
        select(PriorityBallot.id, PriorityBallot.profile, PriorityBallotDot.indicator_id, PriorityBallotDot.votes)
        .join(PriorityBallotDot, col(PriorityBallotDot.ballot_id) == PriorityBallot.id)
        .where(PriorityBallot.vote_id == vote_id)
    )
    found: dict[int, tuple[str, dict[int, int]]] = {}
    for ballot_id, profile, indicator_id, votes in session.exec(query):
        found.setdefault(ballot_id, (profile, {}))[1][indicator_id] = votes
    return list(found.values())


def _dots(session: Session, ballot: PriorityBallot | None) -> dict[int, int]:
    if ballot is None or ballot.id is None:
        return {}
    query = select(PriorityBallotDot).where(PriorityBallotDot.ballot_id == ballot.id)
    return {d.indicator_id: d.votes for d in session.exec(query)}


def _store_dots(session: Session, ballot: PriorityBallot, wanted: Mapping[int, int]) -> None:
    """The ballot's rows become `wanted`: changed in place, added, or removed (a vote taken back)."""
    rows = {
        d.indicator_id: d
        for d in session.exec(select(PriorityBallotDot).where(PriorityBallotDot.ballot_id == ballot.id))
    }
    for indicator_id, row in rows.items():
        if indicator_id not in wanted:
            session.delete(row)
        elif row.votes != wanted[indicator_id]:
            row.votes = wanted[indicator_id]
            session.add(row)
    for indicator_id, votes in wanted.items():
        if indicator_id not in rows:
            session.add(PriorityBallotDot(project_id=ballot.project_id, ballot_id=ballot.id, indicator_id=indicator_id,
                                          votes=votes))  # fmt: skip


def results(*, session: Session, project_id: int, vote_id: int) -> VoteResult:
    vote = get_vote(session=session, project_id=project_id, vote_id=vote_id)
    items = candidates(session=session, vote_id=vote_id)
    ballots = _vote_dots(session, vote_id)  # (a phone that took all its votes back is not among them)
    known = profiles(session=session, project_id=project_id)
    said = sorted({p for p, _ in ballots} - set(known) - {""})  # profiles since removed from the question
    shown = [*known, *said, *([""] if any(p == "" for p, _ in ballots) else [])]
    rows = []
    for item in items:
        by_profile = {p: sum(d.get(item.indicator_id, 0) for q, d in ballots if q == p) for p in shown}
        voters = sum(1 for _, d in ballots if d.get(item.indicator_id))
        rows.append(ResultRow(item.indicator_id, item.rank, item.score, sum(by_profile.values()), voters, by_profile))
    rows.sort(key=lambda r: (-r.votes, r.rank))
    by_phone = {p: sum(1 for q, _ in ballots if q == p) for p in shown}
    return VoteResult(vote, is_open(vote), len(ballots), rows, shown, by_phone)


def choose_from_vote(
    *,
    session: Session,
    project_id: int,
    vote_id: int,
    count: int,
    decided_by: str = "",
    decided_on: date | None = None,
    note: str = "",
) -> list[PriorityAxisRead]:
    """The `count` candidates with most votes (ties: the diagnosis' order) become the priority axes, each
    recording the vote that supported it: its votes, its voters, the phones that voted, its votes by profile."""
    result = results(session=session, project_id=project_id, vote_id=vote_id)
    if result.open:
        raise SpiraleError("error.vote_still_open")
    voted = [r for r in result.rows if r.votes > 0]
    if not voted:
        raise SpiraleError("error.vote_no_votes")
    if int(count) < 1:
        raise SpiraleError("error.priority_none")
    chosen = voted[: int(count)]
    support = {
        r.indicator_id: {
            "vote_id": vote_id,
            "votes": r.votes,
            "voters": r.voters,
            "ballots": result.ballots,
            "votes_by_profile": json.dumps({p: n for p, n in r.by_profile.items() if n}, ensure_ascii=False),
        }
        for r in chosen
    }
    return priorities.choose_axes(
        session=session,
        project_id=project_id,
        indicator_ids=[r.indicator_id for r in chosen],
        decided_by=decided_by,
        decided_on=decided_on,
        note=note,
        wave_id=result.vote.wave_id,
        support=support,
    )


def support_text(axis: PriorityAxisRead, lang: str) -> str:
    """What the room's vote gave a chosen axis, in words ("" when it was chosen without a vote)."""
    if axis.vote_id is None:
        return ""
    said = i18n.translate("vote.support", lang, votes=axis.votes, voters=axis.voters, ballots=axis.ballots)
    unsaid = i18n.translate("vote.profile_unsaid", lang)
    parts = ", ".join(f"{p or unsaid} {n}" for p, n in axis_votes_by_profile(axis).items())
    return f"{said} ({parts})" if parts else said


def axis_votes_by_profile(axis: PriorityAxisRead) -> dict[str, int]:
    try:
        return {str(k): int(v) for k, v in json.loads(axis.votes_by_profile or "{}").items()}
    except (ValueError, TypeError, AttributeError):
        return {}


# ---------- the phones' side ----------


def vote_link(code: str, request_url: str | None = None) -> str:
    """The address the vote's QR code opens (the participants' route)."""
    return settings.phone_link(f"p/vote/{code}", request_url)


def find_vote(*, session: Session, code: object) -> PriorityVoteRead:
    """The vote a code opens (its newest holder), open or closed; a refusal when no vote has it."""
    wanted = join.normalise_code(code)[:12]
    query = select(PriorityVote).where(PriorityVote.code == wanted).order_by(col(PriorityVote.id).desc())
    found = session.exec(query).first() if wanted else None
    if found is None:
        raise SpiraleError("error.vote_code_unknown")
    return PriorityVoteRead.model_validate(found)


def vote_is_known(*, session: Session, code: object) -> bool:
    try:
        find_vote(session=session, code=code)
    except SpiraleError:
        return False
    return True


def _ballot(session: Session, vote_id: int, participant_token: str) -> PriorityBallot | None:
    query = select(PriorityBallot).where(
        PriorityBallot.vote_id == vote_id, PriorityBallot.participant_token == participant_token
    )
    return session.exec(query).first()


def _group_profile(session: Session, project_id: int, participant_token: str) -> str:
    """The profile of the homogeneous group this phone wrote notes in, if any: said when it joined."""
    query = (
        select(Group.profile)
        .join(Criterion, col(Criterion.group_id) == Group.id)
        .where(Group.project_id == project_id, Group.kind == HOMOGENEOUS)
        .where(Criterion.participant_token == participant_token)
        .order_by(col(Criterion.id).desc())
    )
    return session.exec(query).first() or ""


def phone_ballot(*, session: Session, code: object, participant_token: str) -> Ballot:
    """What the phone's page shows: the vote, its candidates in the diagnosis' order, and this phone's ballot."""
    vote = find_vote(session=session, code=code)
    own = _ballot(session, vote.id, participant_token)
    known = profiles(session=session, project_id=vote.project_id)
    profile = own.profile if own is not None else _group_profile(session, vote.project_id, participant_token)
    if own is None and profile not in known:
        profile = ""
    items = candidates(session=session, vote_id=vote.id)
    return Ballot(vote, items, _dots(session, own), profile, known, is_open(vote))


def cast_ballot(
    *,
    session: Session,
    code: object,
    participant_token: str,
    dots: Mapping[int, int] | None = None,
    change: tuple[int, int] | None = None,
    profile: str | None = None,
) -> Ballot:
    """This phone's ballot: the whole of it (`dots`), one item set to a number of votes (`change`), and/or
    its profile. Refused whole (nothing stored) when the vote is closed, an item is over the cap, or the
    votes are more than a person has; setting an item to the number it has changes nothing (a replay)."""
    vote = find_vote(session=session, code=code)
    if join.participant_token(participant_token) != participant_token:
        raise SpiraleError("error.join_token")  # not a token a phone's cookie could hold: never stored
    if not is_open(vote):
        raise SpiraleError("error.vote_closed")
    own = _ballot(session, vote.id, participant_token)
    wanted = _dots(session, own) if dots is None else {int(k): int(v) for k, v in dots.items()}
    if change is not None:
        wanted[int(change[0])] = int(change[1])
    items = candidates(session=session, vote_id=vote.id)
    wanted = _checked(vote, items, wanted)
    known = profiles(session=session, project_id=vote.project_id) if profile else []
    said = _checked_profile(profile, known, own)
    if own is None:
        own = _first_ballot(session, vote, participant_token)
    _count_change(own)
    own.profile, own.updated_at = said, utcnow()
    session.add(own)
    session.flush()
    _store_dots(session, own, wanted)
    session.flush()  # a short write: what the phone's page shows next is read by its GET, outside the write turn
    return Ballot(vote, items, wanted, said, known, True)


def _checked(vote: PriorityVoteRead, items: Sequence[Candidate], wanted: Mapping[int, int]) -> dict[int, int]:
    known = {c.indicator_id for c in items}
    if unknown := sorted(set(wanted) - known):
        raise SpiraleError("error.vote_item_unknown", ids=unknown)
    if any(n < 0 for n in wanted.values()):
        raise SpiraleError("error.vote_negative")
    if any(n > vote.cap_per_item for n in wanted.values()):
        raise SpiraleError("error.vote_over_cap", cap=vote.cap_per_item)
    if sum(wanted.values()) > vote.votes_per_person:
        raise SpiraleError("error.vote_too_many", votes=vote.votes_per_person)
    return {k: n for k, n in wanted.items() if n > 0}


def _checked_profile(profile: str | None, known: Sequence[str], own: PriorityBallot | None) -> str:
    if profile is None:
        return own.profile if own is not None else ""
    profile = profile.strip()
    if profile and profile not in known:
        raise SpiraleError("error.vote_profile_unknown")
    return profile


def _first_ballot(session: Session, vote: PriorityVoteRead, participant_token: str) -> PriorityBallot:
    """A new ballot; two first taps from one phone at once: the second finds the first's."""
    try:
        with session.begin_nested():
            ballot = PriorityBallot(project_id=vote.project_id, vote_id=vote.id, participant_token=participant_token)
            session.add(ballot)
        return ballot
    except IntegrityError:
        found = _ballot(session, vote.id, participant_token)
        if found is None:
            raise
        return found


def _count_change(ballot: PriorityBallot) -> None:
    """At most RATE_CHANGES changes a minute per phone (a robot's flood is refused, a person never is)."""
    now = utcnow()
    if now - _aware(ballot.window_from) >= timedelta(seconds=RATE_SECONDS):
        ballot.window_from, ballot.changes = now, 0
    if ballot.changes >= RATE_CHANGES:
        wait = RATE_SECONDS - int((now - _aware(ballot.window_from)).total_seconds())
        raise SpiraleError("error.vote_rate", seconds=max(1, wait))
    ballot.changes += 1
