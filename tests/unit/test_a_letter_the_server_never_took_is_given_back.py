"""A claimed letter the server never took (a stop, the server went away) is pending again and
due at once, as if never claimed; one the server refused waits until its retry time. Either
way the reason is kept, cut to what an officer can read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from klachtenbus.vocabulary import LetterStatus
from storage import records
from tests.memory import a_case, a_letter, letter, memory_store

AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def claimed_letter() -> tuple[object, int]:
    store = memory_store()
    letter_id = a_letter(store, a_case(store))
    with store.unit_of_work() as session:
        records.claim_letters(session, [letter_id], AT)
    return store, letter_id


def test_a_released_letter_is_pending_again_without_an_attempt_counted() -> None:
    store, letter_id = claimed_letter()
    with store.unit_of_work() as session:
        records.release_letters(session, [letter_id], "x" * 3000)
    row = letter(store, letter_id)
    assert (row.status, row.claimed_at, row.attempts) == (LetterStatus.PENDING, None, 0)
    assert row.last_error == "x" * 2000
    with store.unit_of_work() as session:
        assert records.due_letter_ids(session, AT) == [letter_id]


def test_a_release_without_a_reason_keeps_the_last_one() -> None:
    store, letter_id = claimed_letter()
    with store.unit_of_work() as session:
        records.release_letters(session, [letter_id], "eerste reden")
    with store.unit_of_work() as session:
        records.claim_letters(session, [letter_id], AT)
        records.release_letters(session, [letter_id])
    row = letter(store, letter_id)
    assert (row.status, row.last_error, row.attempts) == (LetterStatus.PENDING, "eerste reden", 0)


def test_only_a_letter_being_sent_is_released() -> None:
    store = memory_store()
    sent = a_letter(store, a_case(store))
    with store.unit_of_work() as session:
        records.claim_letters(session, [sent], AT)
        records.letters_sent(session, [sent], AT)
        records.release_letters(session, [sent], "te laat")
        records.release_letters(session, [])
    row = letter(store, sent)
    assert (row.status, row.attempts, row.last_error) == (LetterStatus.SENT, 1, None)


def test_a_refused_letter_waits_for_its_retry_time() -> None:
    store, letter_id = claimed_letter()
    retry_at = AT + timedelta(minutes=5)
    with store.unit_of_work() as session:
        records.letter_failed(session, letter_id, "y" * 3000, retry_at)
    row = letter(store, letter_id)
    assert (row.status, row.claimed_at, row.next_attempt_at) == (
        LetterStatus.PENDING,
        None,
        retry_at,
    )
    assert row.last_error == "y" * 2000 and row.attempts == 1
    with store.unit_of_work() as session:
        assert records.due_letter_ids(session, AT) == []
        assert records.due_letter_ids(session, retry_at) == [letter_id]


def test_a_release_leaves_the_letters_other_workers_are_sending() -> None:
    store = memory_store()
    mine, theirs = a_letter(store, a_case(store, 1)), a_letter(store, a_case(store, 2))
    with store.unit_of_work() as session:
        records.claim_letters(session, [mine, theirs], AT)
        records.release_letters(session, [mine], "weg")
    assert letter(store, mine).status == LetterStatus.PENDING
    row = letter(store, theirs)
    assert (row.status, row.attempts, row.last_error) == (LetterStatus.SENDING, 1, None)
