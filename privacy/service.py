"""Data-protection requests: what one participant wrote, exported or erased, and nobody else's.

A participant is designated one way at a time (a `Selector`):
- a phone participant by their participant token, or the short reference their phone showed them (their
  notes, their answers through a room's survey code, and their ballots in the room's votes on priorities);
- a participant by the name or alias they gave within a group (with every other note of that phone);
- a survey respondent by their pseudonymous code in a wave, or by their survey link (token or whole link).

Erasing removes their notes and answers and every row pointing at them, found through the foreign keys
of the metadata (so a table added later is not forgotten); indicators, clusters and other people's
notes stay. It is all or nothing, in the caller's transaction, and logged without any copy of the text.
"""

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import Table, delete, func, or_, select, update
from sqlmodel import Session, col

import schema
from actions.models import PriorityBallot, PriorityBallotDot, PriorityVote
from groups.models import Criterion, Group
from indicators.models import BoardEvent, Delegate, Indicator, IndicatorCriterion
from privacy import REFERENCE_LENGTH, participant_reference
from privacy.models import Erasure
from surveys.models import Answer, Respondent, SurveyToken, Wave
from workshop import cells, i18n
from workshop.database import project_row, utcnow
from workshop.errors import SpiraleError
from workshop.models import Project

TOKEN, AUTHOR, RESPONDENT = "token", "author", "respondent"
SURVEY_PARAMETER = "survey"  # the query parameter of the survey links mailed before the phone routes
_LINK_PATH = re.compile(r"/p/q/([^/?#]+)/?$")  # a survey link now: /p/q/TOKEN (participants/survey.py)
_TOKEN_CHARACTERS = re.compile(r"[A-Za-z0-9_\-]+")
TOKEN_MAX = 64
FORMAT = "spirale-participant-data"


@dataclass(frozen=True)
class Selector:
    """One way to designate one person; give exactly one of token, author (with group_id), code (with wave_id)."""

    token: str = ""
    group_id: int | None = None
    author: str = ""
    wave_id: int | None = None
    respondent_code: str = ""

    @property
    def kind(self) -> str:
        given = [
            kind
            for kind, value in ((TOKEN, self.token), (AUTHOR, self.author), (RESPONDENT, self.respondent_code))
            if str(value or "").strip()
        ]
        if not given:
            raise SpiraleError("error.privacy_selector_empty")
        if len(given) > 1:
            raise SpiraleError("error.privacy_selector_several")
        return given[0]


@dataclass(frozen=True)
class Note:
    criterion_id: int
    group: str
    question: str
    text: str
    corrected_text: str | None
    author: str
    status: str
    reference: str  # the phone's reference, "" for a note typed by the facilitator
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    indicators: list[str] = field(default_factory=list)  # the indicators this note supports, by name


@dataclass(frozen=True)
class Level:
    indicator: str
    level: int | None  # None: "don't know"


@dataclass(frozen=True)
class Response:
    respondent_id: int
    wave: str
    code: str
    profile: str
    place: str
    age_band: str
    weight: float
    extra: dict[str, str]
    created_at: datetime
    answers: list[Level]


@dataclass(frozen=True)
class Link:
    """A survey link of theirs: whether it was answered, and the half-filled questionnaire it keeps."""

    wave: str
    reference: str
    answered: bool
    draft: dict


@dataclass(frozen=True)
class Seat:
    """A mixed group's seat held under their name, as the delegate of their homogeneous group."""

    mixed_group: str
    represented_group: str
    name: str


@dataclass(frozen=True)
class VoteBallot:
    """Their ballot in a room's vote on the priority axes: the profile they said, and their votes by indicator."""

    vote: str  # the vote's code
    profile: str
    reference: str
    updated_at: datetime
    votes: dict[str, int]


@dataclass(frozen=True)
class ParticipantData:
    kind: str
    notes: list[Note]
    responses: list[Response]
    links: list[Link]
    seats: list[Seat] = field(default_factory=list)
    ballots: list[VoteBallot] = field(default_factory=list)


