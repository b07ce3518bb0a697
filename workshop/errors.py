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


class Message:
    """A catalog key and its parameters inside another message (an archive's row names its problem), translated
    with it in the reader's language by i18n.translate; a SpiraleError may be one too."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params

    def __repr__(self) -> str:
        return f"Message({self.key!r}, {self.params!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and (self.key, self.params) == (other.key, other.params)

    __hash__ = None  # type: ignore[assignment]
