"""The daily digest: every officer hears what is due within three working days and what is
overdue; an overdue step goes up the preset's chain, once, and that is kept in the case."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from casework.cases import dates
from klachtenbus.vocabulary import CaseStatus
from office import SYSTEM, Office
from outbox import Mailer
from outbox.digest import Quarantined, Reminder, digest_mail
from procedures.calendar import WorkingCalendar
from procedures.lifecycle import SOON, open_roles
from storage import Store, casework, records
from storage.models import CaseEvent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Addressed:
    reminder: Reminder
    recipients: tuple[str, ...]


def due_and_overdue(
    store: Store, office: Office, officers: dict[str, str], today: date, *, escalate: bool = False
) -> list[Addressed]:
    """What needs an officer now and whom to tell; with escalate, an overdue step goes up the
    chain and that is stored in the case (the daily job does this; a preview does not)."""
    found = []
    fallback = office.organisation.address
    with store.unit_of_work() as session:
        for case in casework.active_cases(session):
            roles = open_roles(CaseStatus(case.status))
            procedure = office.procedure_of(case)
            for proposal in _open_proposals(case.events):
                reminder = Reminder(
                    case.number, case.subject, "voorstel", today, today, overdue=False, days=0,
                    proposal=proposal,
                )  # fmt: skip
                handler = procedure.steps[-1].handler
                found.append(
                    Addressed(reminder, _recipients(officers, fallback, case.officer, handler))
                )
            escalated = {(e.details or {}).get("step") for e in case.events if e.kind == "escalate"}
            for step in dates(office, case, on=today):
                if step.step.role not in roles:
                    continue
                overdue = step.warn_by < today
                left = _working_days_between(office.calendar, today, step.warn_by)
                if not overdue and left > SOON:
                    continue
                handler = step.step.handler
                to_role = ""
                if overdue:
                    # one escalation per overdue step, kept as events: their count is the level
                    level = len(escalated) + (step.step.name not in escalated)
                    to_role = _next_in_chain(procedure.chain, handler, level)
                    if escalate and step.step.name not in escalated:
                        escalated.add(step.step.name)
                        casework.add_event(
                            session,
                            case,
                            actor=SYSTEM,
                            kind="escalate",
                            reason=f"{step.step.name} over de termijn sinds {step.warn_by}",
                            details={"step": step.step.name, "to": to_role},
                        )
                        log.warning(
                            "%s: %s over de termijn; naar %s", case.number, step.step.name, to_role
                        )
                recipients = _recipients(officers, fallback, case.officer, handler, to_role)
                reminder = Reminder(
                    case_number=case.number,
                    subject=case.subject,
                    step=step.step.name,
                    warn_by=step.warn_by,
                    due=step.due,
                    overdue=overdue,
                    days=(today - step.warn_by).days if overdue else left,
                    escalated_to=to_role if to_role != handler else "",
                )
                found.append(Addressed(reminder, recipients))
    return found


def send_digests(
    store: Store,
    office: Office,
    officers: dict[str, str],
    mailer: Mailer,
    *,
    today: date | None = None,
) -> dict[str, int]:
    """One mail per officer with something to do; returns how many lines each got."""
    day = today or office.today()
    per_officer: dict[str, list[Reminder]] = defaultdict(list)
    for item in due_and_overdue(store, office, officers, day, escalate=True):
        for address in item.recipients:
            per_officer[address].append(item.reminder)
    # Messages in quarantine go to whoever takes complaints in (the first step's handler).
    intake = _recipients(officers, office.organisation.address, None, _intake_role(office))
    quarantined = quarantined_messages(store, ZoneInfo(office.procedure.time_zone))
    if quarantined:
        for address in intake:
            per_officer.setdefault(address, [])
    now = datetime.now(UTC)
    for address, reminders in sorted(per_officer.items()):
        reminders.sort(key=lambda r: (not r.overdue, r.warn_by, r.case_number))
        letter = digest_mail(
            reminders,
            sender=office.organisation.address,
            recipient=address,
            organisation_name=office.organisation.name,
            today=day,
            sent_at=now,
            quarantined=quarantined if address in intake else [],
        )
        mailer.deliver(
            letter.raw,
            sender=office.organisation.address,
            recipient=address,
            message_id=letter.message_id,
        )
    return {address: len(items) for address, items in per_officer.items()}


def quarantined_messages(store: Store, zone: ZoneInfo) -> list[Quarantined]:
    """What Klachtenbus kept but could not read or record, and no officer has decided on;
    when it came in, on the procedure's clock."""
    with store.unit_of_work() as session:
        return [
            Quarantined(m.id, m.received_at.astimezone(zone), m.sender_email or "", m.error or "")
            for m in records.quarantined_undecided(session)
        ]


def _intake_role(office: Office) -> str:
    steps = office.procedure.steps
    return steps[0].handler if steps else ""


def _recipients(
    officers: dict[str, str], fallback: str, assigned: str | None, *roles: str
) -> tuple[str, ...]:
    """The officers of these roles (the mailbox itself when a role has nobody), and whoever
    the case is assigned to."""
    found = {officers.get(role, fallback) for role in roles if role}
    if assigned:
        found.add(assigned)
    return tuple(sorted(found))


def _open_proposals(events: list[CaseEvent]) -> list[str]:
    """Proposals made since the case last moved: still waiting for an officer."""
    waiting: list[str] = []
    for event in events:
        if event.kind == "move":
            waiting = []
        elif event.kind == "proposal" and event.reason:
            waiting.append(event.reason)
    return waiting


def _next_in_chain(chain: tuple[str, ...], handler: str, level: int) -> str:
    if not chain:
        return handler
    start = chain.index(handler) if handler in chain else -1
    return chain[min(start + level, len(chain) - 1)]


def _working_days_between(calendar: WorkingCalendar, start: date, end: date) -> int:
    """Working days after start up to and including end (0 when end is today or earlier)."""
    days, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if calendar.is_working_day(day):
            days += 1
    return days
