"""Benchmark: `klachtenbus poll --once` end to end against a local Dovecot, beside the raw floor.

The raw floor is what no pipeline can beat: imapclient `UID FETCH BODY.PEEK[]` in chunks plus
the standard library's parse of each message, nothing stored. Both run as child processes so
their peak memory (ru_maxrss) is measured the same way.

    .venv/bin/python bench/poll_throughput.py --sizes 2000 8000 [--rounds 3]

With more than one round, a last line per size gives the best of the rounds (the fastest
floor against the fastest poll, as `timeit` reports its best: what the code can do, less the
other work on a shared machine) and the median of the rounds' ratios.

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
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
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


def timed_child(argv: list[str], env: dict[str, str]) -> tuple[float, int, str, float]:
    """Wall time, peak resident memory (KiB), output and CPU seconds of a child process.

    The CPU time includes the child's own helper processes; on a shared, noisy machine it
    moves less than the wall time does.
    """
    with tempfile.TemporaryFile() as out:  # a pipe read only at the end would fill and block
        start = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        out.seek(0)
        output = out.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{argv} failed:\n{output}")
    return elapsed, usage.ru_maxrss, output, usage.ru_utime + usage.ru_stime


def refill(port: int, user: str) -> None:
    """Put every message the poll filed away back in INBOX, for the next round."""
    with imapclient.IMAPClient("127.0.0.1", port=port, ssl=False) as client:
        client.login(user, "geheim")
        for _, _, folder in client.list_folders():
            if folder != "INBOX":
                client.select_folder(folder)
                uids = client.search("ALL")
                if uids:
                    client.move(uids, "INBOX")


def run_size(
    n: int, messages: list[bytes], dovecot: object, workdir: Path, rounds: int = 1
) -> Iterator[dict[str, object]]:
    """Append N messages once, then time the floor and the poll `rounds` times on them."""
    batch = [unique(raw, i) for i, raw in zip(range(n), itertools.cycle(messages), strict=False)]
    floor_user, _ = dovecot.add_user()  # type: ignore[attr-defined]
    pipe_user, _ = dovecot.add_user()  # type: ignore[attr-defined]
    port: int = dovecot.port  # type: ignore[attr-defined]
    t = time.perf_counter()
    append(port, floor_user, batch)
    append(port, pipe_user, batch)
    append_seconds = time.perf_counter() - t
    megabytes = sum(map(len, batch)) / 1e6
    del batch

    for round_ in range(1, rounds + 1):
        if round_ > 1:
            refill(port, pipe_user)
        env = dict(os.environ)
        if HELPERS is not None:
            env["KLACHTENBUS_HELPER_PROCESSES"] = str(HELPERS)
        floor_seconds, floor_rss, _, floor_cpu = timed_child(
            [sys.executable, __file__, "--floor-only", str(port), floor_user], env
        )
        database = workdir / f"bench-{n}-{round_}.db"
        env |= {
            "KLACHTENBUS_DATABASE_URL": f"sqlite:///{database}",
            "KLACHTENBUS_IMAP_HOST": "127.0.0.1",
            "KLACHTENBUS_IMAP_PORT": str(port),
            "KLACHTENBUS_IMAP_USER": pipe_user,
            "KLACHTENBUS_IMAP_PASSWORD": "geheim",
            "KLACHTENBUS_IMAP_SECURITY": "none",
            "KLACHTENBUS_ORGANISATION_ADDRESS": "klachten@example.nl",
            "KLACHTENBUS_OUTBOX_FOLDER": str(workdir / f"outbox-{n}-{round_}"),
            "KLACHTENBUS_MODEL_DIR": str(workdir / "model"),
            "KLACHTENBUS_CONFIG": os.devnull,
            "KLACHTENBUS_LOG_LEVEL": "WARNING",
        }
        subprocess.run(
            [sys.executable, "-m", "cli", "init"], env=env, check=True, capture_output=True
        )
        poll_seconds, poll_rss, output, poll_cpu = timed_child(
            [sys.executable, "-m", "cli", "poll", "--once"], env
        )
        floor_rate = n / floor_seconds
        poll_rate = n / poll_seconds
        yield {
            "n": n,
            "round": round_,
            "megabytes": round(megabytes, 1),
            "append_seconds": round(append_seconds, 1),
            "floor_seconds": round(floor_seconds, 2),
            "floor_rate": round(floor_rate),
            "floor_peak_mib": round(floor_rss / 1024),
            "floor_cpu_seconds": round(floor_cpu, 2),
            "poll_seconds": round(poll_seconds, 2),
            "poll_rate": round(poll_rate),
            "poll_peak_mib": round(poll_rss / 1024),
            "poll_cpu_seconds": round(poll_cpu, 2),
            "ratio": round(poll_rate / floor_rate, 2),
            "summary": output.strip().splitlines()[-1] if output.strip() else "",
        }


def best_of(results: list[dict[str, object]]) -> dict[str, object]:
    """The fastest floor and the fastest poll of a size's rounds, and the median ratio."""
    floor_rate = max(float(r["floor_rate"]) for r in results)  # type: ignore[arg-type]
    poll_rate = max(float(r["poll_rate"]) for r in results)  # type: ignore[arg-type]
    return {
        "n": results[0]["n"],
        "rounds": len(results),
        "best_floor_rate": round(floor_rate),
        "best_poll_rate": round(poll_rate),
        "best_ratio": round(poll_rate / floor_rate, 2),
        "median_ratio": statistics.median(float(r["ratio"]) for r in results),  # type: ignore[arg-type]
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000])
    parser.add_argument("--chunk", type=int, default=100)
    parser.add_argument(
        "--rounds", type=int, default=1, help="time each size this often (a noisy machine)"
    )
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
                results = []
                for result in run_size(n, messages, dovecot, Path(tmp), args.rounds):
                    print(json.dumps(result), flush=True)
                    results.append(result)
                if len(results) > 1:
                    print(json.dumps(best_of(results)), flush=True)
    finally:
        dovecot.stop()


if __name__ == "__main__":
    main()
