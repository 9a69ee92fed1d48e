"""An officer logs in with their own name and password and gets a session of their own; a wrong
password, an unknown name and a disabled account are refused alike, so nobody learns which
names exist."""

from __future__ import annotations

import dataclasses

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from casework import accounts
from casework.accounts import (
    LoginFailed,
    disable_user,
    enable_user,
    list_users,
    log_out,
    session_user,
)
from klachtenbus.vocabulary import Role
from storage.models import LoginSession
from tests.accounts import ADMIN, PASSWORD, T0, log_in, store_at, with_account


def test_the_right_password_opens_a_session(database_url: str) -> None:
    """Name and password give a token whose session belongs to the officer; case is ignored."""
    store = store_at(database_url)
    with_account(store, "Anna")

    logged_in = log_in(store, "  ANNA ")

    assert logged_in.user.name == "anna" and logged_in.user.display_name == "Anna"
    assert logged_in.user.role is Role.OFFICER
    found = session_user(store, logged_in.token, T0)
    assert found is not None
    assert found.user.name == "anna" and found.csrf_token == logged_in.csrf_token
    assert session_user(store, logged_in.token[:-1] + "x", T0) is None


def test_the_database_keeps_no_token_and_no_password(database_url: str) -> None:
    """A copy of the database opens no session: it holds the token's hash, not the token."""
    store = store_at(database_url)
    with_account(store)

    logged_in = log_in(store)

    with store.unit_of_work() as session:
        (row,) = session.scalars(select(LoginSession)).all()
        assert row.token_hash != logged_in.token and len(row.token_hash) == 64
        assert row.client_address == "127.0.0.1"
    (account,) = list_users(store)
    assert "password_hash" not in {f.name for f in dataclasses.fields(account)}


def test_wrong_password_and_unknown_name_read_the_same(database_url: str) -> None:
    """A guesser cannot tell a wrong password from a name that does not exist."""
    store = store_at(database_url)
    with_account(store)

    with pytest.raises(LoginFailed) as wrong:
        log_in(store, password="niet het goede wachtwoord")
    with pytest.raises(LoginFailed) as unknown:
        log_in(store, name="bert")
    with pytest.raises(LoginFailed):
        log_in(store, password="\ud800" * 12)  # not even encodable: refused, not a crash

    assert str(wrong.value) == str(unknown.value)
    assert "wachtwoord" in str(wrong.value) and "beheerder" in str(wrong.value)


def test_an_unknown_name_costs_a_password_check_too(database_url: str) -> None:
    """An unknown name is checked against a dummy hash, so it takes as long as a wrong password."""
    store = store_at(database_url)
    with_account(store)
    checks: list[str] = []

    class Counting(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:
            checks.append(str(password))
            return super().verify(hash, password)

    counting = Counting(time_cost=1, memory_cost=8, parallelism=1)
    for name in ("anna", "bert"):
        with pytest.raises(LoginFailed):
            accounts.log_in(store, name, "fout fout fout", "127.0.0.1", T0, hasher=counting)

    assert checks == ["fout fout fout", "fout fout fout"]


def test_a_disabled_account_cannot_log_in(database_url: str) -> None:
    """Disabling ends the officer's session and refuses the right password until re-enabled."""
    store = store_at(database_url)
    with_account(store)
    with_account(store, "beheer", Role.ADMIN)
    before = log_in(store)

    disable_user(store, ADMIN, "anna")

    assert session_user(store, before.token, T0) is None
    with pytest.raises(LoginFailed):
        log_in(store)
    enable_user(store, ADMIN, "anna")
    assert log_in(store).user.active


def test_logging_out_ends_the_session(database_url: str) -> None:
    """After logging out the token opens nothing; logging out twice is harmless."""
    store = store_at(database_url)
    with_account(store)
    logged_in = log_in(store)

    log_out(store, logged_in.token, T0)
    log_out(store, logged_in.token, T0)

    assert session_user(store, logged_in.token, T0) is None
    assert log_in(store, password=PASSWORD).token != logged_in.token


def test_each_log_in_is_a_session_of_its_own(database_url: str) -> None:
    """Two browsers, two sessions: logging out in one leaves the other."""
    store = store_at(database_url)
    with_account(store)
    laptop, phone = log_in(store), log_in(store)

    log_out(store, laptop.token, T0)

    assert session_user(store, laptop.token, T0) is None
    assert session_user(store, phone.token, T0) is not None
