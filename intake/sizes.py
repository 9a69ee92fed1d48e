"""Sizes that keep memory flat: chunks bounded by count and bytes, and when a message is large."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

CHUNK_BYTES = 20_000_000  # a fetch chunk or batch of everyday mail (~50 kB each) never nears it
# Above this a message is judged on its headers and text parts only (intake.large): its
# attachments are never decoded. Below it the parse holds about 2.8 times the message's size
# (a 40 MB message: 113 MB), so a helper stays under 300 MiB (docs/benchmarks.md).
MAX_MESSAGE_BYTES = 50_000_000


def grouped(
    items: Iterable[T], size_of: Callable[[T], int], *, count: int, size: int
) -> Iterator[list[T]]:
    """Consecutive groups of at most `count` items and `size` bytes; a larger item goes alone.

    Lazy: a full group is yielded before the next item is taken, so a caller that fetches as it
    iterates never holds more than one group and the item that did not fit.
    """
    group: list[T] = []
    held = 0
    for item in items:
        weight = size_of(item)
        if group and held + weight > size:
            yield group
            group, held = [], 0
        group.append(item)
        del item  # held by the group only: the next item may be fetched before it is let go
        held += weight
        if len(group) >= count or held >= size:
            yield group
            group, held = [], 0
    if group:
        yield group
