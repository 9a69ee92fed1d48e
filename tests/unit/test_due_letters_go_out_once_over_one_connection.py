"""A send run connects once, hands every due letter over and records it as sent (an
acknowledgement also acknowledges its case); a page at a time, or every page."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from bot.sending import Sender, SendSummary
from klachtenbus.vocabulary import CaseStatus, LetterStatus
from storage import Case, records
from storage.models import now
from tests.memory import FakeMailer, a_case, a_letter, letter, memory_store

OURS = "klachten@zorg-voorbeeld.nl"


def test_due_letters_are_handed_over_and_recorded_as_sent() -> None:
    store = memory_store()
    first, second = (a_letter(store, a_case(store, n)) for n in (1, 2))
    not_yet = a_letter(store, a_case(store, 3), due=now() + timedelta(hours=1))
    mailer = FakeMailer()
    before = now()
    summary = Sender(store, OURS, threading.Event()).send_due(mailer)
    assert summary == SendSummary(sent=2)
    assert mailer.sessions == 1
    # the claim's time, by which a worker that dies mid-letter is found later
    assert before <= letter(store, first).claimed_at <= letter(store, second).claimed_at <= now()
    assert mailer.delivered == [
        (b"brief ontvangstbevestiging 1", OURS, "anna.dewit@example.nl",
         "<ontvangstbevestiging-1@zorg-voorbeeld.nl>"),
        (b"brief ontvangstbevestiging 2", OURS, "anna.dewit@example.nl",
         "<ontvangstbevestiging-2@zorg-voorbeeld.nl>"),
    ]  # fmt: skip
    for letter_id in (first, second):
        assert letter(store, letter_id).status == LetterStatus.SENT
    assert letter(store, not_yet).status == LetterStatus.PENDING
    with store.unit_of_work() as session:
        assert session.get(Case, 1).status == CaseStatus.ACKNOWLEDGED


def test_nothing_due_makes_no_connection() -> None:
    store = memory_store()
    mailer = FakeMailer()
    assert Sender(store, OURS, threading.Event()).send_due(mailer) == SendSummary()
    assert mailer.sessions == 0


def test_a_letter_without_an_address_goes_to_the_empty_recipient() -> None:
    """What the server says about it is the server's: the letter is not silently dropped."""
    store = memory_store()
    letter_id = a_letter(store, a_case(store))
    with store.unit_of_work() as session:
        session.get(type(letter(store, letter_id)), letter_id).recipient = None
    mailer = FakeMailer()
    Sender(store, OURS, threading.Event()).send_due(mailer)
    assert [d[2] for d in mailer.delivered] == [""]


def test_one_run_sends_a_page_and_a_full_run_sends_every_page() -> None:
    store = memory_store()
    for n in range(1, 56):
        a_letter(store, a_case(store, n))
    sender = Sender(store, OURS, threading.Event())
    at = datetime.now(UTC)
    assert sender.send_due(FakeMailer(), at=at).sent == 50
    for n in range(56, 111):
        a_letter(store, a_case(store, n))
    mailer = FakeMailer()
    assert sender.send_due_all(mailer).sent == 60
    assert mailer.sessions == 1
    with store.unit_of_work() as session:
        assert records.due_letter_count(session, now()) == 0


def test_a_stop_or_an_end_of_waiting_leaves_the_rest_pending() -> None:
    store = memory_store()
    letters = [a_letter(store, a_case(store, n)) for n in (1, 2, 3)]
    stop = threading.Event()
    stop.set()
    assert Sender(store, OURS, stop).send_due(FakeMailer()) == SendSummary()
    answers = iter([False, True])
    summary = Sender(store, OURS, threading.Event()).send_due(
        FakeMailer(), until=lambda: next(answers)
    )
    assert summary == SendSummary(sent=1)
    assert [letter(store, i).status for i in letters] == [
        LetterStatus.SENT,
        LetterStatus.PENDING,
        LetterStatus.PENDING,
    ]
    assert [letter(store, i).attempts for i in letters] == [1, 0, 0]


def test_a_stale_claim_is_counted_as_abandoned() -> None:
    store = memory_store()
    letter_id = a_letter(store, a_case(store))
    with store.unit_of_work() as session:
        records.claim_letters(session, [letter_id], now() - timedelta(hours=1))
    summary = Sender(store, OURS, threading.Event()).send_due(FakeMailer())
    assert summary == SendSummary(abandoned=1)
    assert letter(store, letter_id).status == LetterStatus.UNCERTAIN


def test_a_letter_another_worker_took_meanwhile_is_skipped_and_the_next_goes() -> None:
    store = memory_store()
    taken, mine = (a_letter(store, a_case(store, n)) for n in (1, 2))
    others_turn = iter([True])

    def until() -> bool:  # asked before each letter; the first time, the other worker wins
        if next(others_turn, False):
            with store.unit_of_work() as session:
                records.claim_letters(session, [taken], now())
        return False

    mailer = FakeMailer()
    summary = Sender(store, OURS, threading.Event()).send_due(mailer, until=until)
    assert summary == SendSummary(sent=1)
    assert [d[3] for d in mailer.delivered] == ["<ontvangstbevestiging-2@zorg-voorbeeld.nl>"]
    assert letter(store, taken).status == LetterStatus.SENDING  # the other worker's to record
    assert letter(store, mine).status == LetterStatus.SENT
