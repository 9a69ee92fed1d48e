"""Accounts for the tests of logging in: a fast hasher and a database with an officer."""

from __future__ import annotations

from datetime import UTC, datetime

from argon2 import PasswordHasher

from casework import accounts
from klachtenbus.vocabulary import Role
from storage import Store, connect, migrate

# argon2's smallest settings: the rules under test do not depend on the cost, the suite's
# running time does. Production uses argon2-cffi's defaults.
FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "een lange zin als wachtwoord"
ADMIN = "beheer"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def store_at(url: str) -> Store:
    engine = connect(url)
    migrate(engine)
    return Store(engine)


def with_account(
    store: Store, name: str = "anna", role: Role = Role.OFFICER, password: str = PASSWORD
) -> accounts.Account:
    """An account added by the admin, with the fast hasher."""
    return accounts.add_user(store, ADMIN, name, role, password, hasher=FAST)


def log_in(
    store: Store,
    name: str = "anna",
    password: str = PASSWORD,
    address: str = "127.0.0.1",
    now: datetime = T0,
) -> accounts.LoggedIn:
    return accounts.log_in(store, name, password, address, now, hasher=FAST)
