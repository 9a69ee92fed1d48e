"""Case numbers count up without gaps per year and start at 1 in a new year, whether taken one
by one or as a batch's range; a counter made by two workers at once is made once, also on a
database without an ON CONFLICT clause."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from klachtenbus.vocabulary import CaseStatus
from storage import Case, records
from storage.models import CaseCounter, now
from tests.memory import a_case, memory_store

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_numbers_count_up_per_year() -> None:
    store = memory_store()
    with store.unit_of_work() as session:
        taken = [records.next_case_sequence(session, 2026) for _ in range(3)]
        first_of_next_year = records.next_case_sequence(session, 2027)
        assert records.next_case_sequences(session, 2026, 3) == range(4, 7)
        assert records.next_case_sequences(session, 2028, 2) == range(1, 3)
        assert records.next_case_sequence(session, 2026) == 7
    assert (taken, first_of_next_year) == ([1, 2, 3], 1)


def test_a_case_is_numbered_k_year_and_four_digits() -> None:
    store = memory_store()
    ids = [a_case(store, n) for n in range(1, 3)] + [a_case(store, 1, year=2027)]
    with store.unit_of_work() as session:
        cases = [session.get(Case, i) for i in ids]
        assert [c.number for c in cases] == ["K-2026-0001", "K-2026-0002", "K-2027-0001"]
        assert [(c.year, c.sequence) for c in cases] == [(2026, 1), (2026, 2), (2027, 1)]
        first = cases[0]
        assert (first.channel, first.status, first.procedure) == ("e-mail", "received", "hss")
        assert (first.complainant_name, first.complainant_email) == (
            "Anna de Wit",
            "anna.dewit@example.nl",
        )
        assert (first.subject, first.description) == ("Klacht", "Niemand belde terug.")
        assert (first.acknowledge_due, first.answer_due) == (date(2026, 3, 11), date(2026, 4, 13))
        assert (first.received_at, first.flags, first.message.source_key) == (
            AT,
            [],
            "key-2026-1",
        )


def test_a_batch_of_cases_is_inserted_in_its_order() -> None:
    store = memory_store()
    before = now()
    with store.unit_of_work() as session:
        messages = records.store_raw_many(
            session, "INBOX", [(f"k{n}", b"x", AT, None, None) for n in range(2)]
        )
        cases = [
            {
                "number": f"K-2026-000{n + 1}",
                "year": 2026,
                "sequence": n + 1,
                "message_row_id": message,
                "received_at": AT,
                "complainant_name": "Anna",
                "complainant_email": None,
                "subject": "Klacht",
                "description": "tekst",
                "procedure": "hss",
                "acknowledge_due": date(2026, 3, 11),
                "answer_due": date(2026, 4, 13),
                "flags": [],
            }
            for n, message in enumerate(messages)
        ]
        ids = records.add_cases(session, cases)
        assert records.add_cases(session, []) == []
    with store.unit_of_work() as session:
        rows = [session.get(Case, i) for i in ids]
        assert [r.message_row_id for r in rows] == messages
        assert {(r.channel, r.status) for r in rows} == {("e-mail", CaseStatus.RECEIVED)}
        assert all(before <= r.created_at <= now() for r in rows)


@pytest.mark.parametrize("backend", ["sqlite", "another"])
def test_a_counter_made_twice_is_made_once(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = memory_store()
    monkeypatch.setattr(store.engine.dialect, "name", backend)
    with store.unit_of_work() as session:
        for _ in range(2):
            records._insert_ignore(session, CaseCounter, {"year": 2026, "last": 5})
    with store.unit_of_work() as session:
        assert session.execute(select(CaseCounter.year, CaseCounter.last)).all() == [(2026, 5)]
        assert records.next_case_sequence(session, 2026) == 6
