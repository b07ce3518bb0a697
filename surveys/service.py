"""Step 3 services: waves, responses (a level per indicator) and the first diagnosis figures."""

import json
import re
import secrets
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import Select, and_, bindparam, delete, func, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from groups import join as groups_join
from groups import service as groups_service
from indicators import service as indicators_service
from indicators.models import IndicatorLevel, IndicatorRead
from surveys.exports import SOURCES, Dataset, WaveInfo, stack
from surveys.models import (
    BUILTIN_QUESTIONS,
    CLOSED,
    IMPORTING,
    WAVE_STATUSES,
    Answer,
    ProfileQuestion,
    ProfileQuestionRead,
    Respondent,
    SurveyToken,
    Wave,
    WaveRead,
    check_level,
    check_wave,
    check_weight,
)
from workshop import grid as workshop_grid
from workshop import i18n, settings
from workshop.database import core_execute, project_row, utcnow
from workshop.errors import SpiraleError
from workshop.text import NAME_MAX, clean_name, clean_optional, plain

AGE_BANDS = ("16-25", "26-40", "41-60", "61-75", "76+")
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}")
MAX_TOKENS = 2000
ROOM_CODE_LENGTH = 6


def create_wave(
    *,
    session: Session,
    project_id: int,
    name: str,
    kind: str = "ex-ante",
    opened_on: date | None = None,
    closed_on: date | None = None,
    name_en: str = "",
) -> WaveRead:
    check_wave({"kind": kind, "opened_on": opened_on, "closed_on": closed_on})
    wave = Wave(
        project_id=project_id,
        name=clean_name(name),
        name_en=clean_optional(name_en, max_length=120),
        kind=kind,
        opened_on=opened_on,
        closed_on=closed_on,
        room_code=_new_room_code(session),
    )
    session.add(wave)
    session.flush()
    return WaveRead.model_validate(wave)


def list_waves(*, session: Session, project_id: int) -> list[WaveRead]:
    query = select(Wave).where(Wave.project_id == project_id, Wave.status != IMPORTING).order_by(Wave.id)
    return [WaveRead.model_validate(w) for w in session.exec(query)]


@dataclass
class ResponseIn:
    """One respondent's answers as they arrive (typed, imported or from a participant link)."""

    levels: Mapping[int, int | None]
    code: str = ""
    profile: str = ""
    place: str = ""
    age_band: str = ""
    weight: float = 1.0
    extra: dict[str, str] = field(default_factory=dict)
    source: str = ""  # exports.SOURCES: how the response came in


def _open_wave(session: Session, project_id: int, wave_id: int) -> Wave:
    wave = project_row(session, Wave, wave_id, project_id, "error.wave_missing")
    if wave.status == CLOSED:
        raise SpiraleError("error.wave_closed", name=wave.name)
    return wave


def usable_indicator_ids(*, session: Session, project_id: int) -> set[int]:
    return {i.id for i in indicators_service.list_indicators(session=session, project_id=project_id, usable_only=True)}


def _checked(response: ResponseIn, usable: set[int]) -> ResponseIn:
    if unknown := sorted(set(response.levels) - usable):
        raise SpiraleError("error.indicator_unknown", ids=unknown)
    for level in response.levels.values():
        check_level(level)  # the rule the archives and the schema's CHECK apply too
    weight = response.weight
    check_weight(weight)
    return ResponseIn(
        levels=dict(response.levels),
        code=clean_optional(response.code, max_length=64) or uuid.uuid4().hex[:10],
        profile=clean_optional(response.profile, max_length=120),
        place=clean_optional(response.place, max_length=120),
        age_band=clean_optional(response.age_band, max_length=20),
        weight=float(weight),
        extra={str(k): clean_optional(v, max_length=200) for k, v in response.extra.items() if v not in (None, "")},
        source=response.source if response.source in SOURCES else "",
    )


def add_responses(*, session: Session, project_id: int, wave_id: int, responses: Sequence[ResponseIn]) -> list[int]:
    """Store several respondents at once, all or nothing (a refusal raises before anything is written)."""
    checked = checked_responses(session=session, project_id=project_id, wave_id=wave_id, responses=responses)
    return insert_checked(session=session, project_id=project_id, wave_id=wave_id, checked=checked)


