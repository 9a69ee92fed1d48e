"""The first thing that happens to a message is that its bytes are kept, exactly, with their
size and hash; a message stored but never judged is found again; a mailbox key already stored
is known, so the message is not fetched and stored twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from hashlib import sha256

import pytest
from sqlalchemy.exc import IntegrityError

from klachtenbus.vocabulary import MessageStatus
from storage import StoredMessage, records
from storage.models import now
from tests.memory import memory_store

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
RAW = b"From: anna@example.nl\r\nSubject: Klacht\r\n\r\n" + bytes(range(256)) * 40


def test_one_message_is_kept_exactly_with_its_size_and_hash() -> None:
    store = memory_store()
    with store.unit_of_work() as session:
        row = records.store_raw(
            session, mailbox="INBOX", key="k1", raw=RAW, received_at=AT, uid=7, uidvalidity=3
        )
        row_id = row.id
        assert row_id is not None  # flushed: a second worker's copy fails here
    with store.unit_of_work() as session:
        kept = session.get(StoredMessage, row_id)
        assert records.raw_bytes(kept) == RAW
        assert len(kept.raw) < len(RAW)  # compressed
        assert (kept.mailbox, kept.source_key, kept.uid, kept.uidvalidity) == ("INBOX", "k1", 7, 3)
        assert (kept.raw_size, kept.raw_sha256) == (len(RAW), sha256(RAW).hexdigest())
        assert (kept.received_at, kept.status) == (AT, MessageStatus.STORED)


def test_a_batch_is_kept_in_its_order() -> None:
    store = memory_store()
    before = now()
    batch = [(f"k{n}", RAW + bytes([n]), AT + timedelta(minutes=n), n, 9) for n in range(3)]
    with store.unit_of_work() as session:
        ids = records.store_raw_many(session, "INBOX", batch)
        assert records.store_raw_many(session, "INBOX", []) == []
    with store.unit_of_work() as session:
        for row_id, (key, raw, received_at, uid, uidvalidity) in zip(ids, batch, strict=True):
            kept = session.get(StoredMessage, row_id)
            assert records.raw_bytes(kept) == raw
            assert (kept.source_key, kept.uid, kept.uidvalidity) == (key, uid, uidvalidity)
            assert (kept.raw_size, kept.raw_sha256) == (len(raw), sha256(raw).hexdigest())
            assert (kept.mailbox, kept.received_at) == ("INBOX", received_at)
            assert (kept.status, kept.filed_away) == (MessageStatus.STORED, False)
            assert before <= kept.stored_at <= now()


def test_the_same_key_twice_is_refused_by_the_database() -> None:
    store = memory_store()
    with pytest.raises(IntegrityError), store.unit_of_work() as session:
        records.store_raw(session, mailbox="INBOX", key="k1", raw=RAW, received_at=AT)
        records.store_raw(session, mailbox="INBOX", key="k1", raw=RAW, received_at=AT)
    with pytest.raises(IntegrityError), store.unit_of_work() as session:
        records.store_raw_many(session, "INBOX", [("k", RAW, AT, 1, 1), ("k", RAW, AT, 2, 1)])


def test_known_keys_are_found_per_mailbox_in_any_number() -> None:
    store = memory_store()
    keys = [f"k{n}" for n in range(1201)]
    with store.unit_of_work() as session:
        ids = records.store_raw_many(session, "INBOX", [(k, RAW, AT, None, None) for k in keys])
        records.store_raw(session, mailbox="Archief", key="elders", raw=RAW, received_at=AT)
    with store.unit_of_work() as session:
        found = records.known_keys(session, "INBOX", [*keys, "nieuw", "elders"])
        assert {key: row.id for key, row in found.items()} == dict(zip(keys, ids, strict=True))
        assert set(records.known_keys(session, "INBOX", ["k7", "nieuw"])) == {"k7"}
        assert set(records.known_keys(session, "Archief", ["elders", "k1"])) == {"elders"}


def test_a_message_stored_but_never_judged_is_found_again() -> None:
    store = memory_store()
    with store.unit_of_work() as session:
        ids = records.store_raw_many(session, "INBOX", [(f"k{n}", RAW, AT, n, 1) for n in range(4)])
        session.get(StoredMessage, ids[1]).status = MessageStatus.PROCESSED
    with store.unit_of_work() as session:
        assert [m.id for m in records.waiting_messages(session)] == [ids[0], ids[2], ids[3]]
        assert [m.id for m in records.waiting_messages(session, limit=2)] == [ids[0], ids[2]]


def test_a_mailbox_starts_at_nothing_fetched_and_is_found_again() -> None:
    store = memory_store()
    with store.unit_of_work() as session:
        state = records.mailbox_state(session, "INBOX")
        assert (state.mailbox, state.uidvalidity, state.last_uid) == ("INBOX", 0, 0)
        state.uidvalidity, state.last_uid = 12, 40
    with store.unit_of_work() as session:
        state = records.mailbox_state(session, "INBOX")
        assert (state.uidvalidity, state.last_uid) == (12, 40)
        assert records.mailbox_state(session, "Archief").last_uid == 0