@dataclass(frozen=True)
class ParticipantExport:
    json_bytes: bytes
    csv_bytes: bytes
    file_stem: str


@dataclass(frozen=True)
class ErasureSummary:
    notes: int
    respondents: int
    answers: int
    links: int
    removed: dict[str, int]  # every table touched: rows removed or unlinked


@dataclass
class _Selection:
    kind: str
    criteria: list[Criterion]
    respondents: list[Respondent]
    tokens: list[SurveyToken]
    seats: list[Delegate] = field(default_factory=list)
    ballots: list[PriorityBallot] = field(default_factory=list)


# --- finding ------------------------------------------------------------------------------------


def _token_text(value: str) -> str:
    """A token, a reference, or a whole survey link pasted as it was received (`/p/q/TOKEN` or `/?survey=TOKEN`)."""
    text = str(value or "").strip()
    if "?" in text or "/p/q/" in text or text.lower().startswith(("http://", "https://")):
        parts = urlsplit(text)
        path = _LINK_PATH.search(parts.path)
        found = [unquote(path.group(1))] if path else parse_qs(parts.query).get(SURVEY_PARAMETER)
        if not found:
            raise SpiraleError("error.privacy_link")
        text = found[0].strip()
    if len(text) > TOKEN_MAX or not _TOKEN_CHARACTERS.fullmatch(text):
        raise SpiraleError("error.privacy_token_malformed")
    if len(text) < REFERENCE_LENGTH:
        raise SpiraleError("error.privacy_reference_short", length=REFERENCE_LENGTH)
    return text


def _matches(column, text: str):  # noqa: ANN001, ANN202 - a column and its SQL condition
    """The whole token, or (for exactly 8 characters) the reference made from it."""
    if len(text) != REFERENCE_LENGTH:
        return column == text
    return or_(column == text, func.upper(func.substr(column, 1, REFERENCE_LENGTH)) == text.upper())


def _by_token(session: Session, project_id: int, value: str) -> _Selection:
    text = _token_text(value)
    phones = set(
        session.scalars(
            select(Criterion.participant_token)
            .where(Criterion.project_id == project_id, _matches(Criterion.participant_token, text))
            .distinct()
        )
    )
    # A survey link by its own token, or the room responses of a phone (bound to its participant token).
    by_link_or_phone = or_(_matches(SurveyToken.token, text), _matches(SurveyToken.participant_token, text))
    links = list(session.scalars(select(SurveyToken).where(SurveyToken.project_id == project_id, by_link_or_phone)))
    voters = set(
        session.scalars(
            select(PriorityBallot.participant_token)
            .where(PriorityBallot.project_id == project_id, _matches(PriorityBallot.participant_token, text))
            .distinct()
        )
    )
    if len(phones | voters | {link.participant_token or link.token for link in links}) > 1:
        raise SpiraleError("error.privacy_ambiguous")
    phones |= voters | {link.participant_token for link in links if link.participant_token}
    links = _links_of_phones(session, project_id, phones, links)
    criteria = _criteria_of_phones(session, project_id, phones)
    respondent_ids = [link.respondent_id for link in links if link.respondent_id is not None]
    respondents = _respondents(session, project_id, respondent_ids)
    return _Selection(TOKEN, criteria, respondents, links, ballots=_ballots_of_phones(session, project_id, phones))


def _ballots_of_phones(session: Session, project_id: int, tokens: Iterable[str]) -> list[PriorityBallot]:
    if not (tokens := [t for t in tokens if t]):
        return []
    query = select(PriorityBallot).where(
        PriorityBallot.project_id == project_id, col(PriorityBallot.participant_token).in_(tokens)
    )
    return list(session.scalars(query))


