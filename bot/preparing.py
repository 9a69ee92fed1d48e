"""Parsing and judging run beside the database work: inline, or in a forked helper process.

Reading mail and scoring it is CPU work that needs nothing from the database, so on a
machine with two cores a helper process prepares batch k+1 while the main process stores
and registers batch k. When the helper falls behind (while it loads the model, or when most
mail is cheap to record) the main process parses a batch itself and the helper only judges
it: the work moves to whichever process has time for it.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from typing import Protocol, TypeVar

import intake
from bot.detection import Detection, DetectionRecipe
from classify import Decision
from intake import ParsedMessage
from klachtenbus.errors import MessageUnparseable

Prepared = tuple[ParsedMessage, Decision] | MessageUnparseable
Items = list[tuple[bytes, datetime]]
T = TypeVar("T")


def prepare(detection: Detection, items: Items) -> list[Prepared]:
    """Parse each message and judge all readable ones in one batch."""
    parsed = parse_all(items)
    readable = [p for p in parsed if isinstance(p, ParsedMessage)]
    return combine(parsed, detection.decide_many(readable) if readable else [])


def parse_all(items: Items) -> list[ParsedMessage | MessageUnparseable]:
    """Each message parsed, or the reason it cannot be."""
    parsed: list[ParsedMessage | MessageUnparseable] = []
    for raw, received_at in items:
        try:
            parsed.append(intake.parse(raw, received_at=received_at))
        except MessageUnparseable as exc:
            parsed.append(exc)
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


_DETECTION: Detection | None = None


def _install(recipe: DetectionRecipe, parent: int) -> None:
    """Runs first in each helper: watch the parent, then load the rules and the model."""
    global _DETECTION
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    _DETECTION = recipe.build()


def _exit_with(parent: int) -> None:
    """A helper whose main process died (even by SIGKILL) must not linger."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _prepare_in_helper(items: Items) -> list[Prepared]:
    assert _DETECTION is not None
    return prepare(_DETECTION, items)


def _decide_in_helper(messages: list[ParsedMessage]) -> list[Decision]:
    assert _DETECTION is not None
    return _DETECTION.decide_many(messages)


def _ready() -> bool:
    return _DETECTION is not None


class ProcessPreparer:
    """Forked helpers that load the rules and the model themselves, while the main process
    connects to the mailbox and stores the first batch."""

    def __init__(self, recipe: DetectionRecipe, processes: int = 1) -> None:
        self.parallel = processes
        self._pool = ProcessPoolExecutor(
            max_workers=processes,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_install,
            initargs=(recipe, os.getpid()),
        )
        self._busy: set[Future[object]] = set()  # submitted to the helpers, not done yet
        # The first submit forks every helper: now, while this process has no other threads
        # (the scheduler starts later). Its result is not awaited.
        self._track(self._pool.submit(_ready))

    def submit(self, items: Items) -> Future[list[Prepared]]:
        """Whole batches go to the helpers while they keep up; once each has two batches
        waiting (it is loading the model, or judging is the slower half) this process parses
        the batch and the helpers only judge it."""
        if len(self._busy) <= 2 * self.parallel:
            return self._track(self._pool.submit(_prepare_in_helper, items))
        parsed = parse_all(items)
        readable = [p for p in parsed if isinstance(p, ParsedMessage)]
        prepared: Future[list[Prepared]] = Future()
        if not readable:
            prepared.set_result(combine(parsed, []))
            return prepared

        def done(judged: Future[list[Decision]]) -> None:
            try:
                prepared.set_result(combine(parsed, judged.result()))
            except BaseException as exc:  # handed to the caller, as the helper's own error
                prepared.set_exception(exc)

        self._track(self._pool.submit(_decide_in_helper, readable)).add_done_callback(done)
        return prepared

    def _track(self, future: Future[T]) -> Future[T]:
        self._busy.add(future)  # type: ignore[arg-type]
        future.add_done_callback(self._busy.discard)  # type: ignore[arg-type]
        return future

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
