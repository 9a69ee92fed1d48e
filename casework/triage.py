"""Officers' decisions on messages, in the browser and on the command line alike: what a
message is, the case it belongs to, a meldcode signal, who handles it.

Each decision is a label (who, when, what: the model learns from it) kept beside earlier ones,
never over them, and an audit row with the values before and after, in the same transaction
as what the decision does (a case and its acknowledgement, a letter to the meldcode contact).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import intake
from casework import cases
from casework.inbox import KIND_LABELS
from klachtenbus.errors import KlachtenbusError, MessageUnparseable
from klachtenbus.mail import ParsedMessage
from klachtenbus.vocabulary import Flag, Kind, LetterStatus
from office import Office
from office.registering import Complaint, Registrar
from storage import Case, Store, StoredMessage, casework, records
from storage import inbox as mail
from storage.accounts import add_audit, user_by_name

log = logging.getLogger(__name__)
T = TypeVar("T")

LABEL_KINDS = (Kind.COMPLAINT, Kind.REMARK, Kind.OTHER)
# What an officer may type: the Dutch words the interface uses, and the English values.
KIND_WORDS: dict[str, Kind] = {k.value: k for k in LABEL_KINDS} | {
    "klacht": Kind.COMPLAINT,
    "opmerking": Kind.REMARK,
    "automatisch": Kind.OTHER,
}
FLAG_WORDS: dict[str, Flag] = {f.value: f for f in Flag} | {
    "intrekking": Flag.WITHDRAWAL,
    "beroep": Flag.APPEAL,
    "vervolg": Flag.FOLLOWUP,
}
DUTCH = {Kind.COMPLAINT: "klacht", Kind.REMARK: "opmerking", Kind.OTHER: "automatisch"}
BULK_KINDS = (Kind.REMARK, Kind.OTHER)  # never many complaints at once: each starts a term
CASE_NUMBER = re.compile(r"K-\d{4}-\d{4,}")
BY_OFFICER = "door een behandelaar"  # how a message an officer attached matched its case


class LabelRefused(KlachtenbusError):
    """A decision could not be stored: the message reference, the kind or a flag is wrong."""


class DecisionRefused(KlachtenbusError):
    """A decision cannot be carried out as asked; the message says what to do instead."""


@dataclass(frozen=True)
class Waiting:
    """A message in the triage queue, as an officer sees it on the command line."""

    number: int
    received_at: datetime
    sender: str
    subject: str
    complaint_probability: float | None
    reasons: list[str]


def waiting(store: Store, limit: int = 200) -> list[Waiting]:
    """What the bot was unsure about and no officer has decided yet, oldest first."""
    with store.unit_of_work() as session:
        return [
            Waiting(
                m.id,
                m.received_at,
                m.sender_email or "",
                m.subject or "",
                m.complaint_probability,
                m.reasons or [],
            )
            for m in records.triage_queue(session, limit)
        ]


@dataclass(frozen=True)
class Decided:
    """What an officer's decision did: the message, the case it registered (a complaint that
    had none), and the colleagues who decided otherwise before (kept beside it, not over it)."""

    number: int
    case_number: str | None = None
    earlier: tuple[tuple[str, str], ...] = ()  # (officer, kind) of earlier, different labels
    kind: Kind | None = None
    existing_case: str | None = None  # the case the message already was or joined


def decide(
    store: Store,
    reference: str,
    kind: str,
    *,
    flags: Sequence[str] | None = (),
    officer: str,
    note: str | None = None,
    office: Office | None = None,
    without: Sequence[str] = (),
) -> Decided:
    """Store who decided what about a message, and when.

    `flags` None keeps the flags the message has now (the latest label's, else the bot's),
    less those `without`: an officer who decides only the kind leaves a meldcode signal in
    place. With an `office`, a message decided to be a complaint that is no case yet is
    registered in the same transaction, and its acknowledgement queued as for one the bot
    registered: an officer's "this is a complaint" must start the legal term, not only teach
    the model.
    """
    decided = _kind(kind)
    chosen = None if flags is None else _flags(flags)
    dropped = set(_flags(without))
    _officer(officer)

    def work(session: Session) -> Decided:
        message = _message(session, reference)
        before = _current(session, message)
        kept = before["vlaggen"] if chosen is None else chosen
        chosen_now = sorted(set(kept) - dropped)
        done = _decide(session, message, decided, chosen_now, officer, note, office)
        after = {"soort": DUTCH[decided], "vlaggen": chosen_now, "notitie": note}
        if done.case_number:
            after["zaak"] = done.case_number
        _audit(session, officer, "message.label", message.id, before, after)
        return done

    return _once(store, work)


def decide_many(
    store: Store, references: Sequence[str], kind: str, *, officer: str
) -> list[Decided]:
    """The same decision (opmerking or automatisch) on many messages, all or none: machine
    mail the bot took for a person's, labelled in one go."""
    decided = _kind(kind)
    _officer(officer)
    if decided not in BULK_KINDS:
        raise LabelRefused(
            "In één keer kan alleen 'opmerking' of 'automatisch'; beoordeel een klacht per "
            "bericht, want elke klacht start een termijn."
        )
    if not references:
        raise LabelRefused("Kies eerst een of meer berichten met de vakjes in de lijst.")

    def work(session: Session) -> list[Decided]:
        done = []
        for reference in dict.fromkeys(references):  # each once, in the order given
            message = _message(session, reference)
            before = _current(session, message)
            kept = before["vlaggen"]  # the kind is decided; the flags stay as they are
            done.append(_decide(session, message, decided, kept, officer, None, None))
            after = {"soort": DUTCH[decided], "vlaggen": kept, "in één keer met": len(references)}
            _audit(session, officer, "message.label", message.id, before, after)
        return done

    return _once(store, work)


