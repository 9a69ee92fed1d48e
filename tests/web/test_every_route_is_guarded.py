"""Every page but logging in needs a session, every admin page the admin role, every form its
CSRF token. The routes are read from the app itself, so a new page without a guard fails here."""

from __future__ import annotations

import re

import pytest
from starlette.routing import Mount, Route

from tests.web_helpers import Web, csrf_of
from web.guard import Access, GuardedRoute

SAMPLE = {"int": "1", "str": "K-2026-0001", "path": "x"}


def concrete(path: str) -> str:
    return re.sub(r"{\w+(?::(\w+))?}", lambda m: SAMPLE[m.group(1) or "str"], path)


def app_routes(web: Web) -> list[tuple[str, str, Route]]:
    found = []
    for item in web.app.routes:
        if isinstance(item, Mount):
            assert item.path == "/static", f"an unguarded mount: {item.path}"
            continue
        assert isinstance(item, GuardedRoute), f"{item.path} was not made by web.guard.route()"
        for method in sorted(item.methods or ()):
            if method != "HEAD":
                found.append((method, concrete(item.path), item))
    return found


# Open without a session: logging in, and what a monitor reads (no personal data there,
# see test_health_and_metrics_show_no_personal_data).
PUBLIC = {("GET", "/inloggen"), ("POST", "/inloggen"), ("GET", "/healthz"), ("GET", "/metrics")}


def test_every_route_needs_a_session_but_logging_in(web: Web) -> None:
    client = web.client()
    routes = app_routes(web)
    assert {(m, p) for m, p, item in routes if item.access is Access.PUBLIC} == PUBLIC
    for method, path, item in routes:
        response = client.request(method, path)
        if item.access is Access.PUBLIC:
            # /healthz: 503 on a database no worker has read a mailbox for
            assert response.status_code in (200, 303, 403, 503), (method, path)
            continue
        assert response.status_code == 303, (method, path, response.status_code)
        assert response.headers["location"].startswith("/inloggen"), (method, path)


def test_an_htmx_request_without_a_session_is_sent_to_the_log_in_page(web: Web) -> None:
    response = web.client().get("/triage", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/inloggen")


def test_admin_pages_refuse_officers(web: Web) -> None:
    officer = web.logged_in("bert")
    admin_routes = [(m, p) for m, p, r in app_routes(web) if r.access is Access.ADMIN]
    for method, path in admin_routes:
        headers = {"X-CSRF-Token": csrf_of(officer, "/triage")} if method != "GET" else {}
        response = officer.request(method, path, headers=headers)
        assert response.status_code == 403, (method, path)


@pytest.mark.parametrize("token", [None, "wrong"])
def test_a_form_without_its_csrf_token_is_refused(web: Web, token: str | None) -> None:
    admin = web.logged_in("beheer", "admin")  # an admin passes every role check
    for method, path, item in app_routes(web):
        if method == "GET" or item.access is Access.PUBLIC:
            continue
        data = {"csrf": token} if token else {}
        response = admin.request(method, path, data=data)
        assert response.status_code == 403, (method, path)
        assert "verlopen" in response.text


def test_a_form_from_another_site_is_refused(web: Web) -> None:
    officer = web.logged_in("bert")
    token = csrf_of(officer, "/triage")
    response = officer.post(
        "/uitloggen", data={"csrf": token}, headers={"Origin": "https://kwaadwillend.example"}
    )
    assert response.status_code == 403
    assert officer.get("/triage").status_code == 200  # still logged in
