"""Errors that a person can read: a catalog key and its parameters, translated by the page."""

from typing import Any


class SpiraleError(Exception):
    """A refusal with a message key from the translation catalog."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __repr__(self) -> str:
        return f"SpiraleError({self.key!r}, {self.params!r})"
