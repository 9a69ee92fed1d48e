"""A complaint the bot registered by itself waits in the triage until an officer has opened
it (the audit trail records every opening), for five working days; after that the daily
digest's terms take over."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update

from casework import inbox
from storage import Case
from storage.models import AuditEntry
from tests.casework import office, register
from tests.web_helpers import Web

SECTION = "Nieuwe klachten die nog niemand opende"


def test_a_new_complaint_waits_until_someone_opens_it(web: Web) -> None:
    case_number = register(web.store, office(), datetime.now(UTC))
    with web.store.unit_of_work() as session:
        number = session.scalars(select(Case.message_row_id)).one()
    anna = web.logged_in("anna")
    triage = anna.get("/triage").text
    assert f"{SECTION} (1)" in triage and f"zaak {case_number}" in triage
    assert '<span class="count">1</span>' in triage

    anna.get(f"/berichten/{number}")

    assert f"{SECTION} (0)" in anna.get("/triage").text
    with web.store.unit_of_work() as session:
        (seen,) = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "message.view")
        ).all()
        assert (seen.actor, seen.subject) == ("anna", f"message:{number}")


def test_an_older_complaint_is_no_longer_new(web: Web) -> None:
    register(web.store, office(), datetime.now(UTC) - timedelta(days=14))
    with web.store.unit_of_work() as session:
        session.execute(update(Case).values(created_at=datetime.now(UTC) - timedelta(days=14)))

    assert f"{SECTION} (0)" in web.logged_in("anna").get("/triage").text


def test_five_working_days_skip_weekends_and_holidays() -> None:
    """From Tuesday 7 April 2026 five working days back: Easter Monday, the weekend and Good
    Friday (a holiday for the Algemene termijnenwet) lie between, so it opens on 27 March."""
    since = inbox.recent_since(office(), date(2026, 4, 7))

    assert since.date() == date(2026, 3, 27) and since.hour == 0
