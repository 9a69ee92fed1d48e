"""Benchmark: `klachtenbus poll --once` end to end against a local Dovecot, beside the raw floor.

The raw floor is what no pipeline can beat: imapclient `UID FETCH BODY.PEEK[]` in chunks plus
the standard library's parse of each message, nothing stored. Both run as child processes so
their peak memory (ru_maxrss) is measured the same way.

    .venv/bin/python bench/poll_throughput.py --sizes 2000 6000

Needs Dovecot (`apt-get install dovecot-imapd`); writes nothing outside /tmp.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import itertools
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

HELPERS: int | None = None
REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

import imapclient  # noqa: E402

from classify import load_corpus  # noqa: E402
from tests.servers import start_dovecot  # noqa: E402


def corpus_messages() -> list[bytes]:
    """The real corpus mixed with the Dutch seed corpus rendered as mail."""
    real_root = REPOSITORY.parent / "shared" / "corpus" / "real"
    real = [
        p.read_bytes()
        for p in sorted(real_root.rglob("*"))
        if p.is_file() and p.suffix not in (".md", ".tnef")
    ]
    dutch = []
    for example in load_corpus():
        message = EmailMessage()
        message["From"] = f"Afzender <{example.id}@example.nl>"
        message["To"] = "klachten@example.nl"
        message["Subject"] = example.subject
        message["Date"] = format_datetime(datetime.now(UTC))
        for name, value in example.headers.items():
            if name.lower() not in ("from", "content-type"):
                message[name] = value
        message.set_content(example.body)
        dutch.append(bytes(message))
    mixed = [m for pair in itertools.zip_longest(dutch, real) for m in pair if m is not None]
    return [m for m in mixed if m.strip()]


def unique(raw: bytes, n: int) -> bytes:
    """A fresh Message-ID in front, so repeats are new messages and not duplicates."""
    return (
        f"Message-ID: {make_msgid(idstring=f'bench{n}', domain='bench.invalid')}\r\n".encode() + raw
    )


def append(port: int, user: str, messages: list[bytes]) -> None:
    with imapclient.IMAPClient("127.0.0.1", port=port, ssl=False) as client:
        client.login(user, "geheim")
        for raw in messages:
            client.append("INBOX", raw)


def floor(port: int, user: str, chunk: int) -> int:
    """The raw floor, run in a child process: fetch in chunks and parse with the standard library."""
    count = 0
    with imapclient.IMAPClient("127.0.0.1", port=port, ssl=False) as client:
        client.login(user, "geheim")
        client.select_folder("INBOX")
        uids = client.search("ALL")
        for start in range(0, len(uids), chunk):
            for data in client.fetch(uids[start : start + chunk], ["BODY.PEEK[]"]).values():
                message = email.message_from_bytes(data[b"BODY[]"], policy=email.policy.default)
                try:
                    body = message.get_body(("plain", "html"))
                    if body is not None:
                        body.get_content()
                except (LookupError, KeyError, ValueError, AttributeError):
                    pass
                count += 1
    return count


def timed_child(argv: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Wall time, peak resident memory (KiB) and output of a child process."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    output = process.stdout.read().decode() if process.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv} failed:\n{output}")
    return elapsed, usage.ru_maxrss, output


def run_size(n: int, messages: list[bytes], dovecot: object, workdir: Path) -> dict[str, object]:
    batch = [unique(raw, i) for i, raw in zip(range(n), itertools.cycle(messages), strict=False)]
    floor_user, _ = dovecot.add_user()  # type: ignore[attr-defined]
    pipe_user, _ = dovecot.add_user()  # type: ignore[attr-defined]
    t = time.perf_counter()
    append(dovecot.port, floor_user, batch)  # type: ignore[attr-defined]
    append(dovecot.port, pipe_user, batch)  # type: ignore[attr-defined]
    append_seconds = time.perf_counter() - t
    megabytes = sum(map(len, batch)) / 1e6
    del batch

    env = dict(os.environ)
    if HELPERS is not None:
        env["KLACHTENBUS_HELPER_PROCESSES"] = str(HELPERS)
    floor_seconds, floor_rss, _ = timed_child(
        [sys.executable, __file__, "--floor-only", str(dovecot.port), floor_user],
        env,  # type: ignore[attr-defined]
    )
    database = workdir / f"bench-{n}.db"
    env |= {
        "KLACHTENBUS_DATABASE_URL": f"sqlite:///{database}",
        "KLACHTENBUS_IMAP_HOST": "127.0.0.1",
        "KLACHTENBUS_IMAP_PORT": str(dovecot.port),  # type: ignore[attr-defined]
        "KLACHTENBUS_IMAP_USER": pipe_user,
        "KLACHTENBUS_IMAP_PASSWORD": "geheim",
        "KLACHTENBUS_IMAP_SECURITY": "none",
        "KLACHTENBUS_ORGANISATION_ADDRESS": "klachten@example.nl",
        "KLACHTENBUS_OUTBOX_FOLDER": str(workdir / f"outbox-{n}"),
        "KLACHTENBUS_MODEL_DIR": str(workdir / "model"),
        "KLACHTENBUS_CONFIG": str(workdir / "none.toml"),
        "KLACHTENBUS_LOG_LEVEL": "WARNING",
    }
    subprocess.run([sys.executable, "-m", "bot", "init"], env=env, check=True, capture_output=True)
    poll_seconds, poll_rss, output = timed_child(
        [sys.executable, "-m", "bot", "poll", "--once"], env
    )
    floor_rate = n / floor_seconds
    poll_rate = n / poll_seconds
    return {
        "n": n,
        "megabytes": round(megabytes, 1),
        "append_seconds": round(append_seconds, 1),
        "floor_seconds": round(floor_seconds, 2),
        "floor_rate": round(floor_rate),
        "floor_peak_mib": round(floor_rss / 1024),
        "poll_seconds": round(poll_seconds, 2),
        "poll_rate": round(poll_rate),
        "poll_peak_mib": round(poll_rss / 1024),
        "ratio": round(poll_rate / floor_rate, 2),
        "summary": output.strip().splitlines()[-1] if output.strip() else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000])
    parser.add_argument("--chunk", type=int, default=100)
    parser.add_argument("--helpers", type=int, help="KLACHTENBUS_HELPER_PROCESSES for the poll")
    parser.add_argument("--floor-only", nargs=2, metavar=("PORT", "USER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    global HELPERS
    HELPERS = args.helpers
    if args.floor_only:
        print(floor(int(args.floor_only[0]), args.floor_only[1], args.chunk))
        return
    messages = corpus_messages()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    dovecot = start_dovecot()
    try:
        with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
            for n in args.sizes:
                print(json.dumps(run_size(n, messages, dovecot, Path(tmp))), flush=True)
    finally:
        dovecot.stop()


if __name__ == "__main__":
    main()
