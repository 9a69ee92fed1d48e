"""A letter the server refuses waits its backoff while the next one goes; a server that cannot
be reached, or goes away mid-run, ends the run with every unsent letter due again and the
letters it took recorded as sent; while it stays away, busy moments do not knock again."""

from __future__ import annotations

import logging
import random
import threading
from datetime import timedelta

import pytest

from bot.sending import OUTAGE_REMINDER, Sender, SendSummary, retry_delay
from klachtenbus.vocabulary import LetterStatus
from storage.models import now
from tests.memory import FakeMailer, a_case, a_letter, letter, memory_store

OURS = "klachten@zorg-voorbeeld.nl"


def mid(n: int) -> str:
    return f"<ontvangstbevestiging-{n}@zorg-voorbeeld.nl>"


def test_a_refused_letter_waits_its_backoff_and_the_next_goes() -> None:
    store = memory_store()
    refused, fine, also_refused = (a_letter(store, a_case(store, n)) for n in (1, 2, 3))
    before = now()
    summary = Sender(store, OURS, threading.Event()).send_due(
        FakeMailer(refuse={mid(1), mid(3)}), retry_base=100, retry_max=1000
    )
    assert summary == SendSummary(sent=1, failed=2)
    assert letter(store, also_refused).status == LetterStatus.PENDING
    row = letter(store, refused)
    assert (row.status, row.attempts, row.last_error) == (
        LetterStatus.PENDING,
        1,
        f"Geweigerd: {mid(1)}.",
    )
    assert before + timedelta(seconds=90) <= row.next_attempt_at <= now() + timedelta(seconds=110)
    assert letter(store, fine).status == LetterStatus.SENT


@pytest.mark.parametrize("run", ["send_due", "send_due_all", "send_while"])
@pytest.mark.parametrize("attempts", [0, 20])
def test_a_refused_letter_waits_half_a_minute_at_first_and_an_hour_at_most(
    run: str, attempts: int
) -> None:
    """The defaults every run shares; the draw is the one retry_delay makes with this seed."""
    store = memory_store()
    letter_id = a_letter(store, a_case(store))
    with store.unit_of_work() as session:
        session.get(type(letter(store, letter_id)), letter_id).attempts = attempts
    sender = Sender(store, OURS, threading.Event())
    mailer = FakeMailer(refuse={mid(1)})
    random.seed(11)
    delay = timedelta(seconds=retry_delay(attempts + 1, 30, 3600))
    random.seed(11)
    before = now()
    if run == "send_while":
        sender.send_while(mailer, lambda: True)
    else:
        getattr(sender, run)(mailer)
    after = now()
    assert before + delay <= letter(store, letter_id).next_attempt_at <= after + delay


@pytest.mark.parametrize("run", ["send_due", "send_due_all", "send_while"])
@pytest.mark.parametrize("attempts", [0, 20])
def test_the_retry_settings_reach_every_run(run: str, attempts: int) -> None:
    """retry_base_seconds and retry_max_seconds as an admin set them, not the defaults."""
    store = memory_store()
    letter_id = a_letter(store, a_case(store))
    with store.unit_of_work() as session:
        session.get(type(letter(store, letter_id)), letter_id).attempts = attempts
    sender = Sender(store, OURS, threading.Event())
    mailer = FakeMailer(refuse={mid(1)})
    random.seed(12)
    delay = timedelta(seconds=retry_delay(attempts + 1, 100, 1000))
    random.seed(12)
    before = now()
    if run == "send_while":
        sender.send_while(mailer, lambda: True, retry_base=100, retry_max=1000)
    else:
        getattr(sender, run)(mailer, retry_base=100, retry_max=1000)
    after = now()
    assert before + delay <= letter(store, letter_id).next_attempt_at <= after + delay


def test_a_full_run_at_a_moment_sends_only_what_is_due_then() -> None:
    store = memory_store()
    early = a_letter(store, a_case(store, 1), due=now() - timedelta(hours=2))
    late = a_letter(store, a_case(store, 2), due=now() - timedelta(minutes=1))
    summary = Sender(store, OURS, threading.Event()).send_due_all(
        FakeMailer(), at=now() - timedelta(hours=1)
    )
    assert summary == SendSummary(sent=1)
    assert letter(store, early).status == LetterStatus.SENT
    assert letter(store, late).status == LetterStatus.PENDING


def test_a_busy_moment_goes_on_past_the_first_page() -> None:
    store = memory_store()
    for n in range(1, 52):
        a_letter(store, a_case(store, n))
    assert Sender(store, OURS, threading.Event()).send_while(FakeMailer(), lambda: True).sent == 51


