"""Benchmark: peak memory of `klachtenbus poll --once` and `klachtenbus run` on a few large messages.

Five Dutch complaints, each with a 30 MB attachment (about 40 MB of mail each, base64), wait
in the INBOX of a private Dovecot. Each command runs as its own child process; a sampler reads
the high-water mark of resident memory (`VmHWM` in /proc) of the main process and of each
process it forks (the helper) every 20 ms, so the two are reported apart. `run` is stopped with
SIGTERM once every message is in `Verwerkt` and acknowledged.

    .venv/bin/python bench/large_messages.py [--count 5] [--megabytes 30] [--code DIR]

`--code DIR` runs Klachtenbus from another checkout (a copy of main, to measure before a
change) with this repository's virtualenv. Needs Dovecot (`apt-get install dovecot-imapd`);
writes nothing outside /tmp.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

import imapclient  # noqa: E402

from tests.servers import start_dovecot  # noqa: E402

COMPLAINT = (
    "Geachte heer, mevrouw,\n\nIk wil een klacht indienen over de begeleiding van mijn zoon. "
    "Zijn begeleider is al drie keer niet gekomen en ik ben nooit teruggebeld. Toen ik belde "
    "werd ik afgesnauwd. Dit is onacceptabel. In de bijlage het hele dossier.\n\n"
    "Met vriendelijke groet,\nKlager {n}"
)


def large_complaint(n: int, megabytes: int) -> bytes:
    """A Dutch complaint with an attachment of `megabytes` MB of random bytes."""
    message = EmailMessage()
    message["From"] = f"Klager {n} <klager{n}@example.nl>"
    message["To"] = "klachten@example.nl"
    message["Subject"] = f"Klacht over de begeleiding ({n})"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(idstring=f"groot{n}", domain="bench.invalid")
    message.set_content(COMPLAINT.format(n=n))
    message.add_attachment(
        os.urandom(megabytes * 1_000_000),
        maintype="application",
        subtype="pdf",
        filename=f"dossier-{n}.pdf",
    )
    return bytes(message)


def login(port: int, user: str) -> imapclient.IMAPClient:
    client = imapclient.IMAPClient("127.0.0.1", port=port, ssl=False, timeout=120)
    client.login(user, "geheim")
    return client


def count(port: int, user: str, folder: str) -> int:
    with login(port, user) as client:
        if not client.folder_exists(folder):
            return 0
        client.select_folder(folder, readonly=True)
        return len(client.search("ALL"))


class PeakSampler(threading.Thread):
    """The high-water mark of resident memory of a process and of each process it forks."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peaks: dict[int, int] = {}  # pid -> VmHWM in KiB
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            for pid in self._family(self.pid):
                peak = _hwm(pid)
                if peak:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), peak)
            time.sleep(0.02)

    def _family(self, pid: int) -> list[int]:
        found = [pid]
        for task in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                children = [int(c) for c in task.read_text().split()]
            except OSError:
                continue
            for child in children:
                found += self._family(child)
        return found

    def main_mib(self) -> int:
        return round(self.peaks.get(self.pid, 0) / 1024)

    def helpers_mib(self) -> int:
        return round(max((v for k, v in self.peaks.items() if k != self.pid), default=0) / 1024)