def _links_of_phones(
    session: Session, project_id: int, tokens: set[str], found: list[SurveyToken]
) -> list[SurveyToken]:
    """The links found, with every room response of the same phone (one per wave)."""
    if not tokens:
        return found
    query = select(SurveyToken).where(
        SurveyToken.project_id == project_id, col(SurveyToken.participant_token).in_(sorted(tokens))
    )
    return list({link.id: link for link in [*found, *session.scalars(query)]}.values())


def _criteria_of_phones(session: Session, project_id: int, tokens: Iterable[str]) -> list[Criterion]:
    if not (tokens := [t for t in tokens if t]):
        return []
    query = select(Criterion).where(Criterion.project_id == project_id, col(Criterion.participant_token).in_(tokens))
    return list(session.scalars(query))


def _respondents(session: Session, project_id: int, ids: list[int]) -> list[Respondent]:
    if not ids:
        return []
    query = select(Respondent).where(Respondent.project_id == project_id, col(Respondent.id).in_(ids))
    return list(session.scalars(query))


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _by_author(session: Session, project_id: int, group_id: int | None, author: str) -> _Selection:
    if group_id is None:
        raise SpiraleError("error.privacy_group_needed")
    project_row(session, Group, group_id, project_id, "error.group_missing")
    in_group = session.scalars(select(Criterion).where(Criterion.group_id == group_id))
    named = [c for c in in_group if c.author and _same_name(c.author, author)]
    phones = {c.participant_token for c in named if c.participant_token}
    if len(phones) > 1:  # two phones chose the same alias: only their references tell them apart
        raise SpiraleError("error.privacy_author_ambiguous", count=len(phones))
    by_id = {c.id: c for c in [*named, *_criteria_of_phones(session, project_id, phones)]}
    seats = session.scalars(select(Delegate).where(Delegate.represented_group_id == group_id))
    named_seats = [d for d in seats if d.name and _same_name(d.name, author)]
    return _Selection(
        AUTHOR, list(by_id.values()), [], [], named_seats, _ballots_of_phones(session, project_id, phones)
    )


def _by_code(session: Session, project_id: int, wave_id: int | None, code: str) -> _Selection:
    if wave_id is None:
        raise SpiraleError("error.privacy_wave_needed")
    project_row(session, Wave, wave_id, project_id, "error.wave_missing")
    query = select(Respondent).where(Respondent.wave_id == wave_id, Respondent.code == str(code).strip()[:64])
    respondents = list(session.scalars(query))
    ids = [r.id for r in respondents]
    links = list(session.scalars(select(SurveyToken).where(col(SurveyToken.respondent_id).in_(ids)))) if ids else []
    return _Selection(RESPONDENT, [], respondents, links)


def _select(session: Session, project_id: int, selector: Selector) -> _Selection:
    if session.get(Project, project_id) is None:
        raise SpiraleError("error.project_missing")
    kind = selector.kind
    if kind == TOKEN:
        found = _by_token(session, project_id, selector.token)
    elif kind == AUTHOR:
        found = _by_author(session, project_id, selector.group_id, selector.author)
    else:
        found = _by_code(session, project_id, selector.wave_id, selector.respondent_code)
    if not (found.criteria or found.respondents or found.tokens or found.seats or found.ballots):
        raise SpiraleError("error.privacy_nothing")
    found.criteria.sort(key=lambda c: c.id)
    found.respondents.sort(key=lambda r: r.id)
    found.tokens.sort(key=lambda t: t.id)
    return found


def find_participant(*, session: Session, project_id: int, selector: Selector) -> ParticipantData:
    """Everything held on one person in the project: notes (withdrawn ones too), responses, survey links."""
    found = _select(session, project_id, selector)
    return ParticipantData(
        kind=found.kind,
        notes=_notes(session, found.criteria),
        responses=_responses(session, found.respondents),
        links=_links(session, found.tokens),
        seats=_seats(session, found.seats),
        ballots=_vote_ballots(session, found.ballots),
    )


