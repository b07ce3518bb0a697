"""SQLite writers take turns in this process, in arrival order; a failed or abandoned transaction passes its turn on."""

import threading
import time
from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.util import queue as sqla_queue

from groups import service as groups_service
from groups.models import WELLBEING
from workshop import database


def _in_thread(action: Callable[[], object], seconds: float = 10) -> bool:
    """Run action in another thread; True when it finished within `seconds`."""
    done = threading.Event()

    def run() -> None:
        action()
        done.set()

    threading.Thread(target=run, daemon=True).start()
    return done.wait(seconds)


def _read(db_url: str) -> None:
    with database.session_scope(db_url) as own:
        own.execute(text("SELECT 1"))


def test_a_failed_transaction_passes_its_turn_on(db_url, project, session):
    session.commit()  # the fixtures' session ends its transaction
    with pytest.raises(ZeroDivisionError), database.session_scope(db_url) as failing:
        groups_service.create_group(session=failing, project_id=project.id, profile="Jeunes")
        _ = 1 / 0
    assert _in_thread(lambda: _read(db_url), seconds=5)
    assert groups_service.list_groups(session=session, project_id=project.id) == []


def test_an_abandoned_session_passes_its_turn_on(db_url):
    abandoned = database.Session(database.get_engine(db_url))
    abandoned.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: this session holds the turn
    assert not _in_thread(lambda: _read(db_url), seconds=0.3)  # another thread waits...
    abandoned.close()  # ...until the session ends without commit
    assert _in_thread(lambda: _read(db_url), seconds=5)


def test_a_second_connection_in_the_same_thread_does_not_wait_on_its_own_turn():
    turns, first, second = database._WriterTurn(timeout=5), object(), object()
    turns.take(first)
    turns.take(second)  # returns at once: SQLite's own lock decides for it, as without the queue
    turns.give_back(second)  # not the holder: nothing changes
    other = threading.Event()
    assert not _in_thread(lambda: (turns.take(object()), other.set()), seconds=0.2)
    turns.give_back(first)
    assert other.wait(5)  # the thread in line gets the turn


def test_waiting_threads_get_connections_in_arrival_order():
    queue = database._FairQueue(2)
    queue.put("first")
    order: list[str] = []

    def wait(name: str) -> None:
        order.append(f"{name}:{queue.get(True, 5)}")

    assert queue.get(False) == "first"
    waiters = []
    for name in ("a", "b", "c"):
        waiters.append(threading.Thread(target=wait, args=(name,)))
        waiters[-1].start()
        time.sleep(0.05)  # a, b, c ask in that order
    for item in ("x", "y", "z"):
        queue.put(item, False)
    for waiter in waiters:
        waiter.join(5)
    assert sorted(order) == ["a:x", "b:y", "c:z"]
    with pytest.raises(sqla_queue.Empty):
        queue.get(True, 0.05)  # a wait that times out leaves the queue as it was
    late = threading.Thread(target=wait, args=("d",))
    late.start()
    time.sleep(0.05)
    queue.put("v", False)
    with pytest.raises(sqla_queue.Empty):
        queue.get(False)  # the thread that returns a connection cannot take it back ahead of one waiting
    late.join(5)
    assert order[-1] == "d:v"
    queue.put("w", False)
    assert queue.get(False) == "w"


def test_many_writers_on_a_small_pool_lose_nothing(db_url, project, session):
    group = groups_service.create_group(session=session, project_id=project.id, profile="Jeunes")
    session.commit()
    errors: list[Exception] = []

    def send(number: int) -> None:
        try:
            with database.session_scope(db_url) as own:
                groups_service.add_criterion(
                    session=own, project_id=project.id, group_id=group.id, question=WELLBEING, text=f"Note {number}"
                )
        except Exception as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(120)]  # many more than the pool's 15
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(groups_service.list_criteria(session=session, project_id=project.id)) == 120
