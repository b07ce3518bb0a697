"""What a screen said it saved, read back: from the database (`stored`) or from the file it offers (`downloaded`).

A success message or a redrawn table proves the page ran; only the database, or the bytes a person downloads,
prove that the work is kept.
"""

from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any, ClassVar

from streamlit.runtime import media_file_manager, memory_media_file_storage
from streamlit.testing.v1 import app_test

from workshop import database


def stored(db_url: str, service: Callable[..., Any], /, **params: Any) -> Any:
    """A service's answer in a session of its own: what another screen, or tomorrow's, would see."""
    with database.session_scope(db_url) as session:
        return service(session=session, **params)


class _KeptMedia(memory_media_file_storage.MemoryMediaFileStorage):
    """AppTest makes a new media store for every run and drops it; this one stays reachable until the next."""

    last: ClassVar["_KeptMedia | None"] = None

    def __init__(self, media_endpoint: str) -> None:
        super().__init__(media_endpoint)
        _KeptMedia.last = self


app_test.MemoryMediaFileStorage = _KeptMedia  # only records: files are stored and served as before


class _KeptManager(media_file_manager.MediaFileManager):
    """The run's media manager, kept too: it holds the functions of downloads made only when clicked."""

    last: ClassVar["_KeptManager | None"] = None

    def __init__(self, storage: memory_media_file_storage.MemoryMediaFileStorage) -> None:
        super().__init__(storage)
        _KeptManager.last = self


app_test.MediaFileManager = _KeptManager


def downloaded(app: app_test.AppTest, label: str) -> bytes:
    """The bytes behind the download button `label` of the app's last run."""
    button = next(b for b in app.get("download_button") if b.proto.label == label)
    assert _KeptMedia.last is not None and _KeptManager.last is not None
    url = button.proto.url
    if not url and button.proto.deferred_file_id:  # data given as a function: run as the browser's click would
        url = _KeptManager.last.execute_deferred(button.proto.deferred_file_id)
    return _KeptMedia.last.get_file(PurePosixPath(url).name).content
