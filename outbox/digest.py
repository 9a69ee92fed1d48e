"""The officers' daily overview: what is due soon and what is overdue, per person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from email.utils import format_datetime
from zoneinfo import ZoneInfo

from outbox.letters import (
    RenderedLetter,
    compose,
    header_text,
    new_message_id,
    one_line,
    templates,
)


@dataclass(frozen=True)
class Reminder:
    """One step of one case an officer must act on."""

    case_number: str
    subject: str
    step: str
    warn_by: date  # the earlier of the legal term and the organisation's own target
    due: date  # the legal term
    overdue: bool
    days: int  # working days left, or days overdue
    escalated_to: str = ""  # the role it went to because it is overdue
    proposal: str = ""  # a move a reply suggests, for an officer to confirm


@dataclass(frozen=True)
class Quarantined:
    """A message Klachtenbus kept but could not read or record: only an officer can judge it."""

    number: int
    received_at: datetime
    sender: str
    error: str


def digest_mail(
    reminders: list[Reminder],
    *,
    sender: str,
    recipient: str,
    organisation_name: str,
    today: date,
    sent_at: datetime,
    quarantined: list[Quarantined] | None = None,
) -> RenderedLetter:
    """One officer's morning list: overdue first, then messages in quarantine, proposals to
    confirm, then what is due soon."""
    overdue = [r for r in reminders if r.overdue]
    proposals = [r for r in reminders if r.proposal]
    soon = [r for r in reminders if not r.overdue and not r.proposal]
    quarantined = [
        Quarantined(q.number, q.received_at, one_line(q.sender, 200), one_line(q.error, 300))
        for q in quarantined or []
    ]
    context = {
        "overdue": overdue,
        "soon": soon,
        "proposals": proposals,
        "quarantined": quarantined,
        "today": today,
        "organisation_name": organisation_name,
    }
    subject = f"Klachten: {len(overdue)} over de termijn, {len(soon)} binnenkort ({today:%d-%m-%Y})"
    if quarantined:
        subject = f"Klachten: {len(quarantined)} onverwerkbaar, " + subject.partition(": ")[2]
    return _internal("dagoverzicht", context, sender, recipient, subject, sent_at)


def meldcode_signal(
    *,
    case_number: str | None,
    message_number: int,
    subject: str,
    received_at: datetime,
    reasons: list[str],
    sender: str,
    recipient: str,
    organisation_name: str,
    time_zone: str = "Europe/Amsterdam",
) -> RenderedLetter:
    """The internal alert when a message carries signs of domestic violence or child abuse,
    a complaint (`case_number`) or not: the meldcode's route, not the complaint procedure,
    decides what happens next."""
    context = {
        "case_number": case_number,
        "message_number": message_number,
        "subject": one_line(subject),
        "received_at": received_at.astimezone(ZoneInfo(time_zone)),  # as the officer's clock
        "reasons": reasons,
        "organisation_name": organisation_name,
    }
    about = case_number or f"bericht {message_number} (geen zaak)"
    subject = f"SPOED meldcode: {about} vraagt om een afweging"
    headers = {"Importance": "high"} | ({"X-Klachtenbus-Case": case_number} if case_number else {})
    return _internal("meldcode", context, sender, recipient, subject, received_at, headers)


def alarm_mail(
    *,
    summary: str,
    fix: str,
    solved: bool,
    opened_at: datetime,
    at: datetime,
    sender: str,
    recipient: str,
    organisation_name: str,
    time_zone: str = "Europe/Amsterdam",
) -> RenderedLetter:
    """An admin hears that Klachtenbus itself is in trouble (`solved`: that it is over)."""
    zone = ZoneInfo(time_zone)
    context = {
        "summary": one_line(summary, 1000),
        "fix": one_line(fix, 1000),
        "solved": solved,
        "opened_at": opened_at.astimezone(zone),
        "at": at.astimezone(zone),
        "organisation_name": organisation_name,
    }
    headline = summary.split(". ", 1)[0].removesuffix(".")  # the details are in the text
    subject = ("Opgelost: " if solved else "Klachtenbus-alarm: ") + one_line(headline, 150)
    headers = {} if solved else {"Importance": "high"}
    return _internal("alarm", context, sender, recipient, subject, at, headers)


def _internal(
    template: str,
    context: dict[str, object],
    sender: str,
    recipient: str,
    subject: str,
    sent_at: datetime,
    headers: dict[str, str] | None = None,
) -> RenderedLetter:
    """Mail to colleagues, marked auto-generated so no colleague's auto-reply answers it."""
    message_id = new_message_id(sender)
    head = [
        ("From", sender),
        ("To", recipient),
        ("Subject", header_text(subject)),
        ("Date", format_datetime(sent_at)),
        ("Message-ID", message_id),
        *(headers or {}).items(),
        ("Auto-Submitted", "auto-generated"),
        ("X-Auto-Response-Suppress", "All"),
    ]
    text = templates().get_template(f"{template}.txt.j2").render(context)
    page = templates().get_template(f"{template}.html.j2").render(context)
    return RenderedLetter(message_id=message_id, raw=compose(head, text, page))
