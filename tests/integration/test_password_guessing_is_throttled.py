"""Guessing passwords is slowed down: five failures for one account, or twenty from one address,
within fifteen minutes make log-ins wait, even with the right password, and the message says
how long."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from casework.accounts import LoginFailed, LoginThrottled, reset_password
from storage import Store
from tests.accounts import ADMIN, FAST, PASSWORD, T0, log_in, store_at, with_account

WRONG = "dit is het verkeerde wachtwoord"


def _fail(store: Store, name: str = "anna", address: str = "192.0.2.7", at: datetime = T0) -> None:
    with pytest.raises(LoginFailed):
        log_in(store, name, WRONG, address, at)


def test_five_failures_lock_the_account_for_a_while(database_url: str) -> None:
    """After five wrong passwords the right one waits until the oldest failure is 15 minutes old."""
    store = store_at(database_url)
    with_account(store)
    for second in range(5):
        _fail(store, at=T0 + timedelta(seconds=second))

    with pytest.raises(LoginThrottled) as refused:
        log_in(store, now=T0 + timedelta(minutes=3))

    assert refused.value.minutes == 12
    assert "Wacht 12 minuten" in str(refused.value)
    assert log_in(store, now=T0 + timedelta(minutes=15, seconds=1)).user.name == "anna"


def test_a_refused_attempt_does_not_prolong_the_wait(database_url: str) -> None:
    """Attempts made while waiting are not counted: the wait ends when it said it would."""
    store = store_at(database_url)
    with_account(store)
    for _ in range(5):
        _fail(store)
    for minute in range(1, 15):
        with pytest.raises(LoginThrottled):
            log_in(store, password=WRONG, now=T0 + timedelta(minutes=minute))

    assert log_in(store, now=T0 + timedelta(minutes=15)).user.name == "anna"


def test_the_last_minute_is_named_in_the_singular(database_url: str) -> None:
    """Thirty seconds before the end the message asks for one minute, not zero."""
    store = store_at(database_url)
    with_account(store)
    for _ in range(5):
        _fail(store)

    with pytest.raises(LoginThrottled, match="Wacht 1 minuut en"):
        log_in(store, now=T0 + timedelta(minutes=14, seconds=30))


def test_one_address_trying_many_names_is_slowed_down(database_url: str) -> None:
    """Twenty failures from one address, spread over accounts, stop that address only."""
    store = store_at(database_url)
    with_account(store)
    for number in range(20):
        _fail(store, name=f"gebruiker{number % 5}", address="198.51.100.9")

    with pytest.raises(LoginThrottled):
        log_in(store, address="198.51.100.9", now=T0 + timedelta(minutes=1))
    assert log_in(store, address="203.0.113.4", now=T0 + timedelta(minutes=1)).user.name == "anna"


def test_a_very_long_address_is_counted_all_the_same(database_url: str) -> None:
    """An address longer than the column is counted by its start, not let through."""
    store = store_at(database_url)
    with_account(store)
    address = "2001:db8::" + "f" * 200
    for number in range(20):
        _fail(store, name=f"gebruiker{number}", address=address)

    with pytest.raises(LoginThrottled):
        log_in(store, address=address, now=T0 + timedelta(minutes=1))


def test_unknown_names_are_throttled_like_real_ones(database_url: str) -> None:
    """The wait cannot tell a guesser which names exist either."""
    store = store_at(database_url)
    with_account(store)
    for _ in range(5):
        _fail(store, name="bestaat-niet")

    with pytest.raises(LoginThrottled):
        log_in(store, "bestaat-niet", now=T0 + timedelta(minutes=1))


def test_a_good_log_in_forgets_the_accounts_failures(database_url: str) -> None:
    """Four typos and a success leave a full five tries for the next time."""
    store = store_at(database_url)
    with_account(store)
    for _ in range(4):
        _fail(store)
    log_in(store, now=T0 + timedelta(minutes=1))
    for _ in range(4):
        _fail(store, at=T0 + timedelta(minutes=2))

    assert log_in(store, now=T0 + timedelta(minutes=3)).user.name == "anna"


def test_a_new_password_ends_the_wait(database_url: str) -> None:
    """An officer locked out by their own typos can be given a new password and log in at once."""
    store = store_at(database_url)
    with_account(store)
    for _ in range(5):
        _fail(store)

    reset_password(store, ADMIN, "anna", PASSWORD + " nieuw", hasher=FAST)

    assert log_in(store, password=PASSWORD + " nieuw", address="192.0.2.8").user.name == "anna"
