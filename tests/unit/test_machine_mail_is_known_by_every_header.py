"""Machine mail by the headers peer helpdesks (Zammad, osTicket, RT) read as automatic, every
occurrence of a repeated header, RFC 3834 comments, and office-suite notifications."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import intake
from rules import judge, load_rules, machine_reasons

RULES = load_rules()
NOW = datetime(2026, 11, 23, tzinfo=UTC)
BODY = b"Hallo,\r\n\r\nKunt u mij terugbellen over de afspraak van dinsdag?\r\n\r\nGroet, Ans\r\n"


def raw(*headers: str, sender: str = "Ans Bakker <ans@example.nl>") -> bytes:
    head = [
        f"From: {sender}",
        "To: klachten@zorg-voorbeeld.nl",
        "Subject: Afspraak dinsdag",
        "Date: Mon, 23 Nov 2026 09:00:00 +0100",
        "Message-ID: <afspraak-1@example.nl>",
        *headers,
    ]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + BODY


def reasons(data: bytes) -> list[str]:
    return machine_reasons(intake.parse(data, received_at=NOW))


@pytest.mark.parametrize(
    "header",
    [
        "X-Precedence: bulk",
        "X-Precedence: auto_reply",
        "X-Autoreply: yes",
        "X-Autoresponse: ja",
        "X-AutoReply-From: ans@example.nl",
        "X-Mail-Autoreply: on",
        "X-Autorespond: Ik ben afwezig",
        "X-Failed-Recipients: iemand@example.org",
        "X-Loop: klachten@zorg-voorbeeld.nl",
        "Auto-Submitted: auto-replied (vakantie)",
        'Auto-Submitted: auto-generated; owner-email="beheer@example.nl"',
        "Precedence: list",
    ],
)
def test_each_automatic_header_is_machine_evidence(header: str) -> None:
    data = raw(header)
    assert reasons(data)
    verdict = judge(intake.parse(data, received_at=NOW), RULES)
    assert verdict.machine_by_header


def test_an_empty_from_is_a_mail_server() -> None:
    assert any("From: <>" in r for r in reasons(raw(sender="<>")))


def test_a_repeated_precedence_is_read_in_every_occurrence() -> None:
    data = raw("Precedence: normal", "Precedence: bulk")
    message = intake.parse(data, received_at=NOW)
    assert message.headers["precedence"] == "normal"  # callers still get the first value
    assert message.header_values["precedence"] == ("normal", "bulk")
    assert any("Precedence: bulk" in r for r in machine_reasons(message))


def test_a_comment_after_auto_submitted_no_keeps_it_a_persons_mail() -> None:
    """RFC 3834 allows a comment: `no (handmatig verstuurd)` is `no`."""
    assert reasons(raw("Auto-Submitted: no (handmatig verstuurd)")) == []
    assert reasons(raw("Auto-Submitted: (door Ans) no")) == []


@pytest.mark.parametrize("header", ["X-Autoreply: no", "X-Loop: no", "Precedence: normal"])
def test_a_header_that_says_no_is_no_evidence(header: str) -> None:
    assert reasons(raw(header)) == []


@pytest.mark.parametrize(
    ("sender", "system"),
    [
        ("SharePoint Online <no-reply@sharepointonline.com>", "SharePoint"),
        ("Microsoft Teams <noreply@email.teams.microsoft.com>", "Microsoft Teams"),
        ("Microsoft Forms <noreply@forms.office.com>", "Microsoft Forms"),
    ],
)
def test_office_suite_notifications_are_machine_mail(sender: str, system: str) -> None:
    assert any(system in r for r in reasons(raw(sender=sender)))


def test_a_persons_mail_has_no_machine_evidence() -> None:
    assert reasons(raw()) == []