def _vote_ballots(session: Session, ballots: list[PriorityBallot]) -> list[VoteBallot]:
    ids = [b.id for b in ballots]
    votes: dict[int, dict[str, int]] = {}
    if ids:
        query = (
            select(PriorityBallotDot.ballot_id, Indicator.name_fr, PriorityBallotDot.votes)
            .join(Indicator, Indicator.id == PriorityBallotDot.indicator_id)
            .where(col(PriorityBallotDot.ballot_id).in_(ids))
            .order_by(PriorityBallotDot.ballot_id, Indicator.id)
        )
        for ballot_id, name, count in session.execute(query):
            votes.setdefault(ballot_id, {})[name] = count
    vote_ids = {b.vote_id for b in ballots}
    codes = {v.id: v.code for v in session.scalars(select(PriorityVote).where(col(PriorityVote.id).in_(vote_ids)))}
    return [
        VoteBallot(
            codes.get(b.vote_id, ""),
            b.profile,
            participant_reference(b.participant_token),
            b.updated_at,
            votes.get(b.id, {}),
        )
        for b in sorted(ballots, key=lambda b: b.id)
    ]


def _seats(session: Session, seats: list[Delegate]) -> list[Seat]:
    ids = {d.mixed_group_id for d in seats} | {d.represented_group_id for d in seats}
    names = {g.id: g.profile for g in session.scalars(select(Group).where(col(Group.id).in_(ids)))} if ids else {}
    return [Seat(names.get(d.mixed_group_id, ""), names.get(d.represented_group_id, ""), d.name) for d in seats]


def _notes(session: Session, criteria: list[Criterion]) -> list[Note]:
    ids = [c.id for c in criteria]
    groups = {
        g.id: g.profile for g in session.scalars(select(Group).where(col(Group.id).in_({c.group_id for c in criteria})))
    }
    supports: dict[int, list[str]] = {}
    if ids:
        query = (
            select(IndicatorCriterion.criterion_id, Indicator.name_fr)
            .join(Indicator, Indicator.id == IndicatorCriterion.indicator_id)
            .where(col(IndicatorCriterion.criterion_id).in_(ids))
            .order_by(Indicator.id)
        )
        for criterion_id, name in session.execute(query):
            supports.setdefault(criterion_id, []).append(name)
    return [
        Note(
            criterion_id=c.id,
            group=groups.get(c.group_id, ""),
            question=c.question,
            text=c.text,
            corrected_text=c.corrected_text,
            author=c.author,
            status=c.status,
            reference=participant_reference(c.participant_token) if c.participant_token else "",
            created_at=c.created_at,
            updated_at=c.updated_at,
            deleted_at=c.deleted_at,
            indicators=supports.get(c.id, []),
        )
        for c in criteria
    ]


def _wave_names(session: Session, wave_ids: set[int]) -> dict[int, str]:
    return {w.id: w.name for w in session.scalars(select(Wave).where(col(Wave.id).in_(wave_ids)))} if wave_ids else {}


def _responses(session: Session, respondents: list[Respondent]) -> list[Response]:
    ids = [r.id for r in respondents]
    levels: dict[int, list[Level]] = {}
    if ids:
        query = (
            select(Answer.respondent_id, Indicator.name_fr, Answer.level)
            .join(Indicator, Indicator.id == Answer.indicator_id)
            .where(col(Answer.respondent_id).in_(ids))
            .order_by(Answer.respondent_id, Indicator.position, Indicator.id)
        )
        for respondent_id, name, level in session.execute(query):
            levels.setdefault(respondent_id, []).append(Level(name, level))
    waves = _wave_names(session, {r.wave_id for r in respondents})
    return [
        Response(
            respondent_id=r.id,
            wave=waves.get(r.wave_id, ""),
            code=r.code,
            profile=r.profile,
            place=r.place,
            age_band=r.age_band,
            weight=r.weight,
            extra=json.loads(r.extra) if r.extra else {},
            created_at=r.created_at,
            answers=levels.get(r.id, []),
        )
        for r in respondents
    ]


