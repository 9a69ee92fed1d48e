"""Benchmark: what a Prometheus scrape of `/metrics` and a monitor's `/healthz` cost on a full
database. Both count from the database at every request (so they show the worker's work from
the web app's process); this measures that counting after years of mail.

Fills a database with 50,000 messages and 10,000 cases, each acknowledged with a sent letter,
then asks the app (in-process, Starlette's test client) for `/metrics` and `/healthz` many
times; prints median and p95 of each.

    .venv/bin/python bench/metrics_scrape.py [--database sqlite|postgresql] [--messages 50000]
        [--cases 10000] [--requests 50]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPOSITORY))

from sqlalchemy import insert, select  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from office.health import record_fetch  # noqa: E402
from storage import Store, connect, migrate  # noqa: E402
from storage.models import Case, Letter, StoredMessage  # noqa: E402
from tests.casework import office  # noqa: E402
from web.app import create_app  # noqa: E402
from web.context import WebContext  # noqa: E402

KINDS = ["complaint", "complaint", "remark", "remark", "remark", "other", "other", "uncertain"]


def fill(store: Store, messages: int, cases: int) -> None:
    start = datetime(2023, 1, 2, 9, tzinfo=UTC)
    with store.engine.begin() as connection:
        connection.execute(
            insert(StoredMessage.__table__),
            [
                {"mailbox": "INBOX", "source_key": f"k{i}", "raw": b"", "raw_size": 0,
                 "raw_sha256": "", "received_at": start + timedelta(minutes=30 * i),
                 "stored_at": start, "status": "failed" if i % 5000 == 0 else "processed",
                 "filed_away": True, "attempts": 0, "kind": KINDS[i % len(KINDS)]}
                for i in range(messages)
            ],
        )  # fmt: skip
        ids = connection.execute(select(StoredMessage.id).order_by(StoredMessage.id)).scalars()
        rows = list(ids)[:cases]
        connection.execute(
            insert(Case.__table__),
            [
                {"number": f"K-{2023 + n // 5000}-{n:05d}", "year": 2023 + n // 5000,
                 "sequence": n, "message_row_id": row, "received_at": start,
                 "complainant_name": "x", "subject": "x", "description": "x",
                 "channel": "e-mail", "status": "acknowledged", "procedure": "hss",
                 "acknowledge_due": date(2023, 1, 9), "answer_due": date(2023, 2, 13),
                 "created_at": start, "paused_days": 0, "extension_weeks": 0}
                for n, row in enumerate(rows)
            ],
        )  # fmt: skip
        case_ids = list(connection.execute(select(Case.id)).scalars())
        connection.execute(
            insert(Letter.__table__),
            [
                {"case_id": case_id, "purpose": "ontvangstbevestiging", "recipient": "x@y.nl",
                 "message_id": f"<{case_id}@bench>", "raw": b"", "status": "sent",
                 "attempts": 1, "next_attempt_at": start, "created_at": start,
                 "sent_at": start + timedelta(seconds=5 + case_id % 600)}
                for case_id in case_ids
            ],
        )  # fmt: skip
    record_fetch(store, source="INBOX")


def timed(client: TestClient, path: str, requests: int) -> tuple[float, float]:
    times = []
    for _ in range(requests):
        began = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    postgres = None
    if args.database == "postgresql":
        from tests.servers import start_postgres

        postgres = start_postgres()
        url = postgres.new_database()
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='klachtenbus-metrics-')}/k.db"
    try:
        engine = connect(url)
        migrate(engine)
        store = Store(engine)
        fill(store, args.messages, args.cases)
        client = TestClient(create_app(WebContext(store=store, office=office())))
        print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
              f"{args.database}, {args.messages} messages, {args.cases} cases")  # fmt: skip
        for path in ("/metrics", "/healthz"):
            client.get(path)  # the first request builds the registry
            median, p95 = timed(client, path, args.requests)
            print(f"{path:10} median {median:7.1f} ms   p95 {p95:7.1f} ms")
    finally:
        if postgres is not None:
            postgres.stop()


if __name__ == "__main__":
    main()
