"""Every change to a case says who, when, what, before and after: in the case's own history
and in the audit trail, written in the same transaction; an unchanged field writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from casework import cases, registration
from klachtenbus.errors import KlachtenbusError
from klachtenbus.vocabulary import CaseStatus
from storage import Store
from storage.accounts import audit_of
from tests.casework import office, register, store_at

HSS = office("hss")
AT = datetime(2026, 3, 5, 14, 0, tzinfo=UTC)


@pytest.fixture
def store(database_url: str) -> Store:
    return store_at(database_url)


def trail(store: Store, number: str) -> list[tuple[str, str, dict | None, dict | None]]:
    with store.unit_of_work() as session:
        return [(a.actor, a.action, a.before, a.after) for a in audit_of(session, f"case:{number}")]


def test_an_edit_keeps_before_and_after_in_the_history_and_the_audit(store: Store) -> None:
    number = register(store, HSS, datetime(2026, 3, 2, 10, tzinfo=UTC))
    cases.edit(store, number, {"category": "bejegening"}, actor="anna", now=AT)
    result = registration.edit_from_words(
        store, number, {"categorie": "bejegening", "team": "Ambulant", "tevreden": "nee"},
        actor="bert",
    )  # fmt: skip
    assert result.changed == ["team", "satisfied"]  # categorie was already bejegening
    events = [e for e in cases.show(store, HSS, number).events if e["kind"] == "edit"]
    assert events[0]["details"] == {"category": [None, "bejegening"]}
    assert events[0]["actor"] == "anna" and events[0]["at"].startswith("2026-03-05T14:00")
    assert events[1]["details"] == {"team": [None, "Ambulant"], "satisfied": [None, False]}
    assert trail(store, number) == [
        ("anna", "case.edit", {"category": None}, {"category": "bejegening"}),
        ("bert", "case.edit", {"team": None, "satisfied": None},
         {"team": "Ambulant", "satisfied": False}),
    ]  # fmt: skip


def test_saving_without_changes_writes_nothing(store: Store) -> None:
    number = register(store, HSS, datetime(2026, 3, 2, 10, tzinfo=UTC))
    result = registration.edit_from_words(
        store, number, {"categorie": "", "tevreden": "onbekend"}, actor="anna"
    )
    assert result.changed == []
    assert cases.show(store, HSS, number).events == [] and trail(store, number) == []


def test_assigning_the_officer_is_kept_and_must_be_an_address(store: Store) -> None:
    number = register(store, HSS, datetime(2026, 3, 2, 10, tzinfo=UTC))
    cases.assign(store, number, "anna@example.nl", actor="bert")
    cases.assign(store, number, None, actor="bert")
    with pytest.raises(KlachtenbusError, match="geen bruikbaar e-mailadres voor de behandelaar"):
        cases.assign(store, number, "Anna", actor="bert")
    assert trail(store, number) == [
        ("bert", "case.assign", {"officer": None}, {"officer": "anna@example.nl"}),
        ("bert", "case.assign", {"officer": "anna@example.nl"}, {"officer": None}),
    ]


def test_moves_suspensions_and_resumptions_are_audited_too(store: Store) -> None:
    number = register(store, HSS, datetime(2026, 3, 2, 10, tzinfo=UTC))
    cases.suspend(store, HSS, number, actor="anna", reason="geen reactie", now=AT)
    cases.resume(store, HSS, number, actor="anna", reason="belde terug", now=AT)
    cases.move(store, HSS, number, CaseStatus.INVESTIGATION, actor="anna", reason="gesprek", now=AT)
    moves = [(b["status"], a["status"], a["reason"]) for _, action, b, a in trail(store, number)
             if action == "case.move"]  # fmt: skip
    assert moves == [
        ("received", "suspended", "geen reactie"),
        ("suspended", "received", "belde terug"),
        ("received", "investigation", "gesprek"),
    ]
