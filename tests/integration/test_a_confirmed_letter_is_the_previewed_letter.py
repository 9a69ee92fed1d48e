"""A move or extension worked out as a preview changes nothing; confirmed with the preview's
fingerprint it queues exactly the letters the officer read, and refuses when they differ."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest
from sqlalchemy import func, select

from casework import cases
from casework.outgoing import LetterChanged
from klachtenbus.vocabulary import CaseStatus, Closure
from storage import Letter, Store
from storage.models import AuditEntry, CaseEvent
from tests.casework import office, register, store_at

S = CaseStatus
NOW = datetime(2026, 3, 20, 10, tzinfo=UTC)


@pytest.fixture
def store(database_url: str) -> Store:
    return store_at(database_url)


def counts(store: Store) -> tuple[int, int, int]:
    with store.unit_of_work() as session:
        return (
            session.scalar(select(func.count(Letter.id))) or 0,
            session.scalar(select(func.count(CaseEvent.id))) or 0,
            session.scalar(select(func.count(AuditEntry.id))) or 0,
        )


def queued(store: Store, number: str) -> dict[str, tuple[str, str, str, str]]:
    with store.unit_of_work() as session:
        rows = session.scalars(select(Letter).where(Letter.case.has(number=number)))
        found = {}
        for letter in rows:
            message = message_from_bytes(letter.raw, policy=policy.default)
            body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
            found[letter.purpose] = (message["To"], message["From"], message["Subject"], body)
        return found


def test_a_preview_changes_nothing_and_the_confirmation_queues_exactly_it(store: Store) -> None:
    """Closing previews the closing letter and the aftercare; confirming queues those two."""
    hss = office("hss")
    number = register(store, hss, datetime(2026, 3, 2, 10, tzinfo=UTC))
    cases.move(store, hss, number, S.INVESTIGATION, actor="Ank", reason="onderzoek", now=NOW)
    before = counts(store)
    move = {
        "actor": "Ank", "reason": "klager is lastig", "closure": Closure.RESOLVED,
        "letter_text": "In ons gesprek hebben wij het samen opgelost.", "now": NOW,
    }  # fmt: skip
    seen = cases.move(store, hss, number, S.CLOSED, preview=True, **move)  # type: ignore[arg-type]
    assert counts(store) == before
    assert cases.show(store, hss, number).case["status"] == "investigation"
    assert [d.purpose for d in seen.drafts] == ["afsluiting", "nazorg"]
    closing = seen.drafts[0]
    assert closing.recipient == "Anna de Wit <anna.dewit@example.nl>"
    assert "Stichting Zorg Voorbeeld" in closing.sender
    assert "samen opgelost" in closing.text and "lastig" not in closing.text

    done = cases.move(store, hss, number, S.CLOSED, expected=seen.fingerprint, **move)  # type: ignore[arg-type]
    assert done.letters == ["afsluiting", "nazorg"]
    letters = queued(store, number)
    for draft in seen.drafts:
        assert letters[draft.purpose] == (draft.recipient, draft.sender, draft.subject, draft.text)


def test_a_confirmation_of_another_letter_is_refused(store: Store) -> None:
    """Edited text, or a case that changed since the preview: nothing is queued or moved."""
    hss = office("hss")
    number = register(store, hss, datetime(2026, 3, 2, 10, tzinfo=UTC))
    cases.move(store, hss, number, S.INVESTIGATION, actor="Ank", reason="onderzoek", now=NOW)
    seen = cases.move(
        store, hss, number, S.CLOSED, actor="Ank", reason="x", closure=Closure.RESOLVED,
        letter_text="Opgelost.", preview=True, now=NOW,
    )  # fmt: skip
    before = counts(store)
    with pytest.raises(LetterChanged, match="bekijk de brief opnieuw"):
        cases.move(
            store, hss, number, S.CLOSED, actor="Ank", reason="x", closure=Closure.RESOLVED,
            letter_text="Opgelost, en nog iets anders.", expected=seen.fingerprint, now=NOW,
        )  # fmt: skip
    assert counts(store) == before
    assert cases.show(store, hss, number).case["status"] == "investigation"


def test_an_extension_is_previewed_and_confirmed_the_same_way(store: Store) -> None:
    """The verdaging letter shows the grounds for the complainant, never the internal reason."""
    awb = office("awb")
    number = register(store, awb, datetime(2026, 4, 2, 10, tzinfo=UTC))
    at = datetime(2026, 5, 11, 10, tzinfo=UTC)
    extension = {
        "actor": "Ank", "reason": "dossier kwijt bij collega",
        "letter_text": "Wij wachten op het advies van de klachtencommissie.", "now": at,
    }  # fmt: skip
    seen = cases.extend(store, awb, number, preview=True, **extension)  # type: ignore[arg-type]
    (draft,) = seen.drafts
    assert "advies van de klachtencommissie" in draft.text and "kwijt" not in draft.text
    assert cases.show(store, awb, number).case["extension_weeks"] == 0
    cases.extend(store, awb, number, expected=seen.fingerprint, **extension)  # type: ignore[arg-type]
    assert queued(store, number)["verdaging"][3] == draft.text
