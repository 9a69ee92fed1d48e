"""Taking a letter for sending is one UPDATE that only a pending letter passes: a second
worker asking for the same letter gets nothing, so no letter goes out twice."""

from __future__ import annotations

from datetime import UTC, datetime

from klachtenbus.vocabulary import LetterStatus
from storage import records
from tests.memory import a_case, a_letter, letter, memory_store

AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_a_claimed_letter_is_sending_with_one_more_attempt() -> None:
    store = memory_store()
    letter_id = a_letter(store, a_case(store))
    with store.unit_of_work() as session:
        (claimed,) = records.claim_letters(session, [letter_id], AT)
    assert claimed == records.ClaimedLetter(
        letter_id,
        b"brief ontvangstbevestiging 1",
        "anna.dewit@example.nl",
        "<ontvangstbevestiging-1@zorg-voorbeeld.nl>",
        1,
    )
    row = letter(store, letter_id)
    assert (row.status, row.claimed_at, row.attempts) == (LetterStatus.SENDING, AT, 1)


def test_a_second_claim_of_the_same_letter_gets_nothing() -> None:
    store = memory_store()
    letter_id = a_letter(store, a_case(store))
    with store.unit_of_work() as session:
        assert len(records.claim_letters(session, [letter_id], AT)) == 1
    with store.unit_of_work() as session:
        assert records.claim_letters(session, [letter_id], AT) == []
    assert letter(store, letter_id).attempts == 1


def test_only_pending_letters_are_claimed_and_in_id_order() -> None:
    store = memory_store()
    withheld = a_letter(store, a_case(store, 1), status=LetterStatus.WITHHELD)
    first = a_letter(store, a_case(store, 2))
    second = a_letter(store, a_case(store, 3))
    with store.unit_of_work() as session:
        claimed = records.claim_letters(session, [second, withheld, first], AT)
    assert [c.id for c in claimed] == [first, second]
    assert letter(store, withheld).status == LetterStatus.WITHHELD
    with store.unit_of_work() as session:
        assert records.claim_letters(session, [], AT) == []