def checked_responses(
    *, session: Session, project_id: int, wave_id: int, responses: Sequence[ResponseIn]
) -> list[ResponseIn]:
    """add_responses's checks alone (cleaned text, levels, weights, codes unique in the file and the wave)."""
    _open_wave(session, project_id, wave_id)
    usable = usable_indicator_ids(session=session, project_id=project_id)
    checked = [_checked(r, usable) for r in responses]
    codes = [r.code for r in checked]
    if len(set(codes)) < len(codes):
        raise SpiraleError("error.respondent_duplicate", code=next(c for c in codes if codes.count(c) > 1))
    if taken := set(codes) & existing_codes(session=session, project_id=project_id, wave_id=wave_id):
        raise SpiraleError("error.respondent_exists", code=sorted(taken)[0])
    return checked


def insert_checked(*, session: Session, project_id: int, wave_id: int, checked: Sequence[ResponseIn]) -> list[int]:
    """Write responses that `checked_responses` passed (a large import's batches: checked once, written in parts)."""
    if not checked:
        return []
    now = utcnow()
    rows = [
        {
            "project_id": project_id,
            "wave_id": wave_id,
            "code": r.code,
            "profile": r.profile,
            "place": r.place,
            "age_band": r.age_band,
            "weight": r.weight,
            "extra": json.dumps(r.extra, ensure_ascii=False) if r.extra else "",
            "source": r.source,
            "created_at": now,
        }
        for r in checked
    ]
    statement = insert(Respondent).returning(Respondent.id, sort_by_parameter_order=True)
    ids = list(session.scalars(statement, rows))
    answers = [
        (project_id, rid, iid, lvl) for rid, r in zip(ids, checked, strict=True) for iid, lvl in r.levels.items()
    ]
    if answers:
        _insert_answers(session, answers)
    session.flush()
    return ids


CHUNK = 500  # ids per IN (...) list: far under every database's limit on parameters


def update_responses(
    *,
    session: Session,
    project_id: int,
    wave_id: int,
    responses: Sequence[ResponseIn],
    indicator_ids: Collection[int],
    fields: Collection[str],
) -> int:
    """Replace what a file says about respondents already in the wave, found by their code, in the caller's
    transaction: the profile answers and weight it carries (`fields`), and its answers to `indicator_ids` (a blank
    cell there removes the stored answer). Whatever the file does not carry is kept. Returns how many."""
    if not responses:
        return 0
    _open_wave(session, project_id, wave_id)
    usable = usable_indicator_ids(session=session, project_id=project_id)
    checked = [_checked(r, usable) for r in responses]
    ids = _ids_by_code(session, project_id, wave_id, [r.code for r in checked])
    if missing := [r.code for r in checked if r.code not in ids]:
        raise SpiraleError("error.respondent_missing", code=missing[0])
    table = Respondent.__table__
    builtin = [f for f in (*BUILTIN_QUESTIONS, "weight") if f in fields]
    own = [f for f in fields if f not in BUILTIN_QUESTIONS and f != "weight"]
    stored_extra = _extras(session, list(ids.values())) if own else {}
    rows = []
    for response in checked:
        row = {"rid": ids[response.code], **{f"new_{f}": getattr(response, f) for f in builtin}}
        if own:
            extra = {**stored_extra.get(ids[response.code], {}), **dict.fromkeys(own, "")}
            extra = {k: v for k, v in {**extra, **response.extra}.items() if v}
            row["new_extra"] = json.dumps(extra, ensure_ascii=False) if extra else ""
        rows.append(row)
    values = {f: bindparam(f"new_{f}") for f in builtin + (["extra"] if own else [])}
    if values:
        session.execute(update(table).where(table.c.id == bindparam("rid")).values(values), rows)
    people = list(ids.values())
    for start in range(0, len(people), CHUNK):
        chunk = people[start : start + CHUNK]
        session.execute(
            delete(Answer).where(
                col(Answer.respondent_id).in_(chunk), col(Answer.indicator_id).in_(list(indicator_ids))
            )
        )
    answers = [
        (project_id, ids[r.code], iid, lvl) for r in checked for iid, lvl in r.levels.items() if iid in indicator_ids
    ]
    if answers:
        _insert_answers(session, answers)
    session.flush()
    return len(checked)


