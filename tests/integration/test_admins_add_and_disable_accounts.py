"""Admins add accounts for officers and disable them again; a name is taken once whatever its
case, a mistake is refused with what to write instead, and the last admin stays."""

from __future__ import annotations

import pytest

from casework.accounts import (
    AccountError,
    AccountNotFound,
    LastAdmin,
    NameTaken,
    add_user,
    disable_user,
    enable_user,
    list_users,
)
from klachtenbus.vocabulary import Role
from tests.accounts import ADMIN, FAST, PASSWORD, store_at, with_account


def test_an_account_is_listed_with_what_the_admin_gave(database_url: str) -> None:
    """The list shows the lower-cased name, the display name as typed and the trimmed address."""
    store = store_at(database_url)

    add_user(
        store, ADMIN, "Fatima.B", "officer", PASSWORD, "Fatima Bouzid", " fatima@zorg.nl ",
        hasher=FAST,
    )  # fmt: skip

    (account,) = list_users(store)
    assert (account.name, account.display_name, account.email) == (
        "fatima.b",
        "Fatima Bouzid",
        "fatima@zorg.nl",
    )
    assert account.role is Role.OFFICER and account.active and account.disabled_at is None


def test_a_name_is_taken_whatever_its_case(database_url: str) -> None:
    """'ANNA' is refused when 'anna' exists, since log-ins ignore case."""
    store = store_at(database_url)
    with_account(store, "anna")

    with pytest.raises(NameTaken, match="andere naam"):
        with_account(store, "ANNA")


@pytest.mark.parametrize(
    ("name", "role", "email", "fix"),
    [
        ("a", "officer", None, "2 tot 64 tekens"),
        ("anna de wit", "officer", None, "kleine letters, cijfers"),
        ("anna", "baas", None, "kies officer (behandelaar) of admin (beheerder)"),
        ("anna", "officer", "geen adres", "naam@organisatie.nl"),
    ],
)
def test_a_mistake_is_refused_with_what_to_write(
    sqlite_url: str, name: str, role: str, email: str | None, fix: str
) -> None:
    """A bad name, role or address is refused with the form that would be accepted."""
    store = store_at(sqlite_url)

    with pytest.raises(AccountError) as refused:
        add_user(store, ADMIN, name, role, PASSWORD, email=email, hasher=FAST)

    assert fix in str(refused.value)


def test_disabling_and_enabling_an_account(database_url: str) -> None:
    """A disabled account is listed as such, with when; enabling clears it."""
    store = store_at(database_url)
    with_account(store)

    disabled = disable_user(store, ADMIN, "Anna")
    enabled = enable_user(store, ADMIN, "anna")

    assert not disabled.active and disabled.disabled_at is not None
    assert enabled.active and enabled.disabled_at is None


def test_an_unknown_name_is_named(database_url: str) -> None:
    """Disabling a name that has no account says which name was not found."""
    store = store_at(database_url)

    with pytest.raises(AccountNotFound, match="'bert'"):
        disable_user(store, ADMIN, "Bert")


def test_the_last_admin_cannot_be_disabled(database_url: str) -> None:
    """Somebody must be left who can manage accounts; with a second admin it is allowed."""
    store = store_at(database_url)
    with_account(store, "beheer", Role.ADMIN)

    with pytest.raises(LastAdmin, match="andere beheerder toe"):
        disable_user(store, "beheer", "beheer")
    with_account(store, "tweede", Role.ADMIN)
    assert not disable_user(store, "tweede", "beheer").active
