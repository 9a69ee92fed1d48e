"""A session ends after thirty minutes without a request and after twelve hours in any case;
an ended session stays ended, and the trail says why."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from casework.accounts import session_user
from storage import accounts as records
from storage.models import LoginSession
from tests.accounts import T0, log_in, store_at, with_account


def test_thirty_idle_minutes_end_the_session(database_url: str) -> None:
    """A request after 30 quiet minutes finds no session, and a later one none either."""
    store = store_at(database_url)
    with_account(store)
    token = log_in(store).token

    assert session_user(store, token, T0 + timedelta(minutes=29)) is not None
    assert session_user(store, token, T0 + timedelta(minutes=59)) is None
    assert session_user(store, token, T0 + timedelta(minutes=60)) is None
    with store.unit_of_work() as session:
        (row,) = session.scalars(select(LoginSession)).all()
        assert row.ended_at == T0 + timedelta(minutes=59)
        expired = [
            e for e in records.audit_of(session, "user:anna") if e.action == "session.expire"
        ]
        assert [e.after["reason"] for e in expired if e.after] == ["idle"]


def test_working_keeps_the_session_until_twelve_hours(database_url: str) -> None:
    """Requests every twenty minutes keep a session; after twelve hours it ends all the same."""
    store = store_at(database_url)
    with_account(store)
    token = log_in(store).token

    for minutes in range(20, 12 * 60, 20):
        assert session_user(store, token, T0 + timedelta(minutes=minutes)) is not None
    assert session_user(store, token, T0 + timedelta(hours=12)) is None


def test_last_seen_is_written_at_most_once_a_minute(database_url: str) -> None:
    """A page with many requests does not write the session row for each of them."""
    store = store_at(database_url)
    with_account(store)
    token = log_in(store).token

    session_user(store, token, T0 + timedelta(seconds=59))
    with store.unit_of_work() as session:
        assert session.scalars(select(LoginSession.last_seen_at)).one() == T0
    session_user(store, token, T0 + timedelta(seconds=61))
    with store.unit_of_work() as session:
        assert session.scalars(select(LoginSession.last_seen_at)).one() == T0 + timedelta(
            seconds=61
        )


def test_the_limits_are_the_callers_to_choose(database_url: str) -> None:
    """The web app may set shorter limits than the defaults."""
    store = store_at(database_url)
    with_account(store)
    token = log_in(store).token

    assert session_user(store, token, T0 + timedelta(minutes=6), idle=timedelta(minutes=5)) is None
