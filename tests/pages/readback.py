"""What a screen said it saved, read back: from the database (`stored`) or from the file it offers (`downloaded`).

A success message or a redrawn table proves the page ran; only the database, or the bytes a person downloads,
prove that the work is kept.
"""

from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any, ClassVar

from streamlit.runtime import memory_media_file_storage
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


def downloaded(app: app_test.AppTest, label: str) -> bytes:
    """The bytes behind the download button `label` of the app's last run."""
    button = next(b for b in app.get("download_button") if b.proto.label == label)
    assert _KeptMedia.last is not None
    return _KeptMedia.last.get_file(PurePosixPath(button.proto.url).name).content
