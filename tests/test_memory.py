"""The server's timed garbage collection (Streamlit's forced pass after every script run is off)."""

import gc
import time
import weakref

import pytest

from workshop import memory, settings


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _cycle() -> weakref.ref:
    """Two objects that only reference each other: freed by a garbage collection, never by reference counting."""
    first, second = _Node(), _Node()
    first.other, second.other = second, first
    return weakref.ref(first)


def test_the_collector_frees_cycles_on_its_timer():
    was_enabled = gc.isenabled()
    gc.disable()  # only the collector's passes may free the cycle
    collector = memory.Collector(every=0.05)
    try:
        alive = _cycle()
        assert alive() is not None
        collector.start()
        deadline = time.monotonic() + 60  # a pass over a whole test session's heap takes seconds
        while (alive() is not None or not collector.passes) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert alive() is None
        assert collector.passes >= 1
        if memory._collector is None:  # (in a whole test run, the app's own collector may free it first)
            assert collector.found >= 2
    finally:
        collector.stop()
        if was_enabled:
            gc.enable()


def test_the_collector_stops():
    collector = memory.Collector(every=0.02).start()
    time.sleep(0.1)
    collector.stop()
    time.sleep(0.1)
    passes = collector.passes
    time.sleep(0.1)
    assert passes >= 1 and collector.passes == passes


@pytest.fixture
def no_collector(monkeypatch):
    monkeypatch.setattr(memory, "_collector", None)
    yield
    if memory._collector is not None:
        memory._collector.stop()


def test_started_once_per_process_every_minute_by_default(no_collector, monkeypatch):
    monkeypatch.delenv(settings.GC_EVERY_VARIABLE, raising=False)
    first = memory.start_collector()
    assert first is not None and first.every == 60
    assert memory.start_collector() is first


def test_turned_off_or_refused_by_its_setting(no_collector, monkeypatch, caplog):
    monkeypatch.setenv(settings.GC_EVERY_VARIABLE, "0")
    assert memory.start_collector() is None
    monkeypatch.setenv(settings.GC_EVERY_VARIABLE, "souvent")
    assert memory.start_collector() is None
    assert settings.GC_EVERY_VARIABLE in caplog.text
