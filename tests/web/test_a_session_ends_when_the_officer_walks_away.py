"""A browser left open at the reception desk stops working after the idle time: the next
click asks for the password again, and the page asked for opens after logging in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from storage.models import LoginSession
from tests.web_helpers import PASSWORD, Web, csrf_of, web_for


def walk_away(web: Web, minutes: int) -> None:
    with web.store.unit_of_work() as session:
        session.execute(
            update(LoginSession).values(last_seen_at=datetime.now(UTC) - timedelta(minutes=minutes))
        )


def test_after_thirty_idle_minutes_the_next_click_asks_to_log_in(web: Web) -> None:
    officer = web.logged_in("anna")
    walk_away(web, 29)
    assert officer.get("/triage").status_code == 200  # and this click counts as activity
    walk_away(web, 31)
    response = officer.get("/triage")
    assert response.status_code == 303
    assert response.headers["location"] == "/inloggen?volgende=%2Ftriage"
    token = csrf_of(officer, response.headers["location"])
    again = officer.post(
        "/inloggen",
        data={"naam": "anna", "wachtwoord": PASSWORD, "csrf": token, "volgende": "/triage"},
    )
    assert again.headers["location"] == "/triage"


def test_the_idle_time_is_the_admins_setting(web: Web) -> None:
    strict = web_for(web.store)
    object.__setattr__(strict.app.state.context, "idle", timedelta(minutes=10))
    officer = strict.logged_in("anna")
    walk_away(strict, 11)
    assert officer.get("/triage").status_code == 303


def test_over_https_the_session_cookie_is_secure(web: Web) -> None:
    web.user("anna")
    client = web.client()
    client.base_url = "https://127.0.0.1"  # type: ignore[assignment]
    token = csrf_of(client)
    response = client.post(
        "/inloggen", data={"naam": "anna", "wachtwoord": PASSWORD, "csrf": token}
    )
    assert "Secure" in response.headers["set-cookie"]
    assert response.headers["strict-transport-security"].startswith("max-age=")
