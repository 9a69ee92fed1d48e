"""Parsing and judging run beside the database work: inline, or in a forked helper process.

Reading mail and scoring it is CPU work that needs nothing from the database, so on a
machine with two cores a helper process prepares batch k+1 while the main process stores
and registers batch k.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from typing import Protocol

import intake
from bot.detection import Detection, DetectionRecipe
from classify import Decision
from intake import ParsedMessage
from klachtenbus.errors import MessageUnparseable

Prepared = tuple[ParsedMessage, Decision] | MessageUnparseable
Items = list[tuple[bytes, datetime]]


def prepare(detection: Detection, items: Items) -> list[Prepared]:
    """Parse each message and judge all readable ones in one batch."""
    parsed: list[ParsedMessage | MessageUnparseable] = []
    for raw, received_at in items:
        try:
            parsed.append(intake.parse(raw, received_at=received_at))
        except MessageUnparseable as exc:
            parsed.append(exc)
    readable = [p for p in parsed if isinstance(p, ParsedMessage)]
    decisions = iter(detection.decide_many(readable) if readable else [])
    return [p if isinstance(p, MessageUnparseable) else (p, next(decisions)) for p in parsed]


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
        # The first submit forks every helper: now, while this process has no other threads
        # (the scheduler starts later). Its result is not awaited.
        self._pool.submit(_ready)

    def submit(self, items: Items) -> Future[list[Prepared]]:
        return self._pool.submit(_prepare_in_helper, items)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
