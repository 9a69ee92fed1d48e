"""A delivered letter is recorded as sent; an acknowledgement also moves its case from received
to acknowledged, with the move in the case's history. Other letters move nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from klachtenbus.vocabulary import CaseStatus, LetterStatus
from storage import Case, records
from storage.models import CaseEvent
from tests.memory import a_case, a_letter, letter, memory_store

AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def case_and_events(store, case_id: int) -> tuple[Case, list[tuple]]:
    with store.unit_of_work() as session:
        case = session.get(Case, case_id)
        events = session.execute(
            select(
                CaseEvent.at,
                CaseEvent.actor,
                CaseEvent.kind,
                CaseEvent.from_status,
                CaseEvent.to_status,
                CaseEvent.reason,
            ).where(CaseEvent.case_id == case_id)
        ).all()
        return case, [tuple(e) for e in events]


def test_a_sent_acknowledgement_acknowledges_its_case() -> None:
    store = memory_store()
    case_id = a_case(store)
    letter_id = a_letter(store, case_id)
    with store.unit_of_work() as session:
        records.claim_letters(session, [letter_id], AT)
        records.release_letters(session, [letter_id], "even weg")
        records.claim_letters(session, [letter_id], AT)
        records.letters_sent(session, [letter_id], AT)
    row = letter(store, letter_id)
    assert (row.status, row.sent_at, row.last_error) == (LetterStatus.SENT, AT, None)
    case, events = case_and_events(store, case_id)
    assert (case.status, case.acknowledged_at) == (CaseStatus.ACKNOWLEDGED, AT)
    assert events == [
        (
            AT,
            "klachtenbus",
            "move",
            CaseStatus.RECEIVED,
            CaseStatus.ACKNOWLEDGED,
            "ontvangstbevestiging verstuurd",
        )
    ]


def test_another_letter_moves_nothing() -> None:
    store = memory_store()
    case_id = a_case(store)
    letter_id = a_letter(store, case_id, purpose="uitnodiging")
    with store.unit_of_work() as session:
        records.letters_sent(session, [letter_id], AT)
        records.letters_sent(session, [], AT)
    case, events = case_and_events(store, case_id)
    assert (case.status, case.acknowledged_at, events) == (CaseStatus.RECEIVED, None, [])
    assert letter(store, letter_id).status == LetterStatus.SENT


def test_a_case_already_further_is_not_moved_back() -> None:
    store = memory_store()
    case_id = a_case(store)
    letter_id = a_letter(store, case_id)
    with store.unit_of_work() as session:
        session.get(Case, case_id).status = CaseStatus.INVESTIGATION
    with store.unit_of_work() as session:
        records.letters_sent(session, [letter_id], AT)
    case, events = case_and_events(store, case_id)
    assert (case.status, case.acknowledged_at, events) == (CaseStatus.INVESTIGATION, None, [])


def test_only_the_case_of_the_letter_sent_is_acknowledged() -> None:
    store = memory_store()
    sent_case, waiting_case = a_case(store, 1), a_case(store, 2)
    sent, waiting = a_letter(store, sent_case), a_letter(store, waiting_case)
    with store.unit_of_work() as session:
        records.letters_sent(session, [sent], AT)
    assert case_and_events(store, sent_case)[0].status == CaseStatus.ACKNOWLEDGED
    assert case_and_events(store, waiting_case)[0].status == CaseStatus.RECEIVED
    assert letter(store, waiting).status == LetterStatus.PENDING