def _ids_by_code(session: Session, project_id: int, wave_id: int, codes: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(codes), CHUNK):
        query = select(Respondent.code, Respondent.id).where(
            Respondent.project_id == project_id,
            Respondent.wave_id == wave_id,
            col(Respondent.code).in_(codes[start : start + CHUNK]),
        )
        found.update(session.exec(query).all())
    return found


def _extras(session: Session, ids: list[int]) -> dict[int, dict]:
    extras: dict[int, dict] = {}
    for start in range(0, len(ids), CHUNK):
        query = select(Respondent.id, Respondent.extra).where(col(Respondent.id).in_(ids[start : start + CHUNK]))
        extras.update({rid: json.loads(extra) if extra else {} for rid, extra in session.exec(query)})
    return extras


def _insert_answers(session: Session, rows: list[tuple]) -> None:
    """executemany on the DB-API cursor of the session's connection: a 10,000-respondent file in seconds."""
    connection = session.connection()
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    columns = "project_id, respondent_id, indicator_id, level"
    sql = f"INSERT INTO {Answer.__tablename__} ({columns}) VALUES ({', '.join([mark] * 4)})"
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()


def add_response(
    *,
    session: Session,
    project_id: int,
    wave_id: int,
    levels: Mapping[int, int | None],
    profile: str = "",
    place: str = "",
    age_band: str = "",
    weight: float = 1.0,
    code: str | None = None,
    extra: Mapping[str, str] | None = None,
    source: str = "",
) -> int:
    """Store one respondent's answers (None = "don't know"); return the respondent's id."""
    response = ResponseIn(
        levels=levels,
        code=code or "",
        profile=profile,
        place=place,
        age_band=age_band,
        weight=weight,
        extra=dict(extra or {}),
        source=source,
    )
    return add_responses(session=session, project_id=project_id, wave_id=wave_id, responses=[response])[0]


def existing_codes(*, session: Session, project_id: int, wave_id: int) -> set[str]:
    query = select(Respondent.code).where(Respondent.project_id == project_id, Respondent.wave_id == wave_id)
    return set(session.exec(query).all())


def _frame(session: Session, query: Select, columns: list[str]) -> pd.DataFrame:
    """Fetch through the DB-API cursor of the session's own connection (so it sees this transaction's writes).

    For the 600,000 answers of a large wave this is about ten times faster than building ORM or Core rows.
    """
    connection = session.connection()
    compiled = query.compile(dialect=connection.dialect)
    params = compiled.construct_params()
    arguments = [params[name] for name in compiled.positiontup] if compiled.positional else params
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.execute(str(compiled), arguments)
        return pd.DataFrame(cursor.fetchall(), columns=columns)
    finally:
        cursor.close()


def answers_frame(*, session: Session, project_id: int, wave_id: int) -> pd.DataFrame:
    """One row per answer: respondent, code, profile, place, age band, weight, indicator, level (NaN = don't know)."""
    people_query = select(
        Respondent.id, Respondent.code, Respondent.profile, Respondent.place, Respondent.age_band, Respondent.weight
    ).where(Respondent.project_id == project_id, Respondent.wave_id == wave_id)
    people = _frame(session, people_query, ["respondent", "code", "profile", "place", "age_band", "weight"])
    answer_query = (
        select(Answer.respondent_id, Answer.indicator_id, Answer.level)
        .where(Answer.project_id == project_id, Answer.respondent_id.in_(people_query.with_only_columns(Respondent.id)))
        .order_by(Answer.respondent_id, Answer.indicator_id)
    )
    answers = _frame(session, answer_query, ["respondent", "indicator_id", "level"])
    frame = answers.merge(people, on="respondent", how="inner", sort=False)
    columns = ["respondent", "code", "profile", "place", "age_band", "weight", "indicator_id", "level"]
    return frame[columns].astype(
        {"level": "float64", "weight": "float64", "indicator_id": "int64", "respondent": "int64"}
    )


