"""Parsing and judging run beside the database work: inline, or in a forked helper process.

Reading mail and scoring it is CPU work that needs nothing from the database, so on a
machine with two cores a helper process prepares batch k+1 while the main process stores
and registers batch k. When the helper falls behind (while it loads the model, or when most
mail is cheap to record) the main process parses a batch itself and the helper only judges
it: the work moves to whichever process has time for it.

This module imports only the standard library at the top: `klachtenbus poll` forks its helper
from here before the command line's own imports, so the helper's imports (numpy, mail-parser,
the rules) and its model load overlap the main process's start-up instead of following it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, TypeAlias, TypeVar

from klachtenbus.errors import MessageUnparseable

if TYPE_CHECKING:
    from bot.detection import Detection, DetectionRecipe
    from classify import Decision
    from intake import ParsedMessage

Prepared: TypeAlias = "tuple[ParsedMessage, Decision] | MessageUnparseable"
Items = list[tuple[bytes, datetime]]
T = TypeVar("T")


def prepare(detection: Detection, items: Items) -> list[Prepared]:
    """Parse each message and judge all readable ones in one batch."""
    from intake import ParsedMessage

    parsed = parse_all(items)
    readable = [p for p in parsed if isinstance(p, ParsedMessage)]
    return combine(parsed, detection.decide_many(readable) if readable else [])


def parse_all(items: Items) -> list[ParsedMessage | MessageUnparseable]:
    """Each message parsed, or the reason it cannot be."""
    import intake

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


_LOADED: tuple[DetectionRecipe, Detection] | None = None  # in a helper: its recipe, built


def _warm_up(parent: int) -> None:
    """Runs first in each helper: watch the parent, then import what loading the model needs.

    A helper forked before the main process's own imports does this while the main process
    imports SQLAlchemy and reads its settings; the recipe comes with the work, later.
    """
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    import classify.detector  # noqa: F401  numpy; a model's tables load without scikit-learn
    import intake  # noqa: F401
    from bot import detection  # noqa: F401  what a recipe unpickles into


def _exit_with(parent: int) -> None:
    """A helper whose main process died (even by SIGKILL) must not linger."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _detection(recipe: DetectionRecipe) -> Detection:
    """The rules and the model of this recipe, loaded once per helper (the file's sha256 is
    checked first, in `recipe.build`)."""
    global _LOADED
    if _LOADED is None or _LOADED[0] != recipe:
        _LOADED = (recipe, recipe.build())
    return _LOADED[1]


def _load(recipe: DetectionRecipe, log_level: int) -> bool:
    """Load the model; a helper forked before logging was set up logs at the main level."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")
    return _detection(recipe) is not None


def _prepare_in_helper(recipe: DetectionRecipe, items: Items) -> list[Prepared]:
    return prepare(_detection(recipe), items)


def _decide_in_helper(recipe: DetectionRecipe, messages: list[ParsedMessage]) -> list[Decision]:
    return _detection(recipe).decide_many(messages)


def _forked() -> bool:
    return True


class Helpers:
    """Helper processes forked now, before anyone knows which model they will load.

    With the fork method the first submit starts every helper at once, before the pool's own
    threads exist; each helper then imports what scoring needs (`_warm_up`) on its own core.
    """

    def __init__(self, processes: int = 1) -> None:
        self.processes = processes
        self.pool = ProcessPoolExecutor(
            max_workers=processes,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_warm_up,
            initargs=(os.getpid(),),
        )
        self.pool.submit(_forked)

    def discard(self) -> None:
        """Not wanted after all (the settings ask for another number): they exit once warm."""
        self.pool.shutdown(wait=False, cancel_futures=True)


def fork_early(argv: list[str], environ: Mapping[str, str]) -> Helpers | None:
    """Helpers for the commands that poll (`poll`, `run`), forked before the command line's
    heavy imports, unless the environment switches them off; the settings decide later
    whether they are used (`ProcessPreparer`)."""
    program = argv[0].replace("\\", "/").rsplit("/", 1)[-1] if argv else ""
    if program not in ("klachtenbus", "__main__.py") or len(argv) < 2:
        return None  # imported by something else (a test, a script): it forks its own
    if argv[1] not in ("poll", "run") or "--help" in argv:
        return None
    wanted = environ.get("KLACHTENBUS_HELPER_PROCESSES", "1").strip()
    processes = int(wanted) if wanted.isdigit() else 1
    return Helpers(processes) if processes > 0 else None


class ProcessPreparer:
    """Forked helpers that load the rules and the model themselves, while the main process
    connects to the mailbox and stores the first batch."""

    def __init__(
        self, recipe: DetectionRecipe, processes: int = 1, helpers: Helpers | None = None
    ) -> None:
        """`helpers` forked earlier are used when there are as many as wanted, else let go."""
        if helpers is None or helpers.processes != processes:
            if helpers is not None:
                helpers.discard()
            # Forked now, while this process has no other threads (the scheduler starts later).
            helpers = Helpers(processes)
        self.parallel = processes
        self.recipe = recipe
        self._pool = helpers.pool
        self._busy: set[Future[object]] = set()  # model loads and whole batches, not done yet
        for _ in range(processes):  # the model loads now; these count as busy until it has
            self._track(self._pool.submit(_load, recipe, logging.getLogger().level))

    def submit(self, items: Items) -> Future[list[Prepared]]:
        """Whole batches go to the helpers while they keep up; once each has two whole batches
        waiting (it is loading the model, or preparing is the slower half) this process parses
        the batch and the helpers only judge it. Batches sent only to be judged do not count:
        they are quick, and counting them kept this process parsing long after the helpers
        had their model, while it also has to register everything."""
        from intake import ParsedMessage

        if len(self._busy) <= 2 * self.parallel:
            return self._track(self._pool.submit(_prepare_in_helper, self.recipe, items))
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

        future = self._pool.submit(_decide_in_helper, self.recipe, readable)
        future.add_done_callback(done)
        return prepared

    def _track(self, future: Future[T]) -> Future[T]:
        self._busy.add(future)  # type: ignore[arg-type]
        future.add_done_callback(self._busy.discard)  # type: ignore[arg-type]
        return future

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