@dataclass(frozen=True)
class Attached:
    number: int
    case_number: str
    earlier: tuple[tuple[str, str], ...] = ()


def attach(
    store: Store,
    number: int,
    case_number: str,
    *,
    officer: str,
    kind: str = "opmerking",
    note: str | None = None,
) -> Attached:
    """A message an officer recognises as part of an existing case joins it as
    correspondence (never a new case, never an acknowledgement), labelled as a follow-up."""
    decided = _kind(kind)
    _officer(officer)
    wanted = case_number.strip().upper()
    if not CASE_NUMBER.fullmatch(wanted):
        raise DecisionRefused(
            f"'{case_number}' is geen zaaknummer; schrijf het zoals K-2026-0012 (de zaken staan "
            "onder Zaken)."
        )

    def work(session: Session) -> Attached:
        message = _message(session, str(number))
        case = casework.case_by_number(session, wanted)
        if case is None:
            raise DecisionRefused(
                f"Zaak {wanted} bestaat niet; controleer het nummer onder Zaken en probeer het "
                "opnieuw."
            )
        found = mail.case_of(session, message.id)
        if found is not None:
            other, own = found
            what = "is zelf de klacht van" if own else "hoort al bij"
            raise DecisionRefused(
                f"Bericht {message.id} {what} zaak {other.number}; het kan niet ook bij "
                f"{wanted}. Klopt dat niet, meld het aan de beheerder."
            )
        before = _current(session, message)
        casework.attach(session, case.id, message.id, BY_OFFICER)
        casework.add_event(
            session, case, actor=officer, kind="correspondence",
            reason=f"door {officer} bij de zaak gevoegd",
            details={"message": message.id, "kind": decided.value},
        )  # fmt: skip
        done = _decide(session, message, decided, [Flag.FOLLOWUP], officer, note, None)
        after = {"zaak": case.number, "soort": DUTCH[decided], "vlaggen": [Flag.FOLLOWUP.value]}
        _audit(session, officer, "message.attach", message.id, before, after)
        return Attached(message.id, case.number, done.earlier)

    return _once(store, work)


@dataclass(frozen=True)
class Signalled:
    """What a meldcode decision did: who was alerted (or when, if before), the case."""

    number: int
    recipient: str
    case_number: str | None
    already_alerted: datetime | None = None
    held_letters: int = 0
    registered: str | None = None