def respondents_frame(*, session: Session, project_id: int, wave_id: int) -> pd.DataFrame:
    """One row per respondent: id, code, the profile answers (the project's own questions included), weight."""
    query = (
        select(
            Respondent.id,
            Respondent.code,
            Respondent.profile,
            Respondent.place,
            Respondent.age_band,
            Respondent.weight,
            Respondent.extra,
        )
        .where(Respondent.project_id == project_id, Respondent.wave_id == wave_id)
        .order_by(Respondent.id)
    )
    columns = ["respondent", "code", "profile", "place", "age_band", "weight", "extra"]
    frame = pd.DataFrame(session.execute(query).all(), columns=columns)
    extra = pd.DataFrame([json.loads(e) if e else {} for e in frame["extra"]], index=frame.index)
    return pd.concat([frame.drop(columns="extra"), extra], axis=1)


def indicator_means(answers: pd.DataFrame) -> pd.DataFrame:
    """Weighted mean level, share in levels 4-5 and counts per indicator; "don't know" is left out."""
    known = answers.dropna(subset=["level"])
    columns = ["indicator_id", "mean", "share_good", "answers", "dont_know"]
    if known.empty:
        return pd.DataFrame(columns=columns)
    weighted = known.assign(wl=known["level"] * known["weight"], wg=(known["level"] >= 4) * known["weight"])
    sums = weighted.groupby("indicator_id")[["wl", "wg", "weight"]].sum()
    result = pd.DataFrame(
        {
            "mean": sums["wl"] / sums["weight"],
            "share_good": sums["wg"] / sums["weight"],
            "answers": known.groupby("indicator_id").size(),
        }
    )
    dont_know = answers["level"].isna().groupby(answers["indicator_id"]).sum()
    result["dont_know"] = dont_know.reindex(result.index).fillna(0).astype(int)
    return result.reset_index()[columns]


def respondent_count(*, session: Session, project_id: int, wave_id: int) -> int:
    query = select(func.count(Respondent.id)).where(Respondent.project_id == project_id, Respondent.wave_id == wave_id)
    return int(session.exec(query).one())


def set_wave_status(*, session: Session, project_id: int, wave_id: int, status: str) -> WaveRead:
    if status not in WAVE_STATUSES:
        raise SpiraleError("error.wave_status", status=status)
    wave = project_row(session, Wave, wave_id, project_id, "error.wave_missing")
    wave.status = status
    session.add(wave)
    session.flush()
    return WaveRead.model_validate(wave)


def wave_name(wave: WaveRead, lang: str) -> str:
    return wave.name_en if lang == "en" and wave.name_en else wave.name


# --- profile questions -------------------------------------------------------------------------


def default_questions(*, session: Session, project_id: int) -> list[ProfileQuestionRead]:
    """Group profile (the homogeneous groups' profiles), neighbourhood (free) and age band."""
    groups = groups_service.list_groups(session=session, project_id=project_id, kind="homogeneous")
    profiles = [g.profile for g in groups]
    choices = {"profile": "\n".join(profiles), "place": "", "age_band": "\n".join(AGE_BANDS)}
    labels = {"profile": "respondent.profile", "place": "respondent.place", "age_band": "respondent.age_band"}
    return [
        ProfileQuestionRead(
            project_id=project_id,
            key=key,
            label_fr=i18n.translate(labels[key], "fr"),
            label_en=i18n.translate(labels[key], "en"),
            choices=choices[key],
            position=position,
        )
        for position, key in enumerate(BUILTIN_QUESTIONS)
    ]


def profile_questions(*, session: Session, project_id: int) -> list[ProfileQuestionRead]:
    query = select(ProfileQuestion).where(ProfileQuestion.project_id == project_id).order_by(ProfileQuestion.position)
    stored = [ProfileQuestionRead.model_validate(q, from_attributes=True) for q in session.exec(query)]
    return stored or default_questions(session=session, project_id=project_id)


