"""The letters a change to a case writes, and the drafts an officer checks before they go.

A change is worked out in full in its transaction, letters included; a preview then rolls it
back and shows the letters, and the confirmation carries their fingerprint. The change is
done only when the letters it writes have that fingerprint still, so what goes out is the
letter the officer read, not a later rendering of it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from klachtenbus.errors import KlachtenbusError
from klachtenbus.vocabulary import Closure, LetterStatus
from office import Office
from outbox import Envelope
from outbox.case_letters import CaseFacts, case_letter
from outbox.letters import as_read
from procedures import received_on
from storage import Case, records


class LetterChanged(KlachtenbusError):
    """The letter differs from the one the officer previewed: look at it again, then confirm."""


@dataclass(frozen=True)
class Draft:
    """One letter exactly as it is queued: To, From, Subject and text, and when it goes."""

    purpose: str  # as stored: afsluiting, or afsluiting-2 after an appeal
    recipient: str  # the To header; empty when there is no address and the letter is held
    sender: str
    subject: str
    text: str
    send_at: datetime
    withheld: bool  # no e-mail address: an officer sends it by post


def fingerprint(drafts: list[Draft]) -> str:
    """What the officer saw, as one hash: the confirmation must match it."""
    shown = [
        [d.purpose, d.recipient, d.sender, d.subject, d.text, d.send_at.date().isoformat()]
        for d in drafts
    ]
    return hashlib.sha256(json.dumps(shown, ensure_ascii=False).encode()).hexdigest()


def check_seen(drafts: list[Draft], expected: str | None, number: str) -> None:
    """Refuse a confirmation whose letters are not the ones previewed (None: no preview, as
    on the command line, where `letter preview` shows them)."""
    if expected is not None and fingerprint(drafts) != expected:
        raise LetterChanged(
            f"De brief voor {number} is anders dan de brief die u bekeek (de tekst is gewijzigd, "
            "of de zaak veranderde intussen). Er is niets verstuurd; bekijk de brief opnieuw en "
            "bevestig dan."
        )


def facts_of(
    office: Office, case: Case, *, reason: str = "", previous_answer_by: date | None = None
) -> CaseFacts:
    """What a letter of this case may state; `reason` is the officer's text for the letter."""
    procedure = office.procedure_of(case)
    return CaseFacts(
        case_number=case.number,
        complainant_name=case.complainant_name
        if case.complainant_name != case.complainant_email
        else "",
        subject=case.subject,
        received_on=received_on(procedure, case.received_at),
        answer_by=case.answer_due,
        procedure_title=procedure.title,
        external_route=procedure.external_route,
        organisation_name=office.organisation.name,
        organisation_address=office.organisation.postal_address,
        admissible=case.closure != Closure.NOT_ADMISSIBLE,
        reason=reason,
        previous_answer_by=previous_answer_by,
        extension_basis=procedure.extension_basis,
        closure=case.closure or "",
        outcome=case.outcome or "",
        measures=case.measures or "",
    )


def queue(
    session: Session,
    office: Office,
    case: Case,
    purpose: str,
    facts: CaseFacts,
    send_at: datetime,
    *,
    officer_text: str | None = None,
) -> Draft:
    """Write the letter into the outbox in this transaction; the sender delivers it once."""
    taken = {x.purpose for x in case.letters}
    name, n = purpose, 1
    while name in taken:  # a second afsluiting after an appeal, say
        n += 1
        name = f"{purpose}-{n}"
    complaint_id = case.message.message_id
    earlier = tuple(x.message_id for x in case.letters)
    envelope = Envelope(
        sender=office.organisation.address,
        sender_name=office.organisation.name,
        recipient=case.complainant_email or "",
        recipient_name=facts.complainant_name,
        in_reply_to=complaint_id,
        references=earlier,
    )
    letter = case_letter(
        purpose,
        facts,
        envelope,
        sent_at=send_at,
        preset=office.procedure_of(case).key,
        own=office.procedure_of(case).letters,
        officer_text=officer_text,
    )
    status = LetterStatus.PENDING if case.complainant_email else LetterStatus.WITHHELD
    stored = records.add_letter(
        session,
        case,
        purpose=name,
        recipient=case.complainant_email,
        message_id=letter.message_id,
        raw=letter.raw,
        status=status,
    )
    stored.next_attempt_at = send_at
    if status == LetterStatus.WITHHELD:
        stored.last_error = "geen e-mailadres van de klager: verstuur de brief per post"
    read = as_read(letter.raw)
    return Draft(
        purpose=name,
        recipient=read.recipient if case.complainant_email else "",
        sender=read.sender,
        subject=read.subject,
        text=read.text,
        send_at=send_at,
        withheld=status == LetterStatus.WITHHELD,
    )