def meldcode(
    store: Store,
    office: Office,
    number: int,
    kind: str,
    *,
    officer: str,
    note: str | None = None,
) -> Signalled:
    """A possible sign of abuse: the message is labelled with the meldcode flag, the
    meldcode contact is alerted (once), letters to the sender not yet sent are held, and the
    case records the hand-over, all in one transaction."""
    decided = _kind(kind)
    _officer(officer)

    def work(session: Session) -> Signalled:
        message = _message(session, str(number))
        before = _current(session, message)
        was = mail.case_of(session, message.id)
        earlier = mail.alerts_of(session, message.id, was[0].id if was else None)
        done = _decide(session, message, decided, [Flag.MELDCODE], officer, note, office)
        found = mail.case_of(session, message.id)
        case = found[0] if found else None
        recipient = office.organisation.meldcode_address or office.organisation.address
        if earlier:
            recipient = earlier[0].recipient or recipient
        elif not mail.alerts_of(session, message.id, case.id if case else None):
            # (a complaint this decision registered was alerted about by its registration)
            pair = (case.id, case.number) if case else None
            _registrar(office).alert(session, message.id, _for_alert(message), pair)
        held = _hand_over(session, case, officer, recipient, message.id) if case else 0
        after = {
            "aan": recipient,
            "zaak": case.number if case else None,
            "soort": DUTCH[decided],
            "brieven tegengehouden": held,
        }
        _audit(session, officer, "message.meldcode", message.id, before, after)
        return Signalled(
            message.id,
            recipient,
            case.number if case else None,
            earlier[0].created_at if earlier else None,
            held,
            done.case_number,
        )

    return _once(store, work)


def _hand_over(session: Session, case: Case, officer: str, recipient: str, message: int) -> int:
    """The case records the signal and holds what would still go to the sender."""
    held = mail.letters_of_case(session, case.id, [LetterStatus.PENDING])
    for letter in held:
        letter.status = LetterStatus.WITHHELD
        letter.last_error = (
            f"meldcode: door {officer} tegengehouden; een behandelaar beslist over contact "
            "(klachtenbus letter send)"
        )
    flags = sorted({*(case.flags or []), Flag.MELDCODE.value})
    case.flags = flags
    casework.add_event(
        session, case, actor=officer, kind="meldcode",
        reason=f"Meldcode-signaal doorgegeven aan {recipient}. Stopt de gewone procedure, zet "
        f"de zaak dan op overgedragen (onder Zaken, of klachtenbus case move {case.number} "
        "overgedragen --door NAAM --reden ...).",
        details={"message": message, "to": recipient, "held": [x.purpose for x in held]},
    )  # fmt: skip
    return len(held)


def _for_alert(message: StoredMessage) -> ParsedMessage:
    """What an alert needs to say (subject, arrival); an unreadable message is alerted too."""
    return ParsedMessage(
        sender=None,
        reply_to=None,
        recipients=(),
        subject=message.subject or "(geen onderwerp)",
        date=message.date_header,
        received_at=message.received_at,
        message_id=message.message_id,
        in_reply_to=None,
        references=(),
        text="",
    )


@dataclass(frozen=True)
class Assigned:
    number: int
    officer: str
    case_number: str | None


def assign(store: Store, number: int, name: str, *, actor: str) -> Assigned:
    """Who handles a message: for a message with a case, the case's officer (by the case's
    own rule, `casework.cases.assign`: the address its reminders go to); without a case, an
    assignment kept in the audit trail and shown with the message."""
    _officer(actor)
    with store.unit_of_work() as session:
        message = _message(session, str(number))
        user = user_by_name(session, name) if name.strip() else None
        if user is None or not user.active:
            raise DecisionRefused(
                f"Er is geen actieve gebruiker '{name}'; kies een behandelaar uit de lijst."
            )
        found = mail.case_of(session, message.id)
        if found is None:
            before = {"behandelaar": mail.assignments(session, [message.id]).get(message.id)}
            after = {"behandelaar": user.name}
            _audit(session, actor, mail.ASSIGNED, message.id, before, after)
            return Assigned(message.id, user.name, None)
        case_number, address, shown = found[0].number, user.email, user.display_name
    if not address:
        raise DecisionRefused(
            f"{shown} heeft geen e-mailadres in het account, en de herinneringen van zaak "
            f"{case_number} gaan per e-mail. Vraag een beheerder om een account met "
            "e-mailadres, of kies een andere behandelaar."
        )
    cases.assign(store, case_number, address, actor=actor)
    return Assigned(number, address, case_number)


# -- shared steps ------------------------------------------------------------------------------


