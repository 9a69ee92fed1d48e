"""A letter claimed longer ago than a worker can take is marked uncertain for an officer, never
sent again by itself; letters claimed just now, and letters waiting, are left alone. Only
pending letters whose time has come are due, oldest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from klachtenbus.vocabulary import LetterStatus
from storage import records
from storage.models import now
from tests.memory import a_case, a_letter, letter, memory_store

AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_a_stale_claim_becomes_uncertain_and_a_fresh_one_stays() -> None:
    store = memory_store()
    stale, fresh, waiting = (a_letter(store, a_case(store, n)) for n in (1, 2, 3))
    with store.unit_of_work() as session:
        records.claim_letters(session, [stale], now() - timedelta(minutes=10))
        records.claim_letters(session, [fresh], now() - timedelta(minutes=1))
    with store.unit_of_work() as session:
        assert records.abandon_stale_claims(session, timedelta(minutes=5)) == 1
    assert letter(store, stale).status == LetterStatus.UNCERTAIN
    assert letter(store, stale).last_error == (
        "Verzending onderbroken; controleer of de brief is aangekomen."
    )
    assert letter(store, fresh).status == LetterStatus.SENDING
    assert letter(store, waiting).status == LetterStatus.PENDING
    with store.unit_of_work() as session:
        assert records.abandon_stale_claims(session, timedelta(minutes=5)) == 0


def test_only_pending_letters_whose_time_has_come_are_due_in_order() -> None:
    store = memory_store()
    later = a_letter(store, a_case(store, 1), due=AT + timedelta(seconds=1))
    third = a_letter(store, a_case(store, 2))
    first = a_letter(store, a_case(store, 3), due=AT - timedelta(hours=1))
    withheld = a_letter(store, a_case(store, 4), status=LetterStatus.WITHHELD)
    exactly = a_letter(store, a_case(store, 5), due=AT)
    with store.unit_of_work() as session:
        assert records.due_letter_ids(session, AT) == [third, first, exactly]
        assert records.due_letter_ids(session, AT, limit=2) == [third, first]
        assert records.due_letter_count(session, AT) == 3
        assert records.due_letter_count(session, AT - timedelta(days=1)) == 0
    with store.unit_of_work() as session:
        a_second_later = records.due_letter_ids(session, AT + timedelta(seconds=1))
    assert a_second_later == [later, third, first, exactly]
    assert withheld not in a_second_later


def test_a_queued_letter_is_due_at_once_unless_told_otherwise() -> None:
    store = memory_store()
    case_id = a_case(store)
    before = now()
    with store.unit_of_work() as session:
        records.add_letters(
            session,
            [
                {
                    "case_id": case_id,
                    "purpose": "ontvangstbevestiging",
                    "recipient": None,
                    "message_id": "<a@zorg-voorbeeld.nl>",
                    "raw": b"brief",
                    "status": LetterStatus.PENDING,
                }
            ],
        )
        records.add_letters(session, [])
    with store.unit_of_work() as session:
        (letter_id,) = records.due_letter_ids(session, now())
    row = letter(store, letter_id)
    assert row.attempts == 0 and row.last_error is None
    assert before <= row.next_attempt_at == row.created_at <= now()
