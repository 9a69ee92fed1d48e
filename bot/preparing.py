"""Parsing and judging run beside the database work: inline, or in a forked helper process.

Reading mail and scoring it is CPU work that needs nothing from the database, so on a
machine with two cores a helper process prepares batch k+1 while the main process stores
and registers batch k. Every batch goes to the helper; when the main process would wait for
it, it takes back the newest batch the helper has not started, parses that itself and
leaves only the judging to the helper (`help`): the work moves to whichever process has time
for it, and neither waits while the other has work it could do.

This module imports only the standard library at the top: `klachtenbus poll` forks its helper
from here before the command line's own imports, so the helper's imports (numpy, mail-parser,
the rules) and its model load overlap the main process's start-up instead of following it.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from klachtenbus.errors import MessageUnparseable

if TYPE_CHECKING:
    from classify import Decision
    from intake import ParsedMessage
    from intake.attachment_text import AttachmentLimits
    from office.detection import Detection, DetectionRecipe

Prepared: TypeAlias = "tuple[ParsedMessage, Decision] | MessageUnparseable"
Items = list[tuple[bytes, datetime]]
# A batch handed to a helper whole: its items, their bytes, the helper's future, the caller's.
Handed: TypeAlias = (
    "tuple[Items, int, Future[tuple[list[Prepared], float]], Future[list[Prepared]]]"
)


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
    def help(self, own_seconds: float, later_messages: int) -> bool: ...
    def close(self) -> None: ...
    def renew(self, recipe: DetectionRecipe) -> None: ...


# Batches left waiting for each helper when this process takes one back: taking the last ones
# left a helper with nothing to do while this process parsed, both waiting on each other.
_KEEP_WAITING = 2
_FLUSH_AFTER = 1_000_000  # bytes of a batch after which the pool's feeder is made to let go


class CpuRate:
    """CPU seconds per unit (a message, a byte) of one kind of work, as recently measured."""

    def __init__(self, first_guess: float) -> None:
        self.per_unit = first_guess

    def measured(self, seconds: float, units: int) -> None:
        if units:
            self.per_unit += 0.3 * (seconds / units - self.per_unit)

    @contextlib.contextmanager
    def timed(self, units: int) -> Iterator[None]:
        """Measure this process's CPU seconds for a block that handles `units`."""
        start = time.process_time()
        try:
            yield
        finally:
            self.measured(time.process_time() - start, units)


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

    def help(self, own_seconds: float, later_messages: int) -> bool:
        return False  # everything submitted is already done

    def close(self) -> None:
        return None

    def renew(self, recipe: DetectionRecipe) -> None:
        """Judge with another model or other cut-offs from the next batch on."""
        self.detection = recipe.build()


_LOADED: tuple[DetectionRecipe, Detection] | None = None  # in a helper: its recipe, built


def _warm_up(parent: int) -> None:
    """Runs first in each helper: watch the parent, then import what loading the model needs.

    A helper forked before the main process's own imports does this while the main process
    imports SQLAlchemy and reads its settings; the recipe comes with the work, later.
    """
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    import docx  # noqa: F401  the commonest attachments' readers, imported before forking one
    import html2text  # noqa: F401  intake imports its parsers with the first message
    import mailparser  # noqa: F401
    import pypdf  # noqa: F401

    import classify.detector  # noqa: F401  numpy; a model's tables load without scikit-learn
    import intake  # noqa: F401
    from office import detection  # noqa: F401  what a recipe unpickles into

    settle_heap()


def settle_heap() -> None:
    """Exempt what is loaded by now (modules, the model, the ORM's mappings: all live as long
    as the process) from the collector's passes, as Python's docs advise with `gc.freeze`;
    each full pass walked it all again. (Collecting less often as well saved a little more
    time, but let cyclic garbage pile up: 137 MiB at 16,000 messages instead of 121.)"""
    gc.freeze()


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


def _prepare_in_helper(recipe: DetectionRecipe, items: Items) -> tuple[list[Prepared], float]:
    """The prepared batch and the CPU seconds it took (which tell the main process when to
    help)."""
    start = time.process_time()
    prepared = prepare(_detection(recipe), items)
    return prepared, time.process_time() - start