def _decide(
    session: Session,
    message: StoredMessage,
    decided: Kind,
    flags: Sequence[str],
    officer: str,
    note: str | None,
    office: Office | None,
) -> Decided:
    """The label, and the case when a complaint is no case yet (with an office)."""
    chosen = sorted(set(flags))
    earlier = tuple(
        (other.officer, other.kind)
        for other in records.labels_of(session, message.id)
        if other.kind != decided
    )
    records.add_label(session, message, kind=str(decided), flags=chosen, officer=officer, note=note)
    found = mail.case_of(session, message.id)
    number = None
    if decided == Kind.COMPLAINT and office is not None and found is None:
        number = _register(session, office, message, chosen, officer)
    return Decided(message.id, number, earlier, decided, found[0].number if found else None)


def _register(
    session: Session, office: Office, message: StoredMessage, flags: list[str], officer: str
) -> str:
    """A case for a message an officer decided is a complaint; returns the new case number."""
    try:
        parsed = intake.parse(records.raw_bytes(message), received_at=message.received_at)
    except MessageUnparseable as exc:
        raise LabelRefused(
            f"Bericht {message.id} is onleesbaar ({exc}); registreer de klacht met de hand."
        ) from exc
    (number,) = _registrar(office).register_many(session, [Complaint(message.id, parsed, flags)])
    case = casework.case_by_number(session, number)
    assert case is not None
    casework.add_event(
        session, case, actor=officer, kind="register",
        reason="door een behandelaar als klacht beoordeeld", details={"message": message.id},
    )  # fmt: skip
    log.info("Bericht %s door %s als klacht geregistreerd: %s", message.id, officer, number)
    return number


def _registrar(office: Office) -> Registrar:
    return Registrar(
        office.organisation, office.procedure, office.calendar, office.auto_letter_pause
    )


def _current(session: Session, message: StoredMessage) -> dict[str, Any]:
    """What the message was before the decision: the latest label, else the bot's judgement."""
    labels = records.labels_of(session, message.id)
    if labels:
        kind, flags, by = labels[-1].kind, labels[-1].flags or [], labels[-1].officer
    else:
        kind, flags, by = message.kind, message.flags or [], "klachtenbus"
    word = KIND_LABELS[Kind(kind)] if kind in set(Kind) else (kind or message.status)
    return {"soort": word, "vlaggen": list(flags), "door": by}


def _audit(
    session: Session,
    actor: str,
    action: str,
    message_row_id: int,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    add_audit(
        session,
        actor=actor,
        action=action,
        subject=mail.subject_of(message_row_id),
        before=before,
        after=after,
    )


def _message(session: Session, reference: str) -> StoredMessage:
    message = records.find_message(session, str(reference).strip())
    if message is None:
        raise LabelRefused(
            f"Bericht '{reference}' is niet gevonden; `klachtenbus triage` en de inbox tonen "
            "de nummers."
        )
    return message


def _kind(kind: str) -> Kind:
    if not kind.strip():
        raise LabelRefused("Kies wat het bericht is: klacht, opmerking of automatisch.")
    decided = KIND_WORDS.get(kind.strip().lower())
    if decided is None:
        raise LabelRefused(
            f"Soort '{kind}' bestaat niet; kies klacht, opmerking of automatisch "
            "(of complaint, remark, other)."
        )
    return decided


def _flags(flags: Sequence[str]) -> list[str]:
    unknown = [f for f in flags if f.strip().lower() not in FLAG_WORDS]
    if unknown:
        raise LabelRefused(
            f"Onbekende vlag(gen): {', '.join(unknown)}; kies uit meldcode, intrekking, beroep, "
            "vervolg (of withdrawal, appeal, followup)."
        )
    return sorted({FLAG_WORDS[f.strip().lower()].value for f in flags})


def _officer(officer: str) -> None:
    if not officer.strip():
        raise LabelRefused("Zeg wie beslist: geef --door NAAM mee.")


def _once(store: Store, work: Callable[[Session], T]) -> T:
    """One transaction; once more when a colleague's decision on the same message won a race
    (the database refuses a second case for one message), now seeing theirs."""
    try:
        with store.unit_of_work() as session:
            return work(session)
    except IntegrityError:
        log.info("Een collega beslist tegelijk over hetzelfde bericht; opnieuw geprobeerd.")
        with store.unit_of_work() as session:
            return work(session)