def set_profile_questions(
    *, session: Session, project_id: int, questions: Sequence[Mapping[str, str]]
) -> list[ProfileQuestionRead]:
    """Replace the project's profile questions (key, label_fr, label_en, choices one a line)."""
    cleaned, keys = [], set()
    for position, question in enumerate(questions):
        key = clean_name(question.get("key", "")).lower()
        if not KEY_PATTERN.fullmatch(key):
            raise SpiraleError("error.question_key", name=key)
        if key in keys:
            raise SpiraleError("error.question_duplicate", name=key)
        keys.add(key)
        # Control characters out first: some (record separators) would otherwise split a choice in two.
        choices = "\n".join(line.strip() for line in plain(question.get("choices", "")).splitlines() if line.strip())
        cleaned.append(
            ProfileQuestion(
                project_id=project_id,
                key=key,
                label_fr=clean_optional(question.get("label_fr", ""), max_length=NAME_MAX) or key,  # blank: the key
                label_en=clean_optional(question.get("label_en", ""), max_length=200),
                choices=clean_optional(choices, max_length=4000),
                position=position,
            )
        )
    for old in session.exec(select(ProfileQuestion).where(ProfileQuestion.project_id == project_id)):
        session.delete(old)
    session.flush()
    session.add_all(cleaned)
    session.flush()
    return profile_questions(session=session, project_id=project_id)


def profile_rows(table: Sequence[Mapping[str, object]]) -> list[dict[str, str]]:
    """The profile questions' table as typed (choices separated by '|', blank lines, missing cells) ->
    set_profile_questions's rows (choices one a line); a wholly blank line is dropped, any other is kept."""
    rows = []
    for row in table:
        cells = {k: "" if pd.isna(v) else str(v) for k, v in row.items()}
        if any(v.strip() for v in cells.values()):
            rows.append({**cells, "choices": "\n".join(cells.get("choices", "").split("|"))})
    return rows


def split_profile(answers: Mapping[str, str]) -> dict:
    """Profile answers -> the keyword arguments of add_response (built-in columns, the rest in `extra`)."""
    builtin = {k: answers.get(k, "") or "" for k in BUILTIN_QUESTIONS}
    return {**builtin, "extra": {k: v for k, v in answers.items() if k not in BUILTIN_QUESTIONS and v}}


# --- participant links -------------------------------------------------------------------------


@dataclass
class TokenState:
    token: str  # "" for a phone that has not answered anything yet through the room's code
    project_id: int
    wave_id: int
    wave_open: bool
    answered: bool
    draft: dict
    participant_token: str | None = None  # the phone a room response belongs to; None for a per-person link


def create_tokens(*, session: Session, project_id: int, wave_id: int, count: int) -> list[str]:
    """New participant links for a wave (one response each)."""
    if not 1 <= count <= MAX_TOKENS:
        raise SpiraleError("error.token_count", maximum=MAX_TOKENS)
    _open_wave(session, project_id, wave_id)
    tokens = [secrets.token_urlsafe(12) for _ in range(count)]
    session.add_all(SurveyToken(project_id=project_id, wave_id=wave_id, token=token) for token in tokens)
    session.flush()
    return tokens


def tokens_frame(*, session: Session, project_id: int, wave_id: int) -> pd.DataFrame:
    """The per-person links (room responses are not links anyone may be given)."""
    query = (
        select(SurveyToken.token, SurveyToken.used_at)
        .where(SurveyToken.project_id == project_id, SurveyToken.wave_id == wave_id)
        .where(col(SurveyToken.participant_token).is_(None))
        .order_by(SurveyToken.id)
    )
    frame = pd.DataFrame(session.execute(query).all(), columns=["token", "used_at"])
    return frame.assign(answered=frame["used_at"].notna())[["token", "answered"]]


def _token(session: Session, token: str, *, lock: bool = False) -> SurveyToken:
    query = select(SurveyToken).where(SurveyToken.token == str(token)[:40]).order_by(SurveyToken.id.desc())
    if lock:  # a draft and a response sent at once from two tabs: one after the other (SQLite: one writer anyway)
        query = query.with_for_update().execution_options(populate_existing=True)
    row = session.exec(query).first()  # the newest copy when a project archive was imported twice
    if row is None:
        raise SpiraleError("error.token_unknown")
    return row


