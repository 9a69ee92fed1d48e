"""An admin makes an officer an admin or the other way round; the change is audited, and the
last active admin cannot be made an officer (nobody could manage accounts any more)."""

from __future__ import annotations

import pytest

from casework.accounts import LastAdmin, change_role, list_users
from klachtenbus.vocabulary import Role
from storage import accounts as records
from tests.accounts import ADMIN, store_at, with_account


def test_an_officer_becomes_an_admin_and_back(database_url: str) -> None:
    """The role changes both ways, and each change is in the audit trail with before and after."""
    store = store_at(database_url)
    with_account(store, "anna")
    with_account(store, "beheer", Role.ADMIN)

    assert change_role(store, ADMIN, "anna", "admin").role is Role.ADMIN
    assert change_role(store, ADMIN, "ANNA", Role.OFFICER).role is Role.OFFICER

    with store.unit_of_work() as session:
        trail = [
            (e.action, e.before, e.after)
            for e in records.audit_of(session, "user:anna")
            if e.action == "user.role"
        ]
    assert trail == [
        ("user.role", {"role": "officer"}, {"role": "admin"}),
        ("user.role", {"role": "admin"}, {"role": "officer"}),
    ]


def test_the_last_admin_stays_an_admin(database_url: str) -> None:
    """Demoting the only active admin is refused with what to do first; nothing changes."""
    store = store_at(database_url)
    with_account(store, "beheer", Role.ADMIN)
    with_account(store, "anna")

    with pytest.raises(LastAdmin, match="andere beheerder toe en maak dit account daarna"):
        change_role(store, ADMIN, "beheer", Role.OFFICER)

    assert {a.name: a.role for a in list_users(store)}["beheer"] is Role.ADMIN


def test_the_same_role_again_changes_nothing(sqlite_url: str) -> None:
    """Choosing the role an account has already is no change and writes no audit entry."""
    store = store_at(sqlite_url)
    with_account(store, "anna")
    change_role(store, ADMIN, "anna", Role.OFFICER)
    with store.unit_of_work() as session:
        assert not [e for e in records.audit_of(session, "user:anna") if e.action == "user.role"]
