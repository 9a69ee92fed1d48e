"""Column types that take whatever a mail contained and store what the database can hold.

A display name of 10 KB, an address of 400 characters, a NUL character in a bounce's text or a
lone surrogate from an undecodable header made PostgreSQL refuse the whole batch's transaction
(SQLite ignores VARCHAR lengths, so only PostgreSQL showed it). Every text column therefore
cuts its value to the column's length and drops what no backend stores; the whole value always
stays in the message's raw bytes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String, Text, TypeDecorator

_NUL = "\x00"


def storable(value: str, length: int | None = None) -> str:
    """`value` without NUL characters or lone surrogates, at most `length` characters long."""
    if _NUL in value:
        value = value.replace(_NUL, "")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates (surrogateescape'd 8-bit header bytes)
            value = value.encode("utf-8", "replace").decode("utf-8")
    if length is not None and len(value) > length:
        value = value[:length]
    return value


def _storable_json(value: Any) -> Any:
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, list | tuple):
        return [_storable_json(v) for v in value]
    if isinstance(value, dict):
        return {storable(str(k)): _storable_json(v) for k, v in value.items()}
    return value


class BoundedText(TypeDecorator[str]):
    """A VARCHAR (with a length) or TEXT (without) that never refuses a value: see the module."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return storable(str(value), self.impl_instance.length)


class CleanText(BoundedText):
    """A TEXT column, NUL-free and surrogate-free; its length is the database's own limit."""

    impl = Text
    cache_ok = True


class CleanJSON(TypeDecorator[Any]):
    """JSON whose strings hold no NUL characters or lone surrogates."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        return None if value is None else _storable_json(value)
