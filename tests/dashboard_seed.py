"""A small database with known numbers for the dashboard's tests: cases in three months and
three categories, mail the bot decided or left to triage, and officers' decisions on it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from office import Office
from storage import Case, Label, Store
from tests.casework import arrived, register

RAW = b"From: a@example.nl\r\nSubject: test\r\n\r\nTekst.\r\n"
CATEGORIES = ["bejegening", "bejegening", "bejegening", "communicatie", "communicatie", None]


def months_ago(months: int) -> datetime:
    """Mid-month, `months` calendar months before this one; this month: a minute ago."""
    now = datetime.now(UTC)
    if months == 0:
        return now - timedelta(minutes=1)
    index = now.year * 12 + now.month - 1 - months
    return datetime(index // 12, index % 12 + 1, 15, 10, tzinfo=UTC)


def seed(store: Store, office: Office) -> dict[str, int]:
    """Six cases (3 this month, 2 two months ago, 1 five months ago) in two categories and
    one blank; this month thirteen messages (the three cases' and ten more), four of them to
    triage; three officers' decisions on messages the bot decided, two of them agreeing."""
    moments = [months_ago(0)] * 3 + [months_ago(2)] * 2 + [months_ago(5)]
    numbers = [
        register(store, office, at - timedelta(seconds=i), name=f"Klager {i}")
        for i, at in enumerate(moments)
    ]
    with store.unit_of_work() as session:
        for number, category in zip(numbers, CATEGORIES, strict=True):
            session.scalar(select(Case).where(Case.number == number)).category = category
    now = months_ago(0)
    kinds = ["complaint"] * 3 + ["remark"] * 2 + ["other"] + ["uncertain"] * 3
    messages = [arrived(store, RAW, kind=k, received_at=now) for k in kinds]
    messages.append(arrived(store, RAW, status="failed", received_at=now))
    with store.unit_of_work() as session:
        for message, kind in zip(messages[:3], ["complaint", "complaint", "remark"], strict=True):
            session.add(Label(message_row_id=message, kind=kind, officer="anna", labelled_at=now))
    return {"cases": 6, "categories": 3, "messages": 13, "triage": 4}
