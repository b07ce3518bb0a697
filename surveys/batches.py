"""A large import written in short batches (issue 15, point 4), still all or nothing.

One transaction for 50,000 respondents holds SQLite's write lock for the whole write, and every phone's answer
waits behind it. Here the checked responses go, a batch per transaction, into a hidden wave of the project
(status IMPORTING, listed nowhere); one last short transaction moves them into the wave (one UPDATE of their
wave id) with the updates of known respondents, and removes the hidden wave. A refusal or a failure at any step
removes what the hidden wave holds: nothing is partly imported, and between batches other writers get their turn.
"""

import time
import uuid
from collections.abc import Callable

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from surveys import service
from surveys.imports import Checked
from surveys.models import CLOSED, IMPORTING, Answer, Respondent, Wave
from workshop import database
from workshop.database import project_row
from workshop.errors import SpiraleError

BATCH = 1000  # respondents per transaction: 16,000 answers, a fraction of a second of the write lock
# SQLite's busy handler retries a waiting writer up to 100 ms apart and no queue is fair: without a pause the
# import takes the lock again at once, and a phone measured 2.6 s of waiting during a 4.5 s import.
PAUSE_S = 0.1


def write(
    *,
    project_id: int,
    wave_id: int,
    checked: Checked,
    url: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch: int = BATCH,
) -> int:
    """Write a checked file's new and updated respondents; `progress(done, total)` after each batch."""
    if not checked.valid:
        raise SpiraleError("error.import_invalid", count=checked.total_problems)
    with database.read_scope(url) as session:  # once, for the whole file; the last step checks codes again
        ready = service.checked_responses(
            session=session, project_id=project_id, wave_id=wave_id, responses=checked.responses
        )
    hidden = _hidden_wave(url, project_id, wave_id)
    total = len(ready)
    try:
        for start in range(0, total, batch):
            with database.session_scope(url) as session:
                chunk = ready[start : start + batch]
                service.insert_checked(session=session, project_id=project_id, wave_id=hidden, checked=chunk)
            if progress:
                progress(min(start + batch, total), total)
            if start + batch < total:
                time.sleep(PAUSE_S)  # the other writers' turn
        with database.session_scope(url) as session:
            _move(session, project_id, wave_id, hidden, checked)
    except BaseException:
        _remove(url, project_id, hidden)
        raise
    return total + len(checked.updates)


def _hidden_wave(url: str | None, project_id: int, wave_id: int) -> int:
    with database.session_scope(url) as session:
        wave = project_row(session, Wave, wave_id, project_id, "error.wave_missing")
        if wave.status == CLOSED:
            raise SpiraleError("error.wave_closed", name=wave.name)
        hidden = Wave(project_id=project_id, name=f"import {uuid.uuid4().hex[:12]}", kind=wave.kind, status=IMPORTING)
        session.add(hidden)
        session.flush()
        return hidden.id


def _move(session: Session, project_id: int, wave_id: int, hidden: int, checked: Checked) -> None:
    """The last short step: the hidden respondents join the wave (refused if their codes were taken meanwhile)."""
    wave = project_row(session, Wave, wave_id, project_id, "error.wave_missing")
    if wave.status == CLOSED:
        raise SpiraleError("error.wave_closed", name=wave.name)
    codes = {r.code for r in checked.responses if r.code}  # the generated ones cannot meet a code of the wave
    if taken := codes & service.existing_codes(session=session, project_id=project_id, wave_id=wave_id):
        raise SpiraleError("error.respondent_exists", code=sorted(taken)[0])
    service.update_responses(
        session=session, project_id=project_id, wave_id=wave_id, responses=checked.updates,
        indicator_ids=checked.indicator_ids, fields=checked.fields,
    )  # fmt: skip
    moved = update(Respondent).where(col(Respondent.wave_id) == hidden, col(Respondent.project_id) == project_id)
    session.execute(moved.values(wave_id=wave_id).execution_options(synchronize_session=False))
    session.execute(delete(Wave).where(col(Wave.id) == hidden))


def _remove(url: str | None, project_id: int, hidden: int) -> None:
    """What a failed import left in its hidden wave, in batches too."""
    with database.session_scope(url) as session:
        people = list(session.exec(select(Respondent.id).where(Respondent.wave_id == hidden)))
    for start in range(0, len(people), BATCH):
        with database.session_scope(url) as session:
            chunk = people[start : start + BATCH]
            session.execute(delete(Answer).where(col(Answer.respondent_id).in_(chunk)))
            session.execute(delete(Respondent).where(col(Respondent.id).in_(chunk)))
    with database.session_scope(url) as session:
        session.execute(delete(Wave).where(col(Wave.id) == hidden, col(Wave.project_id) == project_id))
