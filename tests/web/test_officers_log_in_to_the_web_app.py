"""An officer logs in with the form, gets a session cookie the browser keeps from scripts and
other sites, and logs out; wrong passwords and guessing get one Dutch answer."""

from __future__ import annotations

from tests.web_helpers import PASSWORD, Web, csrf_of, log_in


def test_logging_in_opens_the_page_asked_for(web: Web) -> None:
    web.user("anna")
    client = web.client()
    first = client.get("/triage?soort=onzeker")
    assert first.status_code == 303
    target = first.headers["location"]
    token = csrf_of(client, target)
    response = client.post(
        "/inloggen",
        data={
            "naam": "Anna",
            "wachtwoord": PASSWORD,
            "csrf": token,
            "volgende": "/triage?soort=onzeker",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/triage?soort=onzeker"
    cookie = response.headers["set-cookie"]
    assert "klachtenbus_sessie=" in cookie
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie


def test_after_logging_in_only_pages_of_this_app_are_opened(web: Web) -> None:
    web.user("anna")
    for elsewhere in ("https://kwaadwillend.example/", "//kwaadwillend.example", "/\\evil"):
        client = web.client()
        token = csrf_of(client)
        response = client.post(
            "/inloggen",
            data={"naam": "anna", "wachtwoord": PASSWORD, "csrf": token, "volgende": elsewhere},
        )
        assert response.headers["location"] == "/"


def test_a_wrong_password_gets_the_same_answer_as_an_unknown_name(web: Web) -> None:
    web.user("anna")
    client = web.client()
    wrong = log_in(client, "anna", "niet-het-goede-wachtwoord")
    unknown = log_in(client, "niemand", "niet-het-goede-wachtwoord")
    assert wrong.status_code == unknown.status_code == 401  # type: ignore[attr-defined]
    assert "klachtenbus_sessie" not in wrong.headers.get("set-cookie", "")  # type: ignore[attr-defined]


def test_guessing_is_stopped_with_how_long_to_wait(web: Web) -> None:
    web.user("anna")
    client = web.client()
    for _ in range(5):
        log_in(client, "anna", "geraden-wachtwoord-123")
    response = log_in(client, "anna", PASSWORD)
    assert response.status_code == 429  # type: ignore[attr-defined]
    assert "minu" in response.text  # type: ignore[attr-defined]


def test_logging_out_ends_the_session_on_the_server(web: Web) -> None:
    client = web.logged_in("anna")
    cookie = client.cookies.get("klachtenbus_sessie")
    token = csrf_of(client, "/triage")
    assert client.post("/uitloggen", data={"csrf": token}).status_code == 303
    stolen = web.client()
    stolen.cookies.set("klachtenbus_sessie", cookie or "")
    assert stolen.get("/triage").status_code == 303  # the old cookie opens nothing any more


def test_every_page_carries_the_security_headers(web: Web) -> None:
    client = web.logged_in("anna")
    for path in ("/inloggen", "/triage", "/bestaat-niet"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["cache-control"] == "no-store"