def _links(session: Session, tokens: list[SurveyToken]) -> list[Link]:
    waves = _wave_names(session, {t.wave_id for t in tokens})
    return [
        Link(
            wave=waves.get(t.wave_id, ""),
            reference=participant_reference(t.token),
            answered=t.used_at is not None,
            draft=json.loads(t.draft) if t.draft else {},
        )
        for t in tokens
    ]


# --- exporting ----------------------------------------------------------------------------------


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


CSV_COLUMNS = (
    "privacy.csv.kind",
    "privacy.csv.where",
    "privacy.csv.what",
    "privacy.csv.text",
    "privacy.csv.corrected",
    "privacy.csv.author",
    "privacy.csv.status",
    "privacy.csv.reference",
    "privacy.csv.created",
    "privacy.csv.withdrawn",
)


def _cell(value: object) -> str:
    """A spreadsheet must not run a participant's text as a formula: such a cell starts with a quote."""
    text = "" if value is None else value.isoformat() if isinstance(value, datetime) else str(value)
    return cells.safe(text)


def _csv_rows(data: ParticipantData) -> list[list[object]]:
    rows: list[list[object]] = []
    for n in data.notes:
        rows.append(["note", n.group, n.question, n.text, n.corrected_text, n.author, n.status, n.reference,
                     n.created_at, n.deleted_at])  # fmt: skip
    for r in data.responses:
        profile = {"profile": r.profile, "place": r.place, "age_band": r.age_band, **r.extra}
        for key, value in profile.items():
            if value:
                rows.append(["profile", r.wave, key, value, None, None, None, r.code, r.created_at, None])
        for a in r.answers:
            rows.append(["answer", r.wave, a.indicator, "" if a.level is None else a.level, None, None, None,
                         r.code, r.created_at, None])  # fmt: skip
    for seat in data.seats:
        rows.append(["delegate", seat.mixed_group, seat.represented_group, "", None, seat.name, None, None, None, None])
    for ballot in data.ballots:
        if ballot.profile:
            rows.append(["vote_profile", ballot.vote, "", ballot.profile, None, None, None, ballot.reference,
                         ballot.updated_at, None])  # fmt: skip
        for indicator, count in ballot.votes.items():
            rows.append(["vote", ballot.vote, indicator, count, None, None, None, ballot.reference, ballot.updated_at,
                         None])  # fmt: skip
    for link in data.links:
        state = "answered" if link.answered else "draft" if link.draft else "unused"
        draft = json.dumps(link.draft, ensure_ascii=False) if link.draft else ""
        rows.append(["survey_link", link.wave, "", draft, None, None, state, link.reference, None, None])
    return rows


def export_participant(*, session: Session, project_id: int, selector: Selector) -> ParticipantExport:
    """Exactly what `find_participant` finds, as a JSON file and a CSV file with French / English headers."""
    data = find_participant(session=session, project_id=project_id, selector=selector)
    project = session.get(Project, project_id)
    content = {
        "format": FORMAT,
        "version": 1,
        "exported_at": utcnow().isoformat(),
        "project": project.name,
        "designated_by": data.kind,
        "notes": [asdict(n) for n in data.notes],
        "survey_responses": [asdict(r) for r in data.responses],
        "survey_links": [asdict(link) for link in data.links],
        "delegate_seats": [asdict(seat) for seat in data.seats],
        "vote_ballots": [asdict(ballot) for ballot in data.ballots],
    }
    json_bytes = json.dumps(content, ensure_ascii=False, indent=2, default=_json_default).encode("utf-8")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f"{i18n.translate(k, 'fr')} / {i18n.translate(k, 'en')}" for k in CSV_COLUMNS])
    writer.writerows([[_cell(v) for v in row] for row in _csv_rows(data)])
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    return ParticipantExport(json_bytes, buffer.getvalue().encode("utf-8-sig"), f"spirale-participant-{stamp}")


# --- erasing ------------------------------------------------------------------------------------


