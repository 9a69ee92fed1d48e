"""Two workers on one PostgreSQL database run the alarm check at the same moment: the
database holds one open occurrence per problem, so the admins get one alarm, not two; and
one all-clear when it is solved."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from casework import accounts, alarms
from klachtenbus.errors import MailboxError
from klachtenbus.vocabulary import Role
from office import Organisation
from office.health import record_fetch
from storage import Letter, Store
from tests.accounts import FAST, PASSWORD, store_at
from tests.servers import Postgres

ORGANISATION = Organisation(address="klachten@zorg-voorbeeld.nl", name="Zorg")


def at_once(store: Store, at: datetime) -> list[alarms.AlarmSummary]:
    """Both workers' checks, started together."""
    start = threading.Barrier(2)
    found: list[alarms.AlarmSummary] = []

    def worker() -> None:
        start.wait()
        found.append(alarms.check(store, ORGANISATION, at=at))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(found) == 2
    return found


def letters(store: Store) -> dict[str, int]:
    with store.unit_of_work() as session:
        rows = session.execute(select(Letter.purpose, func.count()).group_by(Letter.purpose))
        return dict(rows.all())


def test_two_workers_alarm_once_and_all_clear_once(postgres: Postgres) -> None:
    store = store_at(postgres.new_database())
    accounts.add_user(store, "systeem", "beheer", Role.ADMIN, PASSWORD,
                      email="beheer@zorg-voorbeeld.nl", hasher=FAST)  # fmt: skip
    failed = datetime.now(UTC) - timedelta(minutes=20)
    record_fetch(store, error=MailboxError("De IMAP-server weigerde de login."), at=failed)
    for _ in range(3):
        opened = at_once(store, datetime.now(UTC))
        assert sum(len(s.opened) for s in opened) <= 1
    assert letters(store) == {"alarm": 1}
    record_fetch(store)
    for _ in range(3):
        solved = at_once(store, datetime.now(UTC))
        assert sum(len(s.solved) for s in solved) <= 1
    assert letters(store) == {"alarm": 1, "alarm-opgelost": 1}
