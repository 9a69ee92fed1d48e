"""The web app served for real: uvicorn on 127.0.0.1 in a thread, on its own database."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn

from casework import accounts
from storage import Store
from tests.web_helpers import PASSWORD, Web, web_for


@dataclass
class LiveWeb:
    url: str
    web: Web

    @property
    def store(self) -> Store:
        return self.web.store

    def log_in(self, page: object, name: str, role: str = "officer") -> None:
        """Log in through the form, as the officer would."""
        from playwright.sync_api import Page

        assert isinstance(page, Page)
        if name not in {a.name for a in accounts.list_users(self.store)}:
            self.web.user(name, role)
        page.goto(self.url + "/inloggen")
        page.get_by_label("Gebruikersnaam").fill(name)
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url(lambda url: "/inloggen" not in url)


@contextmanager
def served(store: Store) -> Iterator[LiveWeb]:
    web = web_for(store)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(web.app, log_level="warning", lifespan="off", server_header=False)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the web app did not start")
        threading.Event().wait(0.02)
    try:
        yield LiveWeb(f"http://127.0.0.1:{port}", web)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
