"""When the hashing settings are raised, each account's hash is renewed at its next log-in, the
one moment the password is at hand; the password itself is unchanged for the officer."""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlalchemy import select

from casework.accounts import log_in
from storage.models import User
from tests.accounts import PASSWORD, T0, store_at, with_account

STRONGER = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)


def test_a_log_in_renews_an_old_hash(database_url: str) -> None:
    """A hash made with weaker settings is replaced by one under the hasher's own settings."""
    store = store_at(database_url)
    added = with_account(store)  # hashed with the tests' weakest settings

    logged_in = log_in(store, "anna", PASSWORD, "127.0.0.1", T0, hasher=STRONGER)

    with store.unit_of_work() as session:
        user = session.scalars(select(User)).one()
        assert not STRONGER.check_needs_rehash(user.password_hash)
        assert user.password_changed_at == added.password_changed_at
    assert logged_in.user.name == "anna"
    assert log_in(store, "anna", PASSWORD, "127.0.0.1", T0, hasher=STRONGER).user.name == "anna"