def token_state(*, session: Session, token: str) -> TokenState:
    """Where a link's response stands (one read: a phone asks on every screen)."""
    row = core_execute(session, _TOKEN_STATE, {"token": str(token)[:40]}).first()
    if row is None:
        raise SpiraleError("error.token_unknown")
    return TokenState(
        token=row.token, project_id=row.project_id, wave_id=row.wave_id,
        wave_open=row.status is not None and row.status != CLOSED, answered=row.used_at is not None,
        draft=json.loads(row.draft) if row.draft else {}, participant_token=row.participant_token,
    )  # fmt: skip


# Statements that phones run on every screen, built once (building one costs more than running it on SQLite).
_NEWEST_TOKEN = (  # (bind names unlike the columns': an UPDATE reserves those)
    select(SurveyToken.id).where(SurveyToken.token == bindparam("link")).order_by(col(SurveyToken.id).desc()).limit(1)
)
_KEEP_DRAFT = (
    update(SurveyToken)
    .where(
        col(SurveyToken.id) == _NEWEST_TOKEN.scalar_subquery(),
        col(SurveyToken.used_at).is_(None),
        col(SurveyToken.wave_id).in_(select(Wave.id).where(Wave.status != CLOSED)),
    )
    .values(draft=bindparam("text"))
    .execution_options(synchronize_session=False)
)
_TOKEN_STATE = (  # a link's response, newest copy, with its wave's status
    select(SurveyToken.token, SurveyToken.project_id, SurveyToken.wave_id, SurveyToken.used_at, SurveyToken.draft,
           SurveyToken.participant_token, Wave.status)
    .outerjoin(Wave, col(Wave.id) == SurveyToken.wave_id)
    .where(SurveyToken.token == bindparam("token"))
    .order_by(col(SurveyToken.id).desc())
    .limit(1)
)  # fmt: skip
_ROOM_STATE = (  # the wave behind a room code (newest copy of an archive), with this phone's response if any
    select(Wave.id, Wave.project_id, Wave.status, SurveyToken.token, SurveyToken.used_at, SurveyToken.draft)
    .outerjoin(SurveyToken, and_(col(SurveyToken.wave_id) == Wave.id,
                                 col(SurveyToken.participant_token) == bindparam("phone")))
    .where(Wave.room_code == bindparam("code"))
    .order_by(col(Wave.id).desc(), col(SurveyToken.id))
    .limit(1)
)  # fmt: skip


def save_draft(*, session: Session, token: str, draft: Mapping) -> None:
    """Keep a half-answered questionnaire so the participant can come back to it.

    A phone saves its draft at every screen, inside SQLite's one writing transaction at a time: the usual case
    is one UPDATE (the newest copy of the token, not yet sent, in an open wave), and only when it finds no such
    row do the reads below say why (bench/phones_http.py --flow survey: three statements held the writer's turn).
    """
    text = json.dumps(dict(draft), ensure_ascii=False)
    if len(text) > 20000:
        raise SpiraleError("error.text_too_long", limit=20000, length=len(text))
    if core_execute(session, _KEEP_DRAFT, {"link": str(token)[:40], "text": text}).rowcount == 1:
        return
    row = _token(session, token, lock=True)
    if row.used_at is not None:
        raise SpiraleError("error.token_used")
    wave = session.get(Wave, row.wave_id)
    if wave is None or wave.status == CLOSED:  # a closed survey takes nothing more, not even a draft
        raise SpiraleError("error.wave_closed", name=wave.name if wave else "")
    row.draft = text
    session.add(row)
    session.flush()


