"""Parsing and judging run beside the database work: inline, or in a helper process.

Reading mail and scoring it is CPU work that needs nothing from the database, so on a
machine with two cores a helper process prepares batch k+1 while the main process stores
and registers batch k. The helper is a worker of the standard library's process pool,
started with the `forkserver` method: a fresh interpreter forks it, never this process,
which by then has threads (the pool's own, SQLAlchemy's, the scheduler's).

This module imports only the standard library at the top, so that a helper imports no more
than preparing needs.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, TypeAlias

from klachtenbus.errors import MessageUnparseable

if TYPE_CHECKING:
    from classify import Decision
    from intake import ParsedMessage
    from intake.attachment_text import AttachmentLimits
    from office.detection import Detection, DetectionRecipe

Prepared: TypeAlias = "tuple[ParsedMessage, Decision] | MessageUnparseable"
Items = list[tuple[bytes, datetime]]


def prepare(detection: Detection, items: Items) -> list[Prepared]:
    """Parse each message and judge all readable ones in one batch."""
    from intake import ParsedMessage

    parsed = parse_all(items, detection.max_message_bytes, detection.attachment_limits)
    readable = [p for p in parsed if isinstance(p, ParsedMessage)]
    try:
        return combine(parsed, detection.decide_many(readable) if readable else [])
    except Exception:  # a bug one message brings out must not take its batch with it
        return [
            p if isinstance(p, MessageUnparseable) else _decide_one(detection, p) for p in parsed
        ]


def _decide_one(detection: Detection, message: ParsedMessage) -> Prepared:
    try:
        return message, detection.decide_many([message])[0]
    except Exception as exc:
        logging.getLogger(__name__).warning("Beoordelen mislukte: %r", exc)
        return MessageUnparseable(
            f"het bericht kon niet worden beoordeeld ({exc.__class__.__name__}: {exc}); "
            "lees het zelf en meld de fout"
        )


def parse_all(
    items: Items, max_bytes: int, limits: AttachmentLimits | None = None
) -> list[ParsedMessage | MessageUnparseable]:
    """Each message parsed (one over `max_bytes` on its headers and text only), or the reason
    it cannot be; with `limits`, its attachments' text read within them."""
    import intake

    parsed: list[ParsedMessage | MessageUnparseable] = []
    for raw, received_at in items:
        try:
            message = intake.parse(raw, received_at=received_at, max_bytes=max_bytes)
            if limits is not None and len(raw) <= max_bytes:
                from office.detection import with_attachment_texts

                message = with_attachment_texts(message, raw, limits)
            parsed.append(message)
        except MessageUnparseable as exc:
            parsed.append(exc)
        except Exception as exc:  # a parser bug: this message is quarantined, the rest go on
            parsed.append(
                MessageUnparseable(f"onleesbaar bericht ({exc.__class__.__name__}: {exc})")
            )
    return parsed


def combine(
    parsed: list[ParsedMessage | MessageUnparseable], decisions: list[Decision]
) -> list[Prepared]:
    """The decisions (one per readable message, in order) beside their messages."""
    judged = iter(decisions)
    return [p if isinstance(p, MessageUnparseable) else (p, next(judged)) for p in parsed]


class Preparer(Protocol):
    parallel: int  # how many batches it works on at once

    def submit(self, items: Items) -> Future[list[Prepared]]: ...
    def close(self) -> None: ...
    def renew(self, recipe: DetectionRecipe) -> None: ...


class InlinePreparer:
    """Prepares in the calling process, when asked."""

    parallel = 1

    def __init__(self, detection: Detection) -> None:
        self.detection = detection

    def submit(self, items: Items) -> Future[list[Prepared]]:
        future: Future[list[Prepared]] = Future()
        try:
            future.set_result(prepare(self.detection, items))
        except Exception as exc:  # handed to the caller through the future, as a pool would
            future.set_exception(exc)
        return future

    def close(self) -> None:
        return None

    def renew(self, recipe: DetectionRecipe) -> None:
        """Judge with another model or other cut-offs from the next batch on."""
        self.detection = recipe.build()


_LOADED: tuple[DetectionRecipe, Detection] | None = None  # in a helper: its recipe, built


def _load(recipe: DetectionRecipe, log_level: int) -> None:
    """Runs first in each helper: watch the main process, then load the rules and the model
    once, while the main process stores the first batches. A failure is met again, and
    reported, with the first batch."""
    threading.Thread(target=_exit_with_main, daemon=True).start()
    if not logging.getLogger().handlers:
        logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")
    with contextlib.suppress(Exception):
        _detection(recipe)
    settle_heap()


def _exit_with_main() -> None:
    """A helper whose main process died (even by SIGKILL) must not linger. Its parent's
    sentinel says so; the fork server it came from would live on as long as the helper."""
    main = multiprocessing.parent_process()
    if main is not None:
        main.join()
        os._exit(0)


def _detection(recipe: DetectionRecipe) -> Detection:
    """The rules and the model of this recipe, loaded once per helper (the file's sha256 is
    checked first, in `recipe.build`)."""
    global _LOADED
    if _LOADED is None or _LOADED[0] != recipe:
        _LOADED = (recipe, recipe.build())
    return _LOADED[1]


def _prepare_in_helper(recipe: DetectionRecipe, items: Items) -> list[Prepared]:
    return prepare(_detection(recipe), items)


class ProcessPreparer:
    """Helper processes from a standard process pool that load the rules and the model
    themselves, while the main process connects to the mailbox and stores the first batch."""

    def __init__(self, recipe: DetectionRecipe, processes: int = 1) -> None:
        self.parallel = processes
        self.recipe = recipe
        self._pool = ProcessPoolExecutor(
            max_workers=processes,
            mp_context=multiprocessing.get_context("forkserver"),
            initializer=_load,
            initargs=(recipe, logging.getLogger().level),
        )
        for _ in range(processes):  # started now: they load the model while this process
            self._pool.submit(int)  # connects to the mailbox and stores the first batches

    def submit(self, items: Items) -> Future[list[Prepared]]:
        return self._pool.submit(_prepare_in_helper, self.recipe, items)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def renew(self, recipe: DetectionRecipe) -> None:
        """Judge with another model or other cut-offs from the next batch on: each helper
        loads the new recipe (its sha256 checked) with the first batch that names it."""
        self.recipe = recipe


def settle_heap() -> None:
    """Exempt what is loaded by now (modules, the model, the ORM's mappings: all live as long
    as the process) from the collector's passes, as Python's docs advise with `gc.freeze`;
    each full pass walked it all again. (Collecting less often as well saved a little more
    time, but let cyclic garbage pile up: 137 MiB at 16,000 messages instead of 121.)"""
    gc.freeze()
