"""A new password, given by an admin, ends every session the account had open: whoever knew the
old password is out, and only the new one opens a session."""

from __future__ import annotations

import pytest

from casework.accounts import LoginFailed, reset_password, session_user
from tests.accounts import ADMIN, FAST, T0, log_in, store_at, with_account

NEW = "een heel nieuw wachtwoord"


def test_a_reset_ends_sessions_and_the_old_password(database_url: str) -> None:
    """Both of Anna's sessions end and her old password fails; her colleague's session stays."""
    store = store_at(database_url)
    with_account(store)
    with_account(store, "bert")
    laptop, phone, colleague = log_in(store), log_in(store), log_in(store, "bert")

    changed = reset_password(store, ADMIN, "anna", NEW, hasher=FAST)

    assert changed.password_changed_at > T0
    assert session_user(store, laptop.token, T0) is None
    assert session_user(store, phone.token, T0) is None
    assert session_user(store, colleague.token, T0) is not None
    with pytest.raises(LoginFailed):
        log_in(store)
    assert log_in(store, password=NEW).user.name == "anna"