def submit_token(*, session: Session, token: str, levels: Mapping[int, int | None], profile: Mapping[str, str]) -> int:
    """The participant's response; a token answers once."""
    row = _token(session, token, lock=True)
    if row.used_at is not None:
        raise SpiraleError("error.token_used")
    respondent_id = add_response(
        session=session,
        project_id=row.project_id,
        wave_id=row.wave_id,
        levels=levels,
        code=f"web-{row.id}",
        source="phone",
        **split_profile(profile),
    )
    row.respondent_id, row.used_at, row.draft = respondent_id, utcnow(), ""
    session.add(row)
    session.flush()
    return respondent_id


@dataclass(frozen=True)
class Questionnaire:
    """What a phone's questionnaire asks: the profile questions, the usable indicators and their situations."""

    questions: list[ProfileQuestionRead]
    indicators: list[IndicatorRead]
    situations: dict[int, dict[int, str]]  # indicator id -> level -> situation


def questionnaire_of(*, session: Session, project_id: int) -> Questionnaire:
    """The questionnaire in three reads (every situation at once: a phone's screen is drawn on each step)."""
    questions = profile_questions(session=session, project_id=project_id)
    indicators = indicators_service.list_indicators(session=session, project_id=project_id, usable_only=True)
    query = select(IndicatorLevel.indicator_id, IndicatorLevel.level, IndicatorLevel.text).where(
        IndicatorLevel.project_id == project_id
    )
    situations: dict[int, dict[int, str]] = {i.id: {} for i in indicators}
    for indicator_id, level, text in session.exec(query):
        if indicator_id in situations:
            situations[indicator_id][level] = text
    return Questionnaire(questions, indicators, situations)


# --- the room's code: one QR code on the projector, one response per phone ----------------------


def _new_room_code(session: Session) -> str:
    """Six characters that read well from the back of a room (the join codes' alphabet), unused by any wave."""
    while True:
        code = "".join(secrets.choice(groups_join.ALPHABET) for _ in range(ROOM_CODE_LENGTH))
        if session.exec(select(Wave.id).where(Wave.room_code == code)).first() is None:
            return code


def room_code(*, session: Session, project_id: int, wave_id: int) -> str:
    """The wave's room code; a wave made before room codes existed gets one the first time it is asked for."""
    wave = project_row(session, Wave, wave_id, project_id, "error.wave_missing")
    if not wave.room_code:
        wave.room_code = _new_room_code(session)
        session.add(wave)
        session.flush()
    return wave.room_code


def room_answers(*, session: Session, project_id: int, wave_id: int) -> int:
    """How many phones have sent their response through the wave's room code."""
    query = select(func.count()).where(
        SurveyToken.project_id == project_id,
        SurveyToken.wave_id == wave_id,
        col(SurveyToken.participant_token).is_not(None),
        col(SurveyToken.used_at).is_not(None),
    )
    return int(session.exec(query).one())


def room_link(code: str, request_url: str | None = None) -> str:
    """The address the room's QR code opens (the participants' route)."""
    return settings.phone_link(f"p/enquete/{code}", request_url)


def _room_wave(session: Session, code: str) -> Wave:
    code = groups_join.normalise_code(code)[:12]
    query = select(Wave).where(Wave.room_code == code).order_by(col(Wave.id).desc())  # newest copy of an archive
    wave = session.exec(query).first() if code else None
    if wave is None:
        raise SpiraleError("error.room_code_unknown")
    return wave


def room_wave_is_known(*, session: Session, code: str) -> bool:
    """Whether a code is a wave's room code (a phone may type it where group codes are asked)."""
    try:
        _room_wave(session, code)
    except SpiraleError:
        return False
    return True


def _phone_response(session: Session, wave_id: int, participant_token: str) -> SurveyToken | None:
    query = select(SurveyToken).where(
        SurveyToken.wave_id == wave_id, SurveyToken.participant_token == participant_token
    )
    return session.exec(query).first()


def room_state(*, session: Session, code: str, participant_token: str) -> TokenState:
    """Where this phone is in the wave behind a room code: nothing yet (token ""), a draft, or its response."""
    wanted = groups_join.normalise_code(code)[:12]
    row = core_execute(session, _ROOM_STATE, {"code": wanted, "phone": participant_token}).first() if wanted else None
    if row is None:
        raise SpiraleError("error.room_code_unknown")
    draft = json.loads(row.draft) if row.draft else {}
    return TokenState(row.token or "", row.project_id, row.id, row.status != CLOSED, row.used_at is not None, draft,
                      participant_token)  # fmt: skip


