"""A mailbox token that lapses within 7 days is an alarm, once; messages in quarantine are
an alarm, again only when there are more of them than at the last alarm, and an all-clear
when officers have judged them all."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from casework import accounts, alarms
from klachtenbus.vocabulary import Role
from office import Organisation
from office.health import record_fetch
from storage import Letter, Store, records
from storage.models import Label
from tests.accounts import FAST, PASSWORD, store_at

ORGANISATION = Organisation(address="klachten@zorg-voorbeeld.nl", name="Zorg")


def with_admin(tmp_path: Path) -> Store:
    store = store_at(f"sqlite:///{tmp_path}/k.db")
    accounts.add_user(store, "systeem", "beheer", Role.ADMIN, PASSWORD,
                      email="beheer@zorg-voorbeeld.nl", hasher=FAST)  # fmt: skip
    return store


def alarm_letters(store: Store) -> dict[str, int]:
    with store.unit_of_work() as session:
        rows = session.execute(select(Letter.purpose, func.count()).group_by(Letter.purpose))
        return dict(rows.all())


def quarantine(store: Store, n: int) -> list[int]:
    ids = []
    with store.unit_of_work() as session:
        for _ in range(n):
            row = records.store_raw(session, mailbox="INBOX", key=f"k{len(ids)}-{datetime.now()}",
                                    raw=b"kapot", received_at=datetime.now(UTC))  # fmt: skip
            row.status = "failed"
            session.flush()
            ids.append(row.id)
    return ids


def test_a_token_lapsing_within_a_week_is_alarmed_once(tmp_path: Path) -> None:
    """Eight days left: quiet. Six: one alarm. Renewed: one all-clear."""
    store = with_admin(tmp_path)
    now = datetime.now(UTC)
    record_fetch(store, token_expires_at=now + timedelta(days=8))
    assert alarms.check(store, ORGANISATION, at=now).opened == []
    assert alarms.check(store, ORGANISATION, at=now + timedelta(days=2)).opened == [
        "mailbox:standaard:token"
    ]
    assert alarms.check(store, ORGANISATION, at=now + timedelta(days=3)).opened == []
    record_fetch(store, token_expires_at=now + timedelta(days=90))
    assert alarms.check(store, ORGANISATION, at=now + timedelta(days=3)).solved == [
        "mailbox:standaard:token"
    ]
    assert alarm_letters(store) == {"alarm": 1, "alarm-opgelost": 1}


def test_the_quarantine_is_news_when_it_grows(tmp_path: Path) -> None:
    """One message: alarm. Still one: quiet. Three: alarm. Two after a decision: quiet.
    Three again: alarm. All decided: all-clear."""
    store = with_admin(tmp_path)
    first = quarantine(store, 1)
    assert alarms.check(store, ORGANISATION).opened == ["quarantaine"]
    assert alarms.check(store, ORGANISATION).opened == []
    more = quarantine(store, 2)
    assert alarms.check(store, ORGANISATION).opened == ["quarantaine"]
    with store.unit_of_work() as session:
        session.add(Label(message_row_id=first[0], kind="other", officer="bert"))
    assert alarms.check(store, ORGANISATION).opened == []
    later = quarantine(store, 1)
    assert alarms.check(store, ORGANISATION).opened == ["quarantaine"]
    with store.unit_of_work() as session:
        for row_id in [*more, *later]:
            session.add(Label(message_row_id=row_id, kind="other", officer="bert"))
    assert alarms.check(store, ORGANISATION).solved == ["quarantaine"]
    assert alarm_letters(store) == {"alarm": 3, "alarm-opgelost": 1}
