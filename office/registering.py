"""Registering complaints: a case number, the deadlines, and the acknowledgement letter,
written in the caller's transaction and sent later (or held back, and why)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

import outbox
from intake import ParsedMessage
from klachtenbus.vocabulary import Flag, LetterStatus
from office.organisation import Organisation
from procedures import Deadlines, Procedure, WorkingCalendar, deadlines
from rules import is_no_reply
from storage import casework, records

log = logging.getLogger(__name__)

ACKNOWLEDGEMENT = "ontvangstbevestiging"
MACHINE_MEMORY = timedelta(days=7)  # how long a sender that answered automatically is one
MAX_ADDRESS = 254  # characters in an address an SMTP server takes (RFC 5321's path, less <>)


@dataclass(frozen=True)
class SenderHistory:
    """A batch's senders as RFC 3834 sees them: the latest automatic letter to each (lower
    case), including this batch's own, and who answered us automatically."""

    last_letter: dict[str, datetime]
    answered_automatically: set[str]


@dataclass(frozen=True)
class Complaint:
    """A message judged a complaint, waiting to be registered with the rest of its batch."""

    row_id: int
    message: ParsedMessage
    flags: list[str]


class Registrar:
    """Turns a batch's complaints into cases and letters, by the procedure in force."""

    def __init__(
        self,
        organisation: Organisation,
        procedure: Procedure,
        calendar: WorkingCalendar,
        auto_letter_pause: timedelta = timedelta(hours=24),
    ) -> None:
        self.organisation = organisation
        self.procedure = procedure
        self.calendar = calendar
        self.auto_letter_pause = auto_letter_pause

    def register(
        self, session: Session, row_id: int, message: ParsedMessage, flags: list[str]
    ) -> str:
        """A case and its acknowledgement, in the caller's transaction; returns the case number."""
        return self.register_many(session, [Complaint(row_id, message, flags)])[0]

    def register_many(self, session: Session, complaints: list[Complaint]) -> list[str]:
        """Cases and acknowledgements for a batch of complaints, in the caller's transaction.

        One counter UPDATE per year takes a range of numbers (gap-free: the counter row stays
        locked until the commit, and it is taken last, so the lock is held briefly), then one
        INSERT for the cases and one for the letters. Numbers follow the batch's order.
        """
        if not complaints:
            return []
        dues = [deadlines(self.procedure, c.message.received_at, self.calendar) for c in complaints]
        years: dict[int, list[int]] = {}
        for i, due in enumerate(dues):
            years.setdefault(due.received_on.year, []).append(i)
        sequences = [0] * len(complaints)
        for year in sorted(years):  # the same lock order in every worker
            taken = records.next_case_sequences(session, year, len(years[year]))
            for i, sequence in zip(years[year], taken, strict=True):
                sequences[i] = sequence
        numbers: list[str] = []
        cases: list[dict[str, object]] = []
        for complaint, due, sequence in zip(complaints, dues, sequences, strict=True):
            message, sender = complaint.message, complaint.message.sender
            year = due.received_on.year
            numbers.append(f"K-{year}-{sequence:04d}")
            answer = message.answer_address
            cases.append(
                {
                    "number": numbers[-1],
                    "year": year,
                    "sequence": sequence,
                    "message_row_id": complaint.row_id,
                    "received_at": message.received_at,
                    "complainant_name": (sender.name if sender else "")
                    or (sender.email if sender else ""),
                    "complainant_email": answer.email if answer else None,
                    "subject": message.subject or "(geen onderwerp)",
                    "description": message.text[:20_000],
                    "procedure": self.procedure.key,
                    "acknowledge_due": due.acknowledge_by or due.answer_by,
                    "answer_due": due.answer_by,
                    "flags": complaint.flags,
                }
            )
        case_ids = records.add_cases(session, cases)
        sent_at = datetime.now(UTC)
        senders = self.sender_history(session, complaints)
        letters = [
            self._acknowledgement(session, c, due, number, case_id, sent_at, senders)
            for c, due, number, case_id in zip(complaints, dues, numbers, case_ids, strict=True)
        ]
        records.add_letters(session, letters)
        return numbers

    def _acknowledgement(
        self,
        session: Session,
        complaint: Complaint,
        due: Deadlines,
        number: str,
        case_id: int,
        sent_at: datetime,
        senders: SenderHistory,
    ) -> dict[str, object]:
        """The letter row for one new case: rendered now, sent later (or withheld)."""
        message = complaint.message
        sender, address = message.sender, message.answer_address
        facts = outbox.Acknowledgement(
            case_number=number,
            complainant_name=(sender.name if sender else "") or "",
            subject=message.subject,
            received_on=due.received_on,
            acknowledge_by=due.acknowledge_by,
            answer_by=due.answer_by,
            procedure_title=self.procedure.title,
            external_route=self.procedure.external_route,
            organisation_name=self.organisation.name,
            organisation_address=self.organisation.postal_address,
        )
        usable = address is not None and _sendable(address.email)
        envelope = outbox.Envelope(
            sender=self.organisation.address,
            sender_name=self.organisation.name,
            recipient=address.email if address and usable else "",
            recipient_name=address.name if address and usable else "",
            in_reply_to=message.message_id,
            references=message.references,
        )
        letter = outbox.acknowledgement(
            facts, envelope, sent_at=sent_at, own=self.procedure.letters, preset=self.procedure.key
        )
        status, reason, later = self.hold(message, complaint.flags, senders)
        if reason:
            # the reason names the address: it goes into the case's timeline, not the log
            log.info("Automatische bevestiging voor %s wacht; de reden staat bij de zaak.", number)
        if later is None and status == LetterStatus.PENDING and address is not None:
            senders.last_letter[address.email.lower()] = sent_at  # the next one waits
        if Flag.MELDCODE in complaint.flags:
            self.alert(session, complaint.row_id, message, (case_id, number))
        return {
            "case_id": case_id,
            "purpose": ACKNOWLEDGEMENT,
            "recipient": envelope.recipient or None,
            "message_id": letter.message_id,
            "raw": letter.raw,
            "status": status,
            "last_error": reason,
            "next_attempt_at": later or sent_at,
        }

    def hold(
        self, message: ParsedMessage, flags: list[str], senders: SenderHistory
    ) -> tuple[LetterStatus, str | None, datetime | None]:
        """Whether an automatic acknowledgement goes now, later (RFC 3834: at most one per
        sender per day), or waits for an officer; and why."""
        reason = self.unanswerable(message)
        if reason:
            return LetterStatus.WITHHELD, reason, None
        if Flag.MELDCODE in flags:
            return LetterStatus.WITHHELD, (
                "meldcode: signalen van huiselijk geweld of kindermishandeling; een behandelaar "
                "beslist over contact (klachtenbus letter send)"
            ), None  # fmt: skip
        assert message.answer_address is not None
        address = message.answer_address.email
        if address.lower() in senders.answered_automatically:
            return LetterStatus.WITHHELD, (
                f"{address} antwoordt automatisch (een automatisch antwoord in de afgelopen "
                f"{MACHINE_MEMORY.days} dagen); stuur de bevestiging zelf met klachtenbus letter send"
            ), None  # fmt: skip
        last = senders.last_letter.get(address.lower())
        if last is not None:
            later = last + self.auto_letter_pause
            return LetterStatus.PENDING, (
                f"uitgesteld tot {later:%d-%m-%Y %H:%M} UTC: {address} kreeg al een automatische "
                "brief (RFC 3834: hoogstens één per dag)"
            ), later  # fmt: skip
        return LetterStatus.PENDING, None, None

    def sender_history(self, session: Session, complaints: list[Complaint]) -> SenderHistory:
        """What RFC 3834 needs to know about a batch's senders, in two queries."""
        addresses = [c.message.answer_address.email for c in complaints if c.message.answer_address]
        now = datetime.now(UTC)
        return SenderHistory(
            last_letter=casework.last_automatic_letters(
                session, addresses, now - self.auto_letter_pause
            ),
            answered_automatically=casework.machine_senders(
                session, addresses, now - MACHINE_MEMORY
            ),
        )

    def alert(
        self,
        session: Session,
        row_id: int,
        message: ParsedMessage,
        case: tuple[int, str] | None,
    ) -> None:
        """Tell the meldcode's contact at once, complaint or not; sent like any letter, once."""
        recipient = self.organisation.meldcode_address or self.organisation.address
        signal = outbox.meldcode_signal(
            case_number=case[1] if case else None,
            message_number=row_id,
            subject=message.subject,
            received_at=message.received_at,
            reasons=["signalen van huiselijk geweld of kindermishandeling"],
            sender=self.organisation.address,
            recipient=recipient,
            organisation_name=self.organisation.name,
            time_zone=self.procedure.time_zone,
        )
        casework.add_alert(
            session,
            case_id=case[0] if case else None,
            message_row_id=row_id,
            recipient=recipient,
            message_id=signal.message_id,
            raw=signal.raw,
        )
        log.warning("Meldcode-signaal in bericht %s: %s is gewaarschuwd", row_id, recipient)

    def unanswerable(self, message: ParsedMessage) -> str | None:
        """Why no automatic letter may go to this sender, or None."""
        address = message.answer_address
        if address is None:
            return "geen bruikbaar afzenderadres"
        if self.organisation.owns(address.email):
            return "het adres is onze eigen klachtenmailbox"
        if is_no_reply(address.email):
            return f"{address.email} is een no-reply-adres"
        if not address.email.isascii():  # would need SMTPUTF8, which few servers offer
            return f"{address.email} bevat tekens buiten ASCII; stuur de bevestiging zelf"
        if len(address.email) > MAX_ADDRESS:
            return f"het adres is langer dan {MAX_ADDRESS} tekens (RFC 5321); geen echt adres"
        return None


def _sendable(address: str) -> bool:
    """Whether an SMTP server can take this address at all (the rest is `unanswerable`)."""
    return address.isascii() and len(address) <= MAX_ADDRESS
