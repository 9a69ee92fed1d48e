"""Benchmark: what an officer waits for in the browser, on a full database.

Fills a database with 10,000 cases and 50,000 messages (a few years of a large organisation),
starts `klachtenbus serve` as its own process on 127.0.0.1, logs in as an officer and times
the inbox, the triage queue, a case page, a message page and a search over HTTP, and as an
admin the dashboard and the audit page, each page many times; prints median and p95 per page
and the server's peak memory.

    .venv/bin/python bench/web_pages.py [--database sqlite|postgresql] [--cases 10000]
        [--messages 50000] [--requests 100] [--only dashboard ...]

PostgreSQL is started privately on loopback (as the tests do); SQLite lives in /tmp.
"""

from __future__ import annotations

import argparse
import hashlib
import http.cookiejar
import json
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
import zlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from sqlalchemy import insert, select  # noqa: E402

from casework import accounts  # noqa: E402
from classify import load_corpus  # noqa: E402
from klachtenbus.vocabulary import CaseStatus  # noqa: E402
from storage import Store, connect, migrate  # noqa: E402
from storage.models import Case, CaseEvent, Label, StoredMessage  # noqa: E402

PASSWORD = "benchmark-wachtwoord-lang"
# Real Dutch text: the shipped seed corpus (some 1,700 messages), so searches meet a real
# vocabulary with common and rare words, not a handful of words in every message.
CORPUS = load_corpus()
WORD = re.compile(r"[a-zà-ÿ]{6,}")
KINDS = ["complaint"] * 2 + ["remark"] * 4 + ["other"] * 3 + ["uncertain"]
STATUSES = [CaseStatus.RECEIVED, CaseStatus.ACKNOWLEDGED, CaseStatus.CLOSED, CaseStatus.CLOSED]


def text(rng: random.Random) -> str:
    return rng.choice(CORPUS).body


def subject(rng: random.Random) -> str:
    return rng.choice(CORPUS).subject or "(geen onderwerp)"


def remembered_word(rng: random.Random) -> str:
    """A word an officer remembers from a complaint: one of six letters or more in a text."""
    return rng.choice(WORD.findall(text(rng).lower()) or ["klacht"])


