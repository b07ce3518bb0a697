""" "Already said?" for phones: the group's notes closest to a draft, from an index kept per group.

Each query reads one cheap signature of the group's notes (count, newest id, newest change); the index is
brought up to date in the background when the signature changes, and queries meanwhile use the previous one
(a hint a few seconds old is still a good hint). So a query costs one indexed read and one embedding of the
draft. A room adds notes one at a time, so an update only adds the new notes' rows, in the vocabularies
fitted before (refitted once the group has doubled, or when a note was edited or withdrawn): refitting on
every send made the rebuilds a fifth of a 300-phone room's server samples (bench/phones_http.py).

The embeddings of drafts (and of a rebuilt index's new notes) are computed together: queries that arrive
while the model is busy wait for one batch call instead of each calling it (bench/phones_http.py: with 30
phones typing, one call per draft took 60% of the server's samples, and a batch of 30 texts costs what about
8 single texts cost); the vectors land in the embedding cache that the index's query then reads. When too
many drafts already wait, a query gets no hint rather than a late one (a hint is a nicety; a send is not).
"""

import queue
import threading
import time
from dataclasses import dataclass

from groups import join
from indicators import vectors
from indicators.engine import SimilarNotesIndex
from workshop import database, settings

SHOWN = 3
MIN_SIMILARITY = 0.4  # below this, notes share words at most, not an idea (as on the facilitator's screen)
FIRST_BUILD_WAIT = 3.0  # seconds a group's very first query waits for its index
GROUPS_KEPT = 256


@dataclass
class _Entry:
    signature: tuple
    index: SimilarNotesIndex | None
    building: threading.Thread | None = None
    used: float = 0.0


_entries: dict[int, _Entry] = {}
_lock = threading.Lock()


def _texts(group_id: int) -> tuple[list[str], list[str]]:
    with database.read_scope() as session:
        return join.live_texts(session=session, group_id=group_id)


BATCH_WAIT = 10.0  # seconds a query waits for its batch before embedding its draft itself
# Queries already waiting (for one of the hints' threads, or for the model) beyond which a new one gets no
# hint at once: a hint that comes after the phone has sent is no use, and a room's sends must not wait.
SHED_AT = 8
_batches: queue.SimpleQueue = queue.SimpleQueue()
_batcher: threading.Thread | None = None


def _embed_batches() -> None:
    """The one thread that calls the sentence model for phones: everything queued meanwhile, in one call."""
    while True:
        waiting = [_batches.get()]
        while True:
            try:
                waiting.append(_batches.get_nowait())
            except queue.Empty:
                break
        try:
            vectors.embed([text for texts, _ in waiting for text in texts])
        except Exception:  # each caller then embeds its own texts, and sees the error itself
            pass
        finally:
            for _, done in waiting:
                done.set()


def embed_together(texts: list[str]) -> None:
    """Put these texts' embeddings in the cache, in one model call with whatever else is waiting."""
    global _batcher
    if not texts or not vectors.embedding_available():
        return
    with _lock:
        if _batcher is None:
            _batcher = threading.Thread(target=_embed_batches, name="spirale-embed-batches", daemon=True)
            _batcher.start()
    done = threading.Event()
    _batches.put((texts, done))
    done.wait(BATCH_WAIT)


def _build(group_id: int, signature: tuple, previous: SimilarNotesIndex | None) -> None:
    texts, ids = _texts(group_id)
    known = previous.texts if previous is not None else []
    # Only the notes not yet in the embedding cache cost anything; after a send, that is the new one.
    embed_together(texts[len(known):] if texts[: len(known)] == known else texts)
    index = previous.grown(texts, ids) if previous is not None else None
    if index is None:
        index = SimilarNotesIndex(texts, ids=ids)
    with _lock:
        entry = _entries.get(group_id)
        if entry is not None:
            entry.index, entry.signature, entry.building = index, signature, None


def _index_for(group_id: int, signature: tuple) -> SimilarNotesIndex | None:
    with _lock:
        entry = _entries.get(group_id)
        if entry is None:
            if len(_entries) >= GROUPS_KEPT:  # the least recently asked group goes
                del _entries[min(_entries, key=lambda g: _entries[g].used)]
            entry = _entries[group_id] = _Entry(signature=(), index=None)
        entry.used = time.monotonic()
        if entry.signature != signature and entry.building is None:
            entry.building = threading.Thread(target=_build, args=(group_id, signature, entry.index), daemon=True)
            entry.building.start()
        index, building = entry.index, entry.building
    if index is None and building is not None:
        building.join(timeout=FIRST_BUILD_WAIT)
        with _lock:
            index = _entries[group_id].index if group_id in _entries else None
    return index


# A phone asks twice or more for each note it types, and a room types at once: the group behind a code and its
# notes' signature are read at most once a second per code, so most hints touch no database at all. A hint at
# most a second late, or one more for a code closed that second, is still a fair hint (a send is checked).
FRESH_SECONDS = 1.0
_recent: dict[tuple[str, str], tuple[float, int, tuple]] = {}


def _group_now(code: str) -> tuple[int, tuple]:
    """The group a code opens and its notes' signature, as read less than FRESH_SECONDS ago."""
    key, now = (settings.database_url(), join.normalise_code(code)), time.monotonic()
    kept = _recent.get(key)
    if kept is not None and now - kept[0] < FRESH_SECONDS:
        return kept[1], kept[2]
    with database.read_scope() as session:
        group_id = join.find_group(session=session, code=code).group_id
        signature = join.notes_signature(session=session, group_id=group_id)
    if len(_recent) >= 4 * GROUPS_KEPT:
        _recent.clear()
    _recent[key] = (now, group_id, signature)
    return group_id, signature


def closest(code: str, text: str) -> list[str]:
    """The texts of the group's notes that say what `text` says, closest first (at most SHOWN)."""
    if not text.strip() or _batches.qsize() >= SHED_AT:  # (participants/notes.py sheds the thread queue)
        return []
    group_id, signature = _group_now(code)
    if not signature[0]:
        return []
    index = _index_for(group_id, signature)
    if index is None:
        return []
    embed_together([text])
    return [note.text for note in index.similar(text, SHOWN) if note.similarity >= MIN_SIMILARITY]


def warm_up() -> threading.Thread:
    """Load the sentence model in the background when the server starts, not at a room's first keystroke."""
    thread = threading.Thread(target=lambda: SimilarNotesIndex(["échauffement", "warm-up"]), daemon=True)
    thread.start()
    return thread
