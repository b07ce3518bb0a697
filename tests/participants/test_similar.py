""" "Already said?" for phones: the group's index kept up to date note by note, and what a draft gets back."""

import concurrent.futures
import functools
import threading
import time

import anyio
import pytest
from sqlmodel import Session

from groups import join, service
from groups.models import WELLBEING
from indicators.engine import SimilarNotesIndex as _GroupIndex
from participants import similar, web
from workshop import settings
from workshop.models import ProjectRead

NOTES = [
    "Avoir un logement décent et pas trop cher",
    "Des bancs à l'ombre près de l'école",
    "Le bus qui passe encore après 21 heures",
    "Les voisins qui se saluent dans l'escalier",
    "Un médecin qui prend de nouveaux patients",
]


def _ids(count: int) -> list[str]:
    return [str(i) for i in range(1, count + 1)]


def test_a_grown_index_finds_what_a_rebuilt_one_finds() -> None:
    first = _GroupIndex(NOTES[:3], ids=_ids(3))
    grown = first.grown(NOTES[:5], _ids(5))
    rebuilt = _GroupIndex(NOTES[:5], ids=_ids(5))
    assert grown is not None and grown is not first
    assert grown.texts == NOTES[:5] and first.texts == NOTES[:3]  # the old index is left as it was
    for draft in ("un toit pas cher", "un docteur pour ma famille", "bus le soir"):
        assert [n.note_id for n in grown.similar(draft, 2)] == [n.note_id for n in rebuilt.similar(draft, 2)]
    assert grown.similar("un docteur pour ma famille", 1)[0].text == NOTES[4]  # a note added by growing


def test_an_index_is_rebuilt_after_an_edit_a_withdrawal_or_doubling() -> None:
    index = _GroupIndex(NOTES[:2], ids=_ids(2))
    assert index.grown(NOTES[:2], _ids(2)) is index  # nothing new
    assert index.grown([NOTES[0], "Un toit", NOTES[2]], _ids(3)) is None  # note 2 reworded
    assert index.grown([NOTES[1], NOTES[2]], ["2", "3"]) is None  # note 1 withdrawn
    assert index.grown(NOTES[:4], _ids(4)) is None  # twice the notes fitted on: vocabularies refitted


def _closest(code: str, draft: str) -> list[str]:
    """What the phone's "already said?" shows once the background update has caught up."""
    deadline = time.monotonic() + 20
    while True:
        found = similar.closest(code, draft)
        entry = next(iter(similar._entries.values()), None)
        if (entry is not None and entry.building is None and found) or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_a_draft_gets_the_groups_notes_that_say_the_same(session: Session, project: ProjectRead) -> None:
    group = service.create_group(session=session, project_id=project.id, profile="Parents")
    code = join.open_join(session=session, project_id=project.id, group_id=group.id).join_code
    for text in NOTES[:3]:
        service.add_criterion(session=session, project_id=project.id, group_id=group.id, question=WELLBEING, text=text)
    session.commit()
    similar._entries.clear()
    assert _closest(code, "un logement pas cher") == [NOTES[0]]
    # A send afterwards reaches the next drafts, by growing the index (no refit below twice the notes).
    service.add_criterion(session=session, project_id=project.id, group_id=group.id, question=WELLBEING, text=NOTES[4])
    session.commit()
    deadline = time.monotonic() + 20
    while NOTES[4] not in similar.closest(code, "un médecin qui accepte de nouveaux patients"):
        assert time.monotonic() < deadline, "the new note never reached the hints"
        time.sleep(0.05)
    assert similar._entries[group.id].index.fitted_on == 3  # grown, not refitted
    assert similar.closest(code, "") == []


def test_a_closed_code_gets_no_hint_but_its_refusal(session: Session, project: ProjectRead) -> None:
    group = service.create_group(session=session, project_id=project.id, profile="Aînés")
    code = join.open_join(session=session, project_id=project.id, group_id=group.id).join_code
    join.close_join(session=session, project_id=project.id, group_id=group.id)
    session.commit()
    with pytest.raises(join.SpiraleError) as refused:
        similar.closest(code, "un banc")
    assert refused.value.key == "error.join_code_closed"


def test_phone_work_runs_in_the_phones_few_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """At most SPIRALE_PHONE_THREADS calls at once, the rest waiting their turn; hints have threads of their own."""
    monkeypatch.setenv("SPIRALE_PHONE_THREADS", "3")
    monkeypatch.setattr(web, "_limiters", {})
    running, most, lock = [0], [0], threading.Lock()

    def work() -> None:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= 1

    def at_once(hint: bool) -> tuple[int, int]:
        most[0], waiting = 0, []

        async def room() -> None:
            async with anyio.create_task_group() as tasks:
                for _ in range(12):
                    tasks.start_soon(functools.partial(web.in_thread, work, hint=hint))
                await anyio.sleep(0.02)
                waiting.append(web.waiting_for_thread(hint=hint))  # what "already said?" sheds by

        # (its own thread: a browser test's Playwright may hold an event loop in this one)
        with concurrent.futures.ThreadPoolExecutor(1) as aside:
            aside.submit(anyio.run, room).result()
        return most[0], waiting[0]

    assert at_once(hint=False) == (3, 9)
    assert at_once(hint=True) == (web.HINT_THREADS, 12 - web.HINT_THREADS)
    assert web.waiting_for_thread() == 0
    monkeypatch.setenv("SPIRALE_PHONE_THREADS", "0")
    with pytest.raises(join.SpiraleError) as refused:
        settings.phone_threads()
    assert refused.value.key == "error.setting_number"
