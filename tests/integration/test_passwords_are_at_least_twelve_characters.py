"""A password has at least twelve characters; the refusal names the rule, for a new account and
for a new password alike."""

from __future__ import annotations

import pytest

from casework.accounts import PasswordRejected, add_user, list_users, reset_password
from klachtenbus.vocabulary import Role
from tests.accounts import ADMIN, FAST, store_at, with_account


def test_a_short_password_is_refused_with_the_rule(database_url: str) -> None:
    """Eleven characters are refused, and the message says twelve are needed; nothing is added."""
    store = store_at(database_url)

    with pytest.raises(PasswordRejected, match="minstens 12") as refused:
        add_user(store, ADMIN, "anna", Role.OFFICER, "elf tekens!", hasher=FAST)

    assert "(11 tekens)" in str(refused.value)
    assert list_users(store) == []


def test_twelve_characters_are_enough(database_url: str) -> None:
    """Exactly twelve characters make a valid password."""
    store = store_at(database_url)

    assert add_user(store, ADMIN, "anna", Role.OFFICER, "twaalf teken", hasher=FAST).active


def test_a_new_password_follows_the_same_rule(database_url: str) -> None:
    """An admin's reset is held to the same minimum as a new account."""
    store = store_at(database_url)
    with_account(store)

    with pytest.raises(PasswordRejected, match="minstens 12"):
        reset_password(store, ADMIN, "anna", "kort", hasher=FAST)


def test_a_password_a_terminal_could_not_decode_is_refused(database_url: str) -> None:
    """A Latin-1 terminal's é reaches Python as a lone surrogate: refused with the fix, no crash."""
    store = store_at(database_url)

    with pytest.raises(PasswordRejected, match="UTF-8"):
        add_user(store, ADMIN, "anna", Role.OFFICER, "wachtwoord caf\udce9", hasher=FAST)