def _hwm(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(
    argv: list[str], env: dict[str, str], code: Path, until: object = None
) -> dict[str, object]:
    """Run one command, sampling its memory; `until()` true stops it with SIGTERM."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(argv, env=env, cwd=code, stdout=out, stderr=subprocess.STDOUT)
        sampler = PeakSampler(process.pid)
        sampler.start()
        if until is not None:
            deadline = time.monotonic() + 600
            while process.poll() is None and not until():  # type: ignore[operator]
                if time.monotonic() > deadline:
                    break  # reported: filed_away and acknowledgements fall short
                time.sleep(0.5)
            process.send_signal(signal.SIGTERM)
        status = process.wait(timeout=900)
        elapsed = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        out.seek(0)
        output = out.read().decode(errors="replace")
    return {
        "exit": status,
        "seconds": round(elapsed, 1),
        "main_peak_mib": sampler.main_mib(),
        "helper_peak_mib": sampler.helpers_mib(),
        "last_line": output.strip().splitlines()[-1] if output.strip() else "",
        "tracebacks": output.count("Traceback"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, default=5)
    parser.add_argument("--megabytes", type=int, default=30, help="size of each attachment")
    parser.add_argument("--code", type=Path, default=REPOSITORY, help="checkout to run")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE",
        help="an extra setting, e.g. --set max_message_bytes=50000000",
    )  # fmt: skip
    args = parser.parse_args()
    code = args.code.resolve()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; code: {code}",
        flush=True,
    )
    dovecot = start_dovecot()
    try:
        with tempfile.TemporaryDirectory(prefix="kb-bench-large-") as tmp:
            work = Path(tmp)
            users = {command: dovecot.add_user()[0] for command in ("poll", "run")}
            megabytes = 0.0
            for user in users.values():
                with login(dovecot.port, user) as client:
                    for n in range(1, args.count + 1):
                        raw = large_complaint(n, args.megabytes)
                        megabytes += len(raw) / 1e6 / len(users)
                        client.append("INBOX", raw)
                        del raw
            for command, user in users.items():
                env = {k: v for k, v in os.environ.items() if not k.startswith("KLACHTENBUS_")}
                env |= {
                    "PYTHONPATH": str(code),
                    "KLACHTENBUS_DATABASE_URL": f"sqlite:///{work / command}.db",
                    "KLACHTENBUS_IMAP_HOST": "127.0.0.1",
                    "KLACHTENBUS_IMAP_PORT": str(dovecot.port),
                    "KLACHTENBUS_IMAP_USER": user,
                    "KLACHTENBUS_IMAP_PASSWORD": "geheim",
                    "KLACHTENBUS_IMAP_SECURITY": "none",
                    "KLACHTENBUS_ORGANISATION_ADDRESS": "klachten@example.nl",
                    "KLACHTENBUS_OUTBOX_FOLDER": str(work / f"outbox-{command}"),
                    "KLACHTENBUS_MODEL_DIR": str(work / "model"),
                    "KLACHTENBUS_CONFIG": os.devnull,
                    "KLACHTENBUS_POLL_INTERVAL_SECONDS": "5",
                    "KLACHTENBUS_LOG_LEVEL": "WARNING",
                }
                for setting in args.set:
                    name, _, value = setting.partition("=")
                    env[f"KLACHTENBUS_{name.upper()}"] = value
                # older checkouts (given with --code) start from bot/, newer ones from cli/
                entry = "cli" if (Path(code) / "cli" / "__main__.py").exists() else "bot"
                python = [sys.executable, "-m", entry]
                subprocess.run(
                    [*python, "init"], env=env, cwd=code, check=True, capture_output=True
                )
                if command == "poll":
                    result = measure([*python, "poll", "--once"], env, code)
                else:
                    outbox = work / f"outbox-{command}"

                    def drained(user: str = user, outbox: Path = outbox) -> bool:
                        """Every message filed away and every acknowledgement written."""
                        filed = count(dovecot.port, user, "Verwerkt") == args.count
                        return filed and len(list(outbox.glob("*.eml"))) >= args.count

                    result = measure([*python, "run"], env, code, until=drained)
                result |= {
                    "command": f"klachtenbus {command}" + (" --once" if command == "poll" else ""),
                    "messages": args.count,
                    "megabytes": round(megabytes, 1),
                    "filed_away": count(dovecot.port, user, "Verwerkt"),
                    "acknowledgements": len(list((work / f"outbox-{command}").glob("*.eml"))),
                }
                print(json.dumps(result), flush=True)
    finally:
        dovecot.stop()


if __name__ == "__main__":
    main()
