"""Two workers on one PostgreSQL database and one mailbox: each message registered and answered once."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import select

from storage import Case
from tests.builders import complaint, remark
from tests.conftest import MailboxAccount, environment_for, prepare_database, settings_for
from tests.servers import Postgres, SmtpSink


def test_two_workers_register_each_message_exactly_once(
    mailbox: MailboxAccount,
    postgres: Postgres,
    trained_model: tuple[Path, str],
    tmp_path: Path,
    smtp: SmtpSink,
) -> None:
    """Both workers poll at the same moment; unique keys in the database decide who takes what."""
    url = postgres.new_database()
    store = prepare_database(url, trained_model)
    mailbox.append(*[complaint(n) for n in range(1, 31)], *[remark(n) for n in range(1, 11)])
    env = environment_for(
        settings_for(mailbox, smtp, url, tmp_path, fetch_chunk_size=5, helper_processes=1)
    )
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "cli", "poll", "--once"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(2)
    ]
    outputs = [w.communicate(timeout=180)[0].decode() for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    assert all("Gelezen:" in o for o in outputs), "the summary is printed before the quick exit"

    with store.unit_of_work() as session:
        cases = session.scalars(select(Case).order_by(Case.sequence)).all()
        assert [c.sequence for c in cases] == list(range(1, 31))
        assert len({c.message_row_id for c in cases}) == 30
    per_recipient = Counter(r for m in smtp.received for r in m.recipients)
    assert per_recipient == Counter({f"klager{n}@example.nl": 1 for n in range(1, 31)})
    assert mailbox.count("INBOX") == 0 and mailbox.count("Verwerkt") == 40