def _decide_in_helper(
    recipe: DetectionRecipe, messages: list[ParsedMessage]
) -> tuple[list[Decision], float]:
    start = time.process_time()
    decisions = _detection(recipe).decide_many(messages)
    return decisions, time.process_time() - start


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
        # Batches handed to the helpers whole, oldest first, until they finish or are taken back
        self._handed: list[Handed] = []
        self._judging_handed: list[tuple[int, Future[Any]]] = []  # messages, helper's future
        # CPU seconds: a whole batch in a helper and parsing here per byte of mail (a bounce
        # with attachments costs many times a short complaint), judging in a helper per
        # message. First guesses from a 2-core machine, measured from the first batches on.
        self._whole, self._here = CpuRate(0.0012 / 3000), CpuRate(0.0006 / 3000)
        self._judging = CpuRate(0.0005)
        self._bytes = self._messages = 0  # handed so far: the size of mail still to come
        for _ in range(processes):  # the model loads now, while the first batch is stored
            self._pool.submit(_load, recipe, logging.getLogger().level)

    def submit(self, items: Items) -> Future[list[Prepared]]:
        caller: Future[list[Prepared]] = Future()
        size = sum(len(raw) for raw, _ in items)
        self._bytes += size
        self._messages += len(items)
        helper = self._pool.submit(_prepare_in_helper, self.recipe, items)
        self._handed.append((items, size, helper, caller))
        # The callback names the caller, not the batch: a future keeps its callbacks after it
        # is done, and a callback holding the batch made a cycle that kept every batch's raw
        # bytes alive until the cyclic collector ran (30 MB a large message, several at once).
        helper.add_done_callback(functools.partial(self._relay, caller, size))
        if size > _FLUSH_AFTER:
            # The pool's feeder thread keeps the last batch it pickled until it pickles
            # another: a call with nothing in it lets a large batch's pickle go at once.
            self._pool.submit(_forked)
        return caller

    def _relay(
        self, caller: Future[list[Prepared]], size: int, done: Future[tuple[list[Prepared], float]]
    ) -> None:
        if done.cancelled():
            return  # taken back by `help`, which answers the caller itself
        for entry in list(self._handed):
            if entry[3] is caller:
                self._forget(entry)
        _pass_on(done, caller, self._whole, size, lambda prepared: prepared)

    def _forget(self, entry: Handed) -> None:
        with contextlib.suppress(ValueError):  # gone already: it finished as it was taken back
            self._handed.remove(entry)

    def help(self, own_seconds: float, later_messages: int) -> bool:
        """Take back the newest batch no helper has started, parse it here and hand over only
        its judging, when the helpers have more work ahead of them than this process has
        (`own_seconds`: this process's own part of the batches it holds and of the
        `later_messages` still to be fetched). False when that would not even out the work or
        every handed batch is already being worked on."""
        handed = list(self._handed)
        self._judging_handed = [(n, f) for n, f in self._judging_handed if not f.done()]
        later_bytes = later_messages * self._bytes / max(self._messages, 1)
        helpers_seconds = (
            (sum(size for _, size, _, _ in handed) + later_bytes) * self._whole.per_unit
            + sum(n for n, _ in self._judging_handed) * self._judging.per_unit
        ) / self.parallel
        waiting = [e for e in handed if not e[2].running() and not e[2].done()]
        if len(waiting) <= _KEEP_WAITING * self.parallel:
            return False  # the helpers would run dry while this process parses
        for entry in reversed(handed):
            items, size, helper, caller = entry
            moved = (
                size * (self._whole.per_unit / self.parallel + self._here.per_unit)
                - len(items) * self._judging.per_unit / self.parallel
            )
            if helpers_seconds - own_seconds < moved / 2:
                return False  # taking it would leave this process the one behind
            if helper.cancel():
                self._forget(entry)
                self._parse_here(items, size, caller)
                return True
        return False

    def _parse_here(self, items: Items, size: int, caller: Future[list[Prepared]]) -> None:
        from intake import ParsedMessage

        start = time.process_time()
        try:
            parsed = parse_all(items, self.recipe.max_message_bytes, self.recipe.attachment_limits)
        except Exception as exc:  # handed to the caller, as the helper's own error would be
            caller.set_exception(exc)
            return
        self._here.measured(time.process_time() - start, size)
        readable = [p for p in parsed if isinstance(p, ParsedMessage)]
        if not readable:
            caller.set_result(combine(parsed, []))
            return
        judged = self._pool.submit(_decide_in_helper, self.recipe, readable)
        self._judging_handed.append((len(readable), judged))
        judged.add_done_callback(
            lambda done: _pass_on(
                done,
                caller,
                self._judging,
                len(readable),
                lambda decisions: combine(parsed, decisions),
            )
        )

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def renew(self, recipe: DetectionRecipe) -> None:
        """Judge with another model or other cut-offs from the next batch on: each helper
        loads the new recipe (its sha256 checked) with the first batch that names it."""
        self.recipe = recipe


def _pass_on(
    done: Future[tuple[Any, float]],
    caller: Future[list[Prepared]],
    rate: CpuRate,
    units: int,
    finish: Callable[[Any], list[Prepared]],
) -> None:
    """The helper's answer, finished here, or its error, to the caller's future; the CPU
    seconds it took, over `units`, go to `rate`."""
    try:
        answer, seconds = done.result()
        rate.measured(seconds, units)
        caller.set_result(finish(answer))
    except BaseException as exc:  # the helper's own error, or the pool broke
        caller.set_exception(exc)
