"""A message's attachments read in a child process, within limits.

A file that makes a library loop, eat memory or crash costs that child, never the worker: each
attachment is read under an alarm of `limits.seconds`, and the child is killed (with its
process group: a Tesseract it started too) when it overruns all its attachments' time, also
when it is stuck in C code where the alarm cannot reach. What each kind of attachment says is
read by `intake.attachment_text`.

The child is forked from this process when it has no other thread (a fork costs about a
millisecond and inherits the readers already imported); a process with threads (the web app,
a worker that prepares inline) must not fork (the child can deadlock on a lock another thread
held), so there the standard library's fork server makes the child.
"""

from __future__ import annotations

import contextlib
import faulthandler
import importlib
import json
import logging
import multiprocessing
import os
import select
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import asdict

from intake.attachment_text import (
    AttachmentLimits,
    File,
    attachments_of,
    kind_of,
    noted,
    ocr_available,
    read_one,
)
from klachtenbus.mail import AttachmentText

_MEMORY = 1 << 30  # bytes the reading child may allocate beyond what it inherits


def needs_reading(content_types: tuple[str, ...]) -> bool:
    """Whether a message with these MIME parts has anything beside its body text to read."""
    return any(
        not t.startswith("multipart/") and t not in ("text/plain", "text/html")
        for t in content_types
    )


def read_attachments(raw: bytes, limits: AttachmentLimits) -> tuple[AttachmentText, ...]:
    """The text of every attachment of the raw message, each within `limits`."""
    files = list(attachments_of(raw))
    if not files:
        return ()
    _import_readers({kind_of(f.name, f.content_type, f.data) for f in files}, limits)
    if not hasattr(os, "fork"):
        return tuple(t for f in files for t in read_one(f.name, f.content_type, f.data, limits))
    return _read_in_child(files, limits)


# The libraries each kind needs, imported in the worker before it forks a reader (extract-msg
# alone takes 0.7 s to import): once per process, and only for kinds that arrive.
_LIBRARIES = {
    "pdf": ("pypdf",),
    "zip": ("docx", "odf.opendocument", "odf.teletype"),
    "rtf": ("striprtf.striprtf",),
    "msg": ("extract_msg",),
    "tnef": ("tnefparse", "striprtf.striprtf"),
}


def _import_readers(kinds: set[str], limits: AttachmentLimits) -> None:
    for kind in kinds:
        for module in _LIBRARIES.get(kind, ()):
            with contextlib.suppress(ImportError):  # noted per attachment when it is read
                importlib.import_module(module)
    if limits.ocr and kinds & {"pdf", "image"} and ocr_available():
        with contextlib.suppress(ImportError):
            importlib.import_module("PIL.Image")


# --- Reading in a child process --------------------------------------------------------------


def _read_in_child(files: list[File], limits: AttachmentLimits) -> tuple[AttachmentText, ...]:
    """Each file read in one forked child, under an alarm per file; the child is killed when
    it overruns them all (stuck in C code, where the alarm cannot reach)."""
    if threading.active_count() > 1:
        reader, pid, wait = _start_from_fork_server(files, limits)
    else:
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(reader)
            _child(files, limits, writer)
        os.close(writer)

        def wait() -> None:
            os.waitpid(pid, 0)

    deadline = time.monotonic() + limits.seconds * len(files) + 2
    received, finished = b"", False
    waiting = select.poll()
    waiting.register(reader, select.POLLIN)
    try:
        while not finished and (left := deadline - time.monotonic()) > 0:
            if not waiting.poll(left * 1000):
                break
            chunk = os.read(reader, 1 << 16)
            received += chunk
            finished = not chunk
    finally:
        os.close(reader)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)  # before its setpgid, it has no group of its own
        wait()
    lost = (
        "niet gelezen: het lezen brak af (beschadigd bestand of te veel geheugen nodig)"
        if finished
        else f"niet gelezen: het lezen duurde langer dan {limits.seconds:g} seconden of liep vast"
    )
    done = []
    for line in received.split(b"\n")[:-1]:  # a line cut off by the kill is left out
        with contextlib.suppress(ValueError):
            done.append(json.loads(line))
    results: list[AttachmentText] = []
    for index, file in enumerate(files):
        found = [AttachmentText(**d) for i, d in done if i == index]
        results += found or [noted(file.name, file.content_type, lost)]
    return tuple(results)


_FORK_SERVER = multiprocessing.get_context("forkserver")


def _start_from_fork_server(
    files: list[File], limits: AttachmentLimits
) -> tuple[int, int, Callable[[], None]]:
    """The reading child, made by the fork server (which has no threads) instead of by this
    process: the pipe's reading end, the child's pid, and how to wait for it."""
    receiving, sending = _FORK_SERVER.Pipe(duplex=False)
    child = _FORK_SERVER.Process(
        target=_child_of_fork_server, args=(files, limits, sending), daemon=True
    )
    child.start()  # the fork server hands the child the pipe's writing end
    sending.close()
    reader = os.dup(receiving.fileno())
    receiving.close()
    assert child.pid is not None
    return reader, child.pid, child.join


def _child_of_fork_server(
    files: list[File], limits: AttachmentLimits, sending: multiprocessing.connection.Connection
) -> None:
    _child(files, limits, sending.fileno())


def _child(files: list[File], limits: AttachmentLimits, writer: int) -> None:
    """Read, write one JSON line per file, leave without clean-up."""
    status = 0
    try:
        os.setpgid(0, 0)  # its own group: a Tesseract it started dies with it
        _in_child(files, limits, writer)
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def _in_child(files: list[File], limits: AttachmentLimits, writer: int) -> None:
    logging.disable(logging.CRITICAL)  # libraries' warnings about broken files are notes here
    faulthandler.disable()  # a reader's crash is noted by the parent, not dumped on its stderr
    with contextlib.suppress(Exception):  # not on every platform
        import resource

        with open("/proc/self/statm", "rb") as statm:
            mapped = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (mapped + _MEMORY, hard))
    signal.signal(signal.SIGALRM, _time_up)
    for index, file in enumerate(files):
        signal.setitimer(signal.ITIMER_REAL, limits.seconds)
        try:
            texts = read_one(file.name, file.content_type, file.data, limits)
        except _TimeUp:
            texts = [
                noted(
                    file.name,
                    file.content_type,
                    f"niet (helemaal) gelezen: langer dan {limits.seconds:g} seconden",
                )
            ]
        except MemoryError:
            texts = [noted(file.name, file.content_type, "te veel geheugen nodig; niet gelezen")]
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        for text in texts:
            line = json.dumps([index, asdict(text)], ensure_ascii=False).encode() + b"\n"
            while line:
                line = line[os.write(writer, line) :]


def _time_up(signum: int, frame: object) -> None:
    raise _TimeUp


class _TimeUp(BaseException):
    """The attachment's time ran out (raised by the child's alarm); a BaseException, so that
    a library's own `except Exception` cannot swallow it and read on."""
