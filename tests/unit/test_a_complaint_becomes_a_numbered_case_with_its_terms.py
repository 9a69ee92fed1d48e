"""Registering a batch of complaints gives each a case numbered in the batch's order, per
year of receipt in the organisation's time zone, with the complainant, the subject, the
description and the procedure's due dates; and an acknowledgement letter in the thread."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email import message_from_bytes, policy

from sqlalchemy import select

from klachtenbus.mail import Address
from klachtenbus.vocabulary import Flag, LetterStatus
from office.organisation import Organisation
from office.registering import Complaint, Registrar
from procedures import HSS, WorkingCalendar, load_preset
from storage import Case, Letter
from tests.memory import memory_store, parsed, stored

OURS = Organisation("klachten@zorg-voorbeeld.nl", "Stichting Zorg Voorbeeld", "Dorpsstraat 1")
NEW_YEARS_EVE = datetime(2026, 12, 31, 22, 30, tzinfo=UTC)  # 23:30 in Amsterdam
NEW_YEAR = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # already 1 January in Amsterdam


def cases_of(store) -> list[Case]:
    with store.unit_of_work() as session:
        return list(session.scalars(select(Case).order_by(Case.id)))


def letters_of(store) -> list[Letter]:
    with store.unit_of_work() as session:
        return list(session.scalars(select(Letter).order_by(Letter.id)))


def test_numbers_follow_the_batch_per_year_of_arrival_in_amsterdam() -> None:
    store = memory_store()
    registrar = Registrar(OURS, HSS, WorkingCalendar())
    arrivals = [NEW_YEAR, NEW_YEARS_EVE, NEW_YEAR, NEW_YEARS_EVE]
    with store.unit_of_work() as session:
        batch = [
            Complaint(stored(store, n), parsed(n, received_at=at), [])
            for n, at in enumerate(arrivals, 1)
        ]
        numbers = registrar.register_many(session, batch)
        assert registrar.register_many(session, []) == []
    assert numbers == ["K-2027-0001", "K-2026-0001", "K-2027-0002", "K-2026-0002"]
    with store.unit_of_work() as session:
        later = Complaint(stored(store, 5), parsed(5, received_at=NEW_YEAR), [])
        assert registrar.register(session, later.row_id, later.message, []) == "K-2027-0003"
    cases = cases_of(store)
    assert [(c.number, c.year, c.sequence) for c in cases] == [
        ("K-2027-0001", 2027, 1),
        ("K-2026-0001", 2026, 1),
        ("K-2027-0002", 2027, 2),
        ("K-2026-0002", 2026, 2),
        ("K-2027-0003", 2027, 3),
    ]
    assert [c.message_row_id for c in cases] == [c.row_id for c in batch] + [later.row_id]
    assert [c.received_at for c in cases] == [*arrivals, NEW_YEAR]


def test_a_case_holds_the_complainant_the_complaint_and_its_due_dates() -> None:
    store = memory_store()
    received = datetime(2026, 12, 22, 23, 30, tzinfo=UTC)  # 23 December in Amsterdam
    messages = [
        parsed(1, received_at=received, reply_to=Address("Thuis", "anna.thuis@example.nl")),
        parsed(2, sender=Address("", "kees@example.nl"), subject="", text="x" * 30_000),
        parsed(3, sender=Address("", ""), reply_to=None),
        parsed(4, sender=None, reply_to=Address("Anna", "anna@example.nl")),
    ]
    with store.unit_of_work() as session:
        Registrar(OURS, HSS, WorkingCalendar()).register_many(
            session,
            [Complaint(stored(store, n), m, [f"f{n}"]) for n, m in enumerate(messages, 1)],
        )
    first, second, third, fourth = cases_of(store)
    assert (first.complainant_name, first.complainant_email) == (
        "Klager 1",
        "anna.thuis@example.nl",
    )
    assert (first.subject, first.description) == (messages[0].subject, messages[0].text)
    assert (first.procedure, first.flags, first.channel) == ("hss", ["f1"], "e-mail")
    assert (first.acknowledge_due, first.answer_due) == (date(2027, 1, 5), date(2027, 2, 3))
    assert (second.complainant_name, second.complainant_email) == (
        "kees@example.nl",
        "kees@example.nl",
    )
    assert (second.subject, second.description) == ("(geen onderwerp)", "x" * 20_000)
    assert (third.complainant_name, third.complainant_email) == ("", None)
    assert (fourth.complainant_name, fourth.complainant_email) == ("", "anna@example.nl")
    greetings = [
        message_from_bytes(letter.raw, policy=policy.default)
        .get_body(("plain",))
        .get_content()
        .splitlines()[0]
        for letter in letters_of(store)
    ]
    assert greetings[0] == "Beste Klager 1,"
    assert greetings[3] == "Beste heer, mevrouw,"  # no name, and no made-up one


def test_without_an_acknowledgement_term_the_answer_term_is_the_first_due() -> None:
    store = memory_store()
    with store.unit_of_work() as session:
        Registrar(OURS, load_preset("kika"), WorkingCalendar()).register_many(
            session, [Complaint(stored(store), parsed(), [])]
        )
    (case,) = cases_of(store)
    assert (case.procedure, case.acknowledge_due, case.answer_due) == (
        "kika",
        date(2026, 3, 23),
        date(2026, 3, 23),
    )


def test_the_acknowledgement_answers_in_the_thread_from_our_address() -> None:
    store = memory_store()
    message = parsed(reply_to=Address("Anna Thuis", "anna.thuis@example.nl"))
    before = datetime.now(UTC)
    with store.unit_of_work() as session:
        (number,) = Registrar(OURS, HSS, WorkingCalendar()).register_many(
            session, [Complaint(stored(store), message, [])]
        )
    (case,), (letter,) = cases_of(store), letters_of(store)
    assert (letter.case_id, letter.purpose, letter.status) == (
        case.id,
        "ontvangstbevestiging",
        LetterStatus.PENDING,
    )
    assert (letter.recipient, letter.last_error) == ("anna.thuis@example.nl", None)
    assert before <= letter.next_attempt_at <= datetime.now(UTC)  # due at once
    mail = message_from_bytes(letter.raw, policy=policy.default)
    assert mail["Message-ID"] == letter.message_id
    assert mail["To"].addresses[0].addr_spec == "anna.thuis@example.nl"
    assert mail["To"].addresses[0].display_name == "Anna Thuis"
    assert mail["From"].addresses[0].addr_spec == "klachten@zorg-voorbeeld.nl"
    assert mail["From"].addresses[0].display_name == "Stichting Zorg Voorbeeld"
    assert mail["In-Reply-To"] == "<klacht-1@example.nl>"
    assert "<eerder-1@example.nl>" in mail["References"]
    assert number in mail["Subject"] and message.subject in mail["Subject"]
    body = mail.get_body(("plain",)).get_content()
    for words in (number, "Klager 1", "Stichting Zorg Voorbeeld", "Dorpsstraat 1"):
        assert words in body
    for words in ("2 maart 2026", "13 april 2026", HSS.title, HSS.external_route):
        assert words in body


def test_a_meldcode_signal_is_sent_at_once_to_its_contact() -> None:
    for organisation, contact in [
        (OURS, "klachten@zorg-voorbeeld.nl"),
        (
            Organisation(OURS.address, OURS.name, meldcode_address="aandacht@zorg.nl"),
            "aandacht@zorg.nl",
        ),
    ]:
        store = memory_store()
        with store.unit_of_work() as session:
            row_id = stored(store)
            (number,) = Registrar(organisation, HSS, WorkingCalendar()).register_many(
                session, [Complaint(row_id, parsed(), [Flag.MELDCODE])]
            )
        letters = {letter.purpose: letter for letter in letters_of(store)}
        acknowledgement, signal = letters["ontvangstbevestiging"], letters["meldcode-signaal"]
        (case,) = cases_of(store)
        assert acknowledgement.status == LetterStatus.WITHHELD
        assert (signal.purpose, signal.recipient, signal.status) == (
            "meldcode-signaal",
            contact,
            "pending",
        )
        assert (signal.case_id, signal.message_row_id) == (case.id, row_id)
        mail = message_from_bytes(signal.raw, policy=policy.default)
        assert mail["Message-ID"] == signal.message_id
        assert mail["From"].addresses[0].addr_spec == OURS.address
        body = mail.get_body(("plain",)).get_content()
        for words in (
            f"Zaak: {number}",
            "Ontvangen: 02-03-2026 10:00",  # 09:00 UTC, on the Amsterdam clock
            "Herkend: signalen van huiselijk geweld of kindermishandeling",
            "Stichting Zorg Voorbeeld - Klachtenbus",
        ):
            assert words in body


def test_a_meldcode_signal_without_a_case_names_the_message() -> None:
    store = memory_store()
    with store.unit_of_work() as session:
        row_id = stored(store)
        Registrar(OURS, HSS, WorkingCalendar()).alert(session, row_id, parsed(), None)
    (signal,) = letters_of(store)
    assert (signal.case_id, signal.message_row_id, signal.recipient) == (None, row_id, OURS.address)
    body = message_from_bytes(signal.raw, policy=policy.default).get_body(("plain",)).get_content()
    assert f"Bericht: nummer {row_id} (geen zaak)" in body
