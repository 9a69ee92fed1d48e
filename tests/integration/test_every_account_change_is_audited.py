"""Every change to an account, and every log-in and log-out, is kept in the audit trail with who,
when, what, before and after; no password and no hash ever is."""

from __future__ import annotations

import json

from casework.accounts import (
    disable_user,
    enable_user,
    list_users,
    log_out,
    reset_password,
)
from storage import accounts as records
from storage.models import User
from tests.accounts import ADMIN, FAST, PASSWORD, log_in, store_at, with_account

NEW = "een heel nieuw wachtwoord"


def test_the_trail_of_an_account(database_url: str) -> None:
    """Adding, logging in and out, a reset, disabling and enabling each leave one entry."""
    store = store_at(database_url)
    with_account(store)
    logged_in = log_in(store)
    log_out(store, logged_in.token)
    reset_password(store, ADMIN, "anna", NEW, hasher=FAST)
    disable_user(store, ADMIN, "anna")
    disable_user(store, ADMIN, "anna")  # no change, no entry
    enable_user(store, ADMIN, "anna")
    list_users(store)  # reading changes nothing

    with store.unit_of_work() as session:
        trail = records.audit_of(session, "user:anna")
        hashes = [user.password_hash for user in session.query(User)]

    assert [(e.actor, e.action) for e in trail] == [
        (ADMIN, "user.add"),
        ("anna", "session.log_in"),
        ("anna", "session.log_out"),
        (ADMIN, "user.reset_password"),
        (ADMIN, "user.disable"),
        (ADMIN, "user.enable"),
    ]
    added = trail[0]
    assert added.before is None and added.after is not None
    assert added.after["role"] == "officer" and added.after["active"] is True
    assert trail[3].after is not None and trail[3].after["sessions_ended"] == 0
    assert trail[4].before == {"active": True}
    assert trail[4].after == {"active": False, "sessions_ended": 0}
    assert all(e.at is not None for e in trail)
    written = json.dumps([[e.before, e.after] for e in trail])
    for secret in (PASSWORD, NEW, *hashes):
        assert secret not in written
