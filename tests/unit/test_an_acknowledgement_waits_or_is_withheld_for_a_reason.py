"""An automatic acknowledgement goes only where it can do no harm: never to no address, to
ourselves, to a no-reply address, to an address no SMTP server takes, or to a sender that
answers automatically; at most one per sender per day (RFC 3834), the next one waits. Every
letter held back says why, for the officer who sends it by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

from sqlalchemy import select

from klachtenbus.mail import Address
from klachtenbus.vocabulary import Flag, Kind
from office.organisation import Organisation
from office.registering import Complaint, Registrar
from procedures import HSS, WorkingCalendar
from storage import Letter, StoredMessage
from tests.memory import memory_store, parsed, stored

OURS = Organisation(
    "klachten@zorg-voorbeeld.nl", "Stichting Zorg Voorbeeld", aliases=("imap@zorg-voorbeeld.nl",)
)


def register(store, *senders: Address, flags=(), pause: timedelta | None = None) -> list[Letter]:
    registrar = Registrar(OURS, HSS, WorkingCalendar())
    if pause is not None:
        registrar = Registrar(OURS, HSS, WorkingCalendar(), pause)
    with store.unit_of_work() as session:
        complaints = [
            Complaint(stored(store, n), parsed(n, sender=sender), list(flags))
            for n, sender in enumerate(senders, len(store_letters(store)) * 10 + 1)
        ]
        registrar.register_many(session, complaints)
    return store_letters(store)[-len(senders) :]


def store_letters(store) -> list[Letter]:
    with store.unit_of_work() as session:
        return list(
            session.scalars(
                select(Letter).where(Letter.purpose == "ontvangstbevestiging").order_by(Letter.id)
            )
        )


def held(letter: Letter) -> tuple[str, str | None, str | None]:
    return letter.status, letter.recipient, letter.last_error


LONG = "a" * 243 + "@example.nl"  # 254 characters: the longest an SMTP server takes


def test_an_acknowledgement_is_withheld_where_it_cannot_go() -> None:
    letters = register(
        memory_store(),
        Address("Niemand", ""),
        Address("", "Klachten+test@zorg-voorbeeld.nl"),
        Address("", "imap@zorg-voorbeeld.nl"),
        Address("", "noreply@example.nl"),
        Address("", "anné@example.nl"),
        Address("", "a" + LONG),
        Address("", LONG),
    )
    assert [held(letter) for letter in letters] == [
        ("withheld", None, "geen bruikbaar afzenderadres"),
        ("withheld", "Klachten+test@zorg-voorbeeld.nl", "het adres is onze eigen klachtenmailbox"),
        ("withheld", "imap@zorg-voorbeeld.nl", "het adres is onze eigen klachtenmailbox"),
        ("withheld", "noreply@example.nl", "noreply@example.nl is een no-reply-adres"),
        ("withheld", None, "anné@example.nl bevat tekens buiten ASCII; stuur de bevestiging zelf"),
        ("withheld", None, "het adres is langer dan 254 tekens (RFC 5321); geen echt adres"),
        ("pending", LONG, None),
    ]
    for unsendable in (letters[0], letters[4], letters[5]):  # no name on an empty envelope
        assert message_from_bytes(unsendable.raw, policy=policy.default)["To"] == ""
    (named,) = register(memory_store(), Address("Anné", "anné@example.nl"))
    assert message_from_bytes(named.raw, policy=policy.default)["To"] == ""


def test_a_withheld_letter_does_not_hold_up_the_next_one_in_its_batch() -> None:
    store = memory_store()
    anna = Address("Anna", "anna@example.nl")
    with store.unit_of_work() as session:
        Registrar(OURS, HSS, WorkingCalendar()).register_many(
            session,
            [
                Complaint(stored(store, 1), parsed(1, sender=anna), [Flag.MELDCODE]),
                Complaint(stored(store, 2), parsed(2, sender=anna), []),
            ],
        )
    withheld, pending = store_letters(store)
    assert (withheld.status, pending.status, pending.last_error) == ("withheld", "pending", None)


def test_a_meldcode_signal_withholds_the_acknowledgement() -> None:
    (letter,) = register(memory_store(), Address("", "anna@example.nl"), flags=[Flag.MELDCODE])
    assert held(letter) == (
        "withheld",
        "anna@example.nl",
        "meldcode: signalen van huiselijk geweld of kindermishandeling; een behandelaar beslist "
        "over contact (klachtenbus letter send)",
    )


def test_a_sender_that_answered_automatically_this_week_gets_no_automatic_letter() -> None:
    store = memory_store()
    now = datetime.now(UTC)
    for n, (address, days) in enumerate([("robot@example.nl", 6), ("oud@example.nl", 8)]):
        with store.unit_of_work() as session:
            message = session.get(StoredMessage, stored(store, 100 + n, received_at=now))
            message.sender_email, message.kind = address, Kind.OTHER
            message.received_at = now - timedelta(days=days)
    robot, old = register(store, Address("", "robot@example.nl"), Address("", "oud@example.nl"))
    assert held(robot) == (
        "withheld",
        "robot@example.nl",
        "robot@example.nl antwoordt automatisch (een automatisch antwoord in de afgelopen 7 "
        "dagen); stuur de bevestiging zelf met klachtenbus letter send",
    )
    assert held(old) == ("pending", "oud@example.nl", None)


def test_a_second_letter_to_one_sender_waits_a_day() -> None:
    store = memory_store()
    anna, other, again, third = register(
        store,
        Address("", "anna@example.nl"),
        Address("", "kees@example.nl"),
        Address("", "anna@example.nl"),
        Address("", "anna@example.nl"),
    )
    assert anna.status == other.status == "pending" and anna.last_error is None
    later = anna.next_attempt_at + timedelta(hours=24)
    assert (again.status, again.next_attempt_at) == ("pending", later)
    assert again.last_error == (
        f"uitgesteld tot {later:%d-%m-%Y %H:%M} UTC: anna@example.nl kreeg al een automatische "
        "brief (RFC 3834: hoogstens één per dag)"
    )
    assert third.next_attempt_at == later  # counted from the letter that went, not the waiting one
    (next_batch,) = register(store, Address("", "anna@example.nl"))
    assert next_batch.next_attempt_at == later + timedelta(hours=24)  # after the waiting ones


def test_the_pause_is_the_organisations_setting_and_a_withheld_letter_does_not_count() -> None:
    store = memory_store()
    (first,) = register(store, Address("", "anna@example.nl"), flags=[Flag.MELDCODE])
    (second,) = register(store, Address("", "anna@example.nl"), pause=timedelta(hours=2))
    assert (second.status, second.last_error) == ("pending", None)
    (third,) = register(store, Address("", "anna@example.nl"), pause=timedelta(hours=2))
    assert third.next_attempt_at == second.next_attempt_at + timedelta(hours=2)
    assert first.status == "withheld"
