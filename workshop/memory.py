"""The server's full garbage collection on a timer, instead of Streamlit's after every script run.

`.streamlit/config.toml` turns off `runner.postScriptGC`: that pass took 111-131 ms after every run and 78% of
the server's time with 100 phones (issue 12). Python's generational collector still runs, but its full pass
waits until the long-lived objects have grown by a quarter, so reference cycles left by script runs (frames,
widgets, DataFrames) can pile up between passes. One full pass a minute bounds that pile for a fraction of a
percent of one core (SPIRALE_GC_EVERY_SECONDS; bench/streamlit_memory.py measures RSS with and without it).
"""

import gc
import logging
import threading
import time
from dataclasses import dataclass, field

from workshop import settings
from workshop.errors import SpiraleError

log = logging.getLogger(__name__)


@dataclass
class Collector:
    """A daemon thread that runs gc.collect() every `every` seconds until stopped."""

    every: float
    passes: int = 0
    last_seconds: float = 0.0  # how long the last pass held the interpreter
    found: int = 0  # unreachable objects found by all passes
    stopped: threading.Event = field(default_factory=threading.Event)

    def loop(self) -> None:
        while not self.stopped.wait(self.every):
            started = time.perf_counter()
            found = gc.collect()
            self.last_seconds = time.perf_counter() - started
            self.passes, self.found = self.passes + 1, self.found + found
            log.debug("gc pass %d: %d objects, %.0f ms", self.passes, found, self.last_seconds * 1000)

    def start(self) -> "Collector":
        threading.Thread(target=self.loop, name="spirale-gc", daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopped.set()


_collector: Collector | None = None
_collector_lock = threading.Lock()


def start_collector() -> Collector | None:
    """Start the timed collection once per process (later calls return the same one); None when turned off."""
    global _collector
    with _collector_lock:
        if _collector is None:
            try:
                every = settings.gc_every_seconds()
            except SpiraleError as error:
                log.error("timed garbage collection not started: %s %s", error.key, error.params)
                return None
            if every == 0:
                return None
            _collector = Collector(every=every).start()
        return _collector