def fill(url: str, cases: int, messages: int) -> None:
    """Rows as the pipeline leaves them, inserted in bulk (the pipeline's speed is another bench)."""
    engine = connect(url)
    migrate(engine)
    rng = random.Random(7)
    start = datetime(2023, 1, 2, 9, tzinfo=UTC)
    span = (datetime(2026, 11, 30, tzinfo=UTC) - start).total_seconds()
    raw = b"Subject: bench\r\nFrom: a@example.nl\r\n\r\nTekst.\r\n"
    stored_raw = zlib.compress(raw)
    with engine.begin() as connection:
        batch = []
        for n in range(messages):
            received = start + timedelta(seconds=span * n / messages)
            kind = "complaint" if n % (messages // cases) == 0 else rng.choice(KINDS)
            batch.append(
                {
                    "mailbox": "INBOX",
                    "source_key": f"1:{n + 1}",
                    "uid": n + 1,
                    "uidvalidity": 1,
                    "raw": stored_raw,
                    "raw_size": len(raw),
                    "raw_sha256": hashlib.sha256(f"{n}".encode()).hexdigest(),
                    "received_at": received,
                    "stored_at": received,
                    "status": "processed",
                    "filed_away": True,
                    "attempts": 0,
                    "message_id": f"<{n}@bench.example.nl>",
                    "sender_name": f"Afzender {n % 7000}",
                    "sender_email": f"afzender{n % 7000}@example.nl",
                    "answer_email": f"afzender{n % 7000}@example.nl",
                    "subject": subject(rng),
                    "text": text(rng),
                    "kind": kind,
                    "complaint_probability": rng.random(),
                    "reasons": [],
                    "flags": ["meldcode"] if n % 5000 == 0 else [],
                    "parser": "mail-parser",
                }
            )
            if len(batch) == 5000:
                connection.execute(insert(StoredMessage.__table__), batch)
                batch = []
        if batch:
            connection.execute(insert(StoredMessage.__table__), batch)
        complaint_ids = [
            row[0]
            for row in connection.execute(
                StoredMessage.__table__.select()
                .with_only_columns(StoredMessage.__table__.c.id)
                .where(StoredMessage.__table__.c.kind == "complaint")
                .order_by(StoredMessage.__table__.c.id)
                .limit(cases)
            )
        ]
        case_rows = []
        for sequence, message_id in enumerate(complaint_ids, start=1):
            received = start + timedelta(seconds=span * sequence / len(complaint_ids))
            status = rng.choice(STATUSES)
            year = received.year
            case_rows.append(
                {
                    "number": f"K-{year}-{sequence:05d}",
                    "year": year,
                    "sequence": sequence,
                    "message_row_id": message_id,
                    "received_at": received,
                    "complainant_name": f"Klager {sequence}",
                    "complainant_email": f"afzender{sequence % 7000}@example.nl",
                    "subject": subject(rng),
                    "description": text(rng),
                    "channel": "e-mail",
                    "status": status,
                    "procedure": "hss",
                    "acknowledge_due": (received + timedelta(days=7)).date(),
                    "answer_due": (received + timedelta(days=42)).date(),
                    "flags": [],
                    "created_at": received,
                    "officer": f"behandelaar{sequence % 12}@example.nl",
                    "team": f"Team {sequence % 9}",
                    "paused_days": 0,
                    "extension_weeks": 0,
                }
            )
        for i in range(0, len(case_rows), 2000):
            connection.execute(insert(Case.__table__), case_rows[i : i + 2000])
        case_ids = [
            row[0] for row in connection.execute(Case.__table__.select().with_only_columns(Case.id))
        ]
        events = [
            {
                "case_id": case_id,
                "at": start,
                "actor": "klachtenbus",
                "kind": "move",
                "from_status": "received",
                "to_status": "acknowledged",
            }
            for case_id in case_ids
        ]
        for i in range(0, len(events), 5000):
            connection.execute(insert(CaseEvent.__table__), events[i : i + 5000])
        labels = [
            {
                "message_row_id": m,
                "kind": "remark",
                "flags": [],
                "officer": "anna",
                "labelled_at": start,
            }
            for m in range(1, messages, 97)
        ]
        connection.execute(insert(Label.__table__), labels)
    engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(port: int, deadline: float = 60) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("klachtenbus serve did not start")


class Officer:
    """A browser: a cookie jar, the CSRF token of the last page."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str, float]:
        began = time.perf_counter()
        with self.opener.open(self.base + path) as response:
            body = response.read().decode()
            return response.status, body, time.perf_counter() - began

    def log_in(self, name: str) -> None:
        _, body, _ = self.get("/inloggen")
        token = re.search(r'name="csrf" value="([^"]+)"', body)
        assert token
        data = urllib.parse.urlencode(
            {"naam": name, "wachtwoord": PASSWORD, "csrf": token.group(1), "volgende": "/"}
        ).encode()
        self.opener.open(self.base + "/inloggen", data=data).read()


def peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--only", nargs="*", help="time only pages whose name has these words")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        postgres = None
        if args.database == "sqlite":
            url = f"sqlite:///{work / 'klachtenbus.db'}"
        else:
            from tests.servers import start_postgres

            postgres = start_postgres()
            url = postgres.new_database()
        began = time.perf_counter()
        fill(url, args.cases, args.messages)
        store = Store(connect(url))
        accounts.add_user(store, "bench", "anna", "officer", PASSWORD)
        accounts.add_user(store, "bench", "beheer", "admin", PASSWORD)
        print(f"filled in {time.perf_counter() - began:.0f} s", file=sys.stderr)
        port = free_port()
        env = {
            **os.environ,
            "KLACHTENBUS_DATABASE_URL": url,
            "KLACHTENBUS_CONFIG": os.devnull,
            "KLACHTENBUS_WEB_PORT": str(port),
            "KLACHTENBUS_LOG_LEVEL": "WARNING",
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "cli", "serve"], env=env, cwd=REPOSITORY,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            wait_for(port)
            officer = Officer(f"http://127.0.0.1:{port}")
            officer.log_in("anna")
            admin = Officer(f"http://127.0.0.1:{port}")
            admin.log_in("beheer")
            rng = random.Random(3)
            with store.unit_of_work() as session:
                numbers = list(session.scalars(select(Case.number)))
            pages = {
                "inbox": lambda: "/berichten",
                "inbox, page 40": lambda: "/berichten?pagina=40",
                "triage": lambda: "/triage",
                "case list": lambda: "/zaken",
                "case list, overdue only": lambda: "/zaken?te_laat=1",
                "case list, all, page 150": lambda: "/zaken?status=alle&pagina=150",
                "case page": lambda: f"/zaken/{rng.choice(numbers)}",
                "message page": lambda: f"/berichten/{rng.randint(1, args.messages)}",
                "search, a word": lambda: f"/zoeken?q={remembered_word(rng)}",
                "search, two words": lambda: (
                    f"/zoeken?q={remembered_word(rng)}+{remembered_word(rng)}"
                ),
                "search, a name": lambda: f"/zoeken?q=Klager+{rng.randint(1, args.cases)}",
                "admin: dashboard": lambda: "/beheer/dashboard",
                "admin: a dashboard CSV": lambda: "/beheer/dashboard/per-maand.csv",
                "admin: audit": lambda: "/beheer/audit",
                "admin: audit of one person": lambda: "/beheer/audit?persoon=anna",
            }
            if args.only:
                pages = {k: v for k, v in pages.items() if any(w in k for w in args.only)}
            results = {}
            for name, path_of in pages.items():
                browser = admin if name.startswith("admin:") else officer
                browser.get(path_of())  # warm
                times = []
                for _ in range(args.requests):
                    status, _, seconds = browser.get(path_of())
                    assert status == 200, (name, status)
                    times.append(seconds * 1000)
                times.sort()
                results[name] = {
                    "median_ms": round(statistics.median(times), 1),
                    "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
                }
            results["server peak memory MiB"] = round(peak_rss_kib(server.pid) / 1024)
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=30)
            if postgres is not None:
                postgres.stop()
    print(
        json.dumps(
            {
                "database": args.database,
                "cases": args.cases,
                "messages": args.messages,
                "requests per page": args.requests,
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "day": date.today().isoformat(),
                **results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
