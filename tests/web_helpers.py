"""The web app in-process, with accounts, for tests of what officers and admins do in it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from starlette.applications import Starlette
from starlette.testclient import TestClient

from casework import accounts
from storage import Store
from tests.casework import office
from web.app import create_app
from web.context import WebContext

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "een-lang-wachtwoord-voor-tests"
CSRF_IN_PAGE = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Web:
    store: Store
    app: Starlette

    def client(self) -> TestClient:
        return TestClient(self.app, base_url="http://127.0.0.1", follow_redirects=False)

    def user(self, name: str, role: str = "officer") -> str:
        accounts.add_user(self.store, "test", name, role, PASSWORD, hasher=FAST_HASHER)
        return name

    def logged_in(self, name: str, role: str = "officer") -> TestClient:
        """A browser of `name` (made when new), logged in through the log-in form."""
        if name not in {a.name for a in accounts.list_users(self.store)}:
            self.user(name, role)
        client = self.client()
        log_in(client, name, PASSWORD)
        return client


def web_for(store: Store, preset: str = "hss") -> Web:
    context = WebContext(store=store, office=office(preset), hasher=FAST_HASHER)
    return Web(store, create_app(context))


def csrf_of(client: TestClient, path: str = "/inloggen") -> str:
    page = client.get(path)
    found = CSRF_IN_PAGE.search(page.text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def log_in(client: TestClient, name: str, password: str) -> object:
    token = csrf_of(client)
    return client.post("/inloggen", data={"naam": name, "wachtwoord": password, "csrf": token})
