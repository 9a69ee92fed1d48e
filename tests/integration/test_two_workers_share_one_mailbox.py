"""Two workers on one PostgreSQL database and one mailbox, meeting on the same messages: each
message registered and answered once, and both workers did part of the work."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

from sqlalchemy import func, select

from storage import Case, StoredMessage
from tests.builders import complaint, remark
from tests.conftest import MailboxAccount, environment_for, prepare_database, settings_for
from tests.pipeline_helpers import count, wait_until
from tests.served import served_bytes
from tests.servers import Postgres, SmtpSink, StallingProxy

BATCH = 5


def test_two_workers_register_each_message_exactly_once(
    mailbox: MailboxAccount,
    postgres: Postgres,
    trained_model: tuple[Path, str],
    tmp_path: Path,
    smtp: SmtpSink,
) -> None:
    """The first worker is held in the middle of its second FETCH, after storing the first
    batch; the second starts on the same backlog and is held in the middle of its own second
    FETCH. The first then fetches what the second has stored already (the database refuses it
    a second row), and both go on together over the rest."""
    url = postgres.new_database()
    store = prepare_database(url, trained_model)
    mailbox.append(*[complaint(n) for n in range(1, 31)], *[remark(n) for n in range(1, 11)])
    sizes = list(served_bytes(mailbox).values())
    one_batch = sum(len(raw) for raw in sizes[:BATCH])
    # Past the login and the listing, into the second FETCH: 2000 bytes of commands' answers.
    proxy = StallingProxy(mailbox.port, [2000 + one_batch + one_batch // 2] * 2)
    env = environment_for(
        settings_for(
            replace(mailbox, port=proxy.port), smtp, url, tmp_path,
            fetch_chunk_size=BATCH, helper_processes=1,
        )
    )  # fmt: skip
    stored = select(func.count()).select_from(StoredMessage)

    def worker() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "cli", "poll", "--once"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )

    workers = [worker()]
    try:
        wait_until(proxy.stalled[0].is_set, 120, "the first worker to be held mid-FETCH")
        wait_until(lambda: count(store, stored) >= BATCH, 30, "its first batch to be stored")
        workers.append(worker())
        wait_until(proxy.stalled[1].is_set, 120, "the second worker to be held mid-FETCH")
        wait_until(lambda: count(store, stored) >= 2 * BATCH, 30, "its first batch stored")
        proxy.release(0)  # the first now fetches the second's batch, and the next
        wait_until(lambda: count(store, stored) >= 3 * BATCH, 30, "a third batch to be stored")
        proxy.release(1)
        outputs = [w.communicate(timeout=180)[0].decode() for w in workers]
    finally:
        proxy.close()
        for w in workers:
            if w.poll() is None:
                w.kill()
    assert [w.returncode for w in workers] == [0, 0], outputs
    took = [int(re.search(r"Gelezen: (\d+) nieuw", o).group(1)) for o in outputs]  # type: ignore[union-attr]
    sent = [int(re.search(r"Bevestigingen verstuurd: (\d+)", o).group(1)) for o in outputs]  # type: ignore[union-attr]
    print(f"stored per worker {took}, acknowledgements sent per worker {sent}")
    assert sum(took) == 40 and min(took) >= BATCH, outputs  # both did part of the work
    assert sum(sent) == 30, outputs

    with store.unit_of_work() as session:
        cases = session.scalars(select(Case).order_by(Case.sequence)).all()
        assert [c.sequence for c in cases] == list(range(1, 31))
        assert len({c.message_row_id for c in cases}) == 30
        assert session.scalar(stored) == 40
    per_recipient = Counter(r for m in smtp.received for r in m.recipients)
    assert per_recipient == Counter({f"klager{n}@example.nl": 1 for n in range(1, 31)})
    assert mailbox.count("INBOX") == 0 and mailbox.count("Verwerkt") == 40