def room_response(*, session: Session, code: str, participant_token: str) -> str:
    """This phone's own response to the wave behind a room code (its token), made at its first answer."""
    wave = _room_wave(session, code)
    if groups_join.participant_token(participant_token) != participant_token:
        raise SpiraleError("error.token_unknown")  # not a token a phone's cookie could hold: never stored
    if (row := _phone_response(session, wave.id, participant_token)) is not None:
        return row.token
    if wave.status == CLOSED:
        raise SpiraleError("error.wave_closed", name=wave.name)
    token = secrets.token_urlsafe(12)
    try:
        with session.begin_nested():  # two first answers from one phone at once: the second finds the first
            row = SurveyToken(project_id=wave.project_id, wave_id=wave.id, token=token)
            row.participant_token = participant_token
            session.add(row)
    except IntegrityError:
        found = _phone_response(session, wave.id, participant_token)
        if found is None:
            raise
        return found.token
    return token


def export_dataset(
    *,
    session: Session,
    project_id: int,
    wave_id: int,
    profiles: Sequence[str] | None = None,
    places: Sequence[str] | None = None,
) -> Dataset:
    """A wave's data for the exports, restricted to the chosen profiles and places (None or empty = all)."""
    wave = project_row(session, Wave, wave_id, project_id, "error.wave_missing")
    people = respondents_frame(session=session, project_id=project_id, wave_id=wave_id)
    if profiles:
        people = people[people["profile"].isin(list(profiles))]
    if places:
        people = people[people["place"].isin(list(places))]
    answers = answers_frame(session=session, project_id=project_id, wave_id=wave_id)
    answers = answers[answers["respondent"].isin(people["respondent"])][["respondent", "indicator_id", "level"]]
    indicators = indicators_service.indicators_frame(session=session, project_id=project_id)
    asked = set(answers["indicator_id"]) | usable_indicator_ids(session=session, project_id=project_id)
    indicators = indicators[indicators["id"].isin(asked)].reset_index(drop=True)
    questions = [(q.key, q.label_fr, q.label_en) for q in profile_questions(session=session, project_id=project_id)]
    known = {"respondent", "code", "weight", "submitted_at", "source", *[q[0] for q in questions]}
    questions += [(k, k, k) for k in people.columns if k not in known]  # answers to questions since removed
    for key, _, _ in questions:
        if key not in people.columns:
            people[key] = ""
    trace = _frame(
        session,
        select(Respondent.id, Respondent.created_at, Respondent.source).where(
            Respondent.project_id == project_id, Respondent.wave_id == wave_id
        ),
        ["respondent", "submitted_at", "source"],
    )
    people = people.merge(trace, on="respondent", how="left")
    chosen = [*(profiles or []), *(places or [])]
    grid = {e.code: (e.label_fr, e.label_en) for e in workshop_grid.list_grid(session=session, project_id=project_id)}
    return Dataset(
        waves=[WaveInfo(wave.id, wave.name, wave.name_en, wave.kind, wave.opened_on, wave.closed_on)],
        grid=grid,
        wave=wave.name,
        respondents=people,
        answers=answers,
        indicators=indicators,
        questions=questions,
        wave_en=wave.name_en,
        wave_id=wave.id,
        filters=" | ".join(chosen),  # written into the files: a filtered export does not look whole
    )


def export_waves(
    *,
    session: Session,
    project_id: int,
    wave_ids: Sequence[int],
    profiles: Sequence[str] | None = None,
    places: Sequence[str] | None = None,
) -> Dataset:
    """Several waves stacked for one export (each respondent keeps its wave), in the order given."""
    if not wave_ids:
        raise SpiraleError("error.wave_missing")
    datasets = [
        export_dataset(session=session, project_id=project_id, wave_id=w, profiles=profiles, places=places)
        for w in dict.fromkeys(wave_ids)
    ]
    return stack(datasets)
