"""Letters that wait too long are an alarm, but the alarm letters themselves never count:
with the SMTP server away an alarm about an alarm would never end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from casework import alarms
from office import Organisation
from storage import Letter
from tests.accounts import store_at


def letter(purpose: str, created: datetime) -> Letter:
    return Letter(
        case_id=None, purpose=purpose, recipient="beheer@zorg-voorbeeld.nl",
        message_id=f"<{purpose}-{created.timestamp()}@zorg-voorbeeld.nl>", raw=b"x",
        status="pending", attempts=0, created_at=created, next_attempt_at=created,
    )  # fmt: skip


def test_only_a_stuck_letter_of_the_office_is_a_problem(tmp_path: object) -> None:
    """An hour-old alarm letter is no finding; an hour-old acknowledgement is one."""
    store = store_at(f"sqlite:///{tmp_path}/k.db")
    now = datetime.now(UTC)
    with store.unit_of_work() as session:
        session.add(letter("alarm", now - timedelta(hours=3)))
        session.add(letter("alarm-opgelost", now - timedelta(hours=3)))
    with store.unit_of_work() as session:
        assert alarms.findings(session, now) == []
        session.add(letter("meldcode-signaal", now - timedelta(minutes=61)))
    with store.unit_of_work() as session:
        assert [f.key for f in alarms.findings(session, now)] == ["brieven:verzending"]


def test_the_complaints_mailbox_itself_is_never_an_alarm_recipient() -> None:
    """An alarm to our own mailbox would come back in as mail to judge."""
    organisation = Organisation(
        address="klachten@zorg-voorbeeld.nl", name="Zorg", aliases=("postbus@zorg.nl",)
    )
    found = alarms.recipients(
        ["Beheer@Zorg-Voorbeeld.nl"],
        ["klachten+alarm@zorg-voorbeeld.nl", "POSTBUS@zorg.nl", "ict@zorg-voorbeeld.nl"],
        organisation,
    )
    assert found == ["beheer@zorg-voorbeeld.nl", "ict@zorg-voorbeeld.nl"]