def _remove(session: Session, table: Table, ids: list[int], removed: dict[str, int], depth: int = 0) -> None:
    """Delete rows and, first, whatever points at them: a nullable link is cut, a required one goes too."""
    if not ids or depth > 10:
        return
    for other in schema.metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is not table:
                continue
            pointing = other.c[fk.parent.name].in_(ids)
            if fk.parent.nullable:
                cut = session.execute(update(other).where(pointing).values({fk.parent.name: None})).rowcount
                removed[other.name] = removed.get(other.name, 0) + (cut or 0)
            else:
                dependants = list(session.scalars(select(other.c.id).where(pointing)))
                _remove(session, other, dependants, removed, depth + 1)
    gone = session.execute(delete(table).where(table.c.id.in_(ids))).rowcount
    removed[table.name] = removed.get(table.name, 0) + (gone or 0)


def _forget_on_board(session: Session, project_id: int, criterion_ids: set[int]) -> None:
    """The board's undo history names notes by id: erased ones leave it, so an undo never brings them back."""
    for event in session.scalars(select(BoardEvent).where(BoardEvent.project_id == project_id)):
        payload = json.loads(event.payload or "{}")
        states = [s for key in ("before", "after") for s in payload.get(key, []) if isinstance(s, dict)]
        if not any(criterion_ids & set(s.get("members", [])) for s in states):
            continue
        for state in states:
            state["members"] = [i for i in state.get("members", []) if i not in criterion_ids]
        event.payload = json.dumps(payload, ensure_ascii=False)
        session.add(event)


def erase_participant(
    *, session: Session, project_id: int, selector: Selector, account_id: int | None = None
) -> ErasureSummary:
    """Remove what one person wrote (notes, answers, profile, drafts), all or nothing; log it without the text."""
    found = _select(session, project_id, selector)
    criterion_ids = [c.id for c in found.criteria]
    respondent_ids = [r.id for r in found.respondents]
    for link in found.tokens:  # the half-filled questionnaire goes; the link stays used, so it cannot answer again
        link.draft = ""
        session.add(link)
    for seat in found.seats:  # the seat stays (the mixed group's make-up), without their name
        seat.name = ""
        session.add(seat)
    session.flush()
    for row in [*found.criteria, *found.respondents, *found.ballots]:
        session.expunge(row)  # deleted below in bulk: the session must not write them back
    removed: dict[str, int] = {}
    tables = schema.metadata.tables
    _forget_on_board(session, project_id, set(criterion_ids))
    _remove(session, tables[Criterion.__tablename__], criterion_ids, removed)
    _remove(session, tables[Respondent.__tablename__], respondent_ids, removed)
    _remove(session, tables[PriorityBallot.__tablename__], [b.id for b in found.ballots], removed)
    session.expire_all()  # rows changed in bulk above: what the session holds is read again when used
    summary = ErasureSummary(
        notes=removed.get(Criterion.__tablename__, 0),
        respondents=removed.get(Respondent.__tablename__, 0),
        answers=removed.get(Answer.__tablename__, 0),
        links=len(found.tokens),
        removed={k: v for k, v in sorted(removed.items()) if v},
    )
    log = {**summary.removed, "survey_link": summary.links, "delegate_name": len(found.seats)}
    session.add(Erasure(project_id=project_id, account_id=account_id, selector=found.kind, removed=json.dumps(log)))
    session.flush()
    _forget_vectors()
    return summary


def _forget_vectors() -> None:
    """The clustering engine keeps recent notes' vectors in memory, keyed by their text."""
    from indicators import vectors

    vectors.clear_cache()


def erasures(*, session: Session, project_id: int) -> list[dict]:
    """The erasure log, newest first: when, by whom, how the person was designated, what was removed."""
    query = select(Erasure).where(Erasure.project_id == project_id).order_by(col(Erasure.id).desc())
    return [
        {"erased_at": e.erased_at, "account_id": e.account_id, "selector": e.selector, "removed": json.loads(e.removed)}
        for e in session.scalars(query)
    ]