def test_a_server_that_cannot_be_reached_leaves_every_letter_due() -> None:
    store = memory_store()
    letters = [a_letter(store, a_case(store, n)) for n in (1, 2)]
    mailer = FakeMailer()
    mailer.down = True
    summary = Sender(store, OURS, threading.Event()).send_due(mailer)
    assert summary == SendSummary(waiting=2, server_down=True)
    assert [(letter(store, i).status, letter(store, i).attempts) for i in letters] == [
        (LetterStatus.PENDING, 0),
        (LetterStatus.PENDING, 0),
    ]


def test_a_server_gone_mid_run_keeps_what_went_and_gives_back_the_rest() -> None:
    store = memory_store()
    went, lost, waiting = (a_letter(store, a_case(store, n)) for n in (1, 2, 3))
    mailer = FakeMailer(gone={mid(2)})
    summary = Sender(store, OURS, threading.Event()).send_due(mailer)
    assert summary == SendSummary(sent=1, waiting=2, server_down=True)
    assert letter(store, went).status == LetterStatus.SENT
    row = letter(store, lost)
    assert (row.status, row.attempts, row.last_error) == (
        LetterStatus.PENDING,
        0,
        f"Weg tijdens {mid(2)}.",
    )
    assert letter(store, waiting).status == LetterStatus.PENDING


def test_busy_moments_send_only_while_busy_and_not_while_the_server_is_away() -> None:
    store = memory_store()
    letters = [a_letter(store, a_case(store, n)) for n in (1, 2, 3)]
    sender = Sender(store, OURS, threading.Event())
    mailer = FakeMailer()
    assert sender.send_while(mailer, lambda: False) == SendSummary()
    answers = iter([True, True, True, False])
    assert sender.send_while(mailer, lambda: next(answers)) == SendSummary(sent=2)
    mailer.down = True
    assert sender.send_due(mailer).server_down
    mailer.down = False
    assert sender.send_while(mailer, lambda: True) == SendSummary()
    assert letter(store, letters[2]).status == LetterStatus.PENDING
    assert sender.send_due(mailer) == SendSummary(sent=1)
    assert sender.send_while(mailer, lambda: True) == SendSummary()  # nothing due
    a_letter(store, a_case(store, 5))  # the server is back: busy moments send again
    assert sender.send_while(mailer, lambda: True) == SendSummary(sent=1)
    stopped = threading.Event()
    stopped.set()
    a_letter(store, a_case(store, 4))
    assert Sender(store, OURS, stopped).send_while(mailer, lambda: True) == SendSummary()


def test_an_outage_is_reported_once_then_every_few_minutes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = memory_store()
    a_letter(store, a_case(store))
    mailer = FakeMailer()
    mailer.down = True
    sender = Sender(store, OURS, threading.Event())
    caplog.set_level(logging.DEBUG, logger="bot.sending")

    def warnings() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]

    sender.send_due(mailer)
    sender.send_due(mailer)
    assert warnings() == [
        "Uitgaande post staat stil: De SMTP-server is weg. Er wachten 1 brieven; elke "
        "verzendronde wordt één keer opnieuw verbonden."
    ]
    sender._down_since -= 12 * OUTAGE_REMINDER  # as if the outage began an hour ago
    sender._down_logged -= OUTAGE_REMINDER
    sender.send_due(mailer)
    assert warnings()[1:] == [
        "Uitgaande post staat al 60 minuten stil: De SMTP-server is weg. Er wachten 1 brieven."
    ]
    sender.send_due(mailer)
    assert len(warnings()) == 2
    mailer.down = False
    caplog.clear()
    assert sender.send_due(mailer) == SendSummary(sent=1)
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.INFO] == [
        "De SMTP-server antwoordt weer (na 60 minuten); de wachtende brieven gaan nu uit."
    ]


def test_a_later_run_that_got_further_says_how_things_stand() -> None:
    total = SendSummary(sent=1, failed=1, abandoned=1, waiting=4, server_down=True)
    total.add(SendSummary(sent=2, failed=3, abandoned=4))
    assert total == SendSummary(sent=3, failed=4, abandoned=5, waiting=0, server_down=False)
    total.add(SendSummary(waiting=7, server_down=True))
    assert total == SendSummary(sent=3, failed=4, abandoned=5, waiting=7, server_down=True)
    total.add(SendSummary(abandoned=1))  # a run that did not get as far changes nothing
    assert (total.waiting, total.server_down, total.abandoned) == (7, True, 6)
    total.add(SendSummary(failed=1))
    assert (total.waiting, total.server_down) == (0, False)
