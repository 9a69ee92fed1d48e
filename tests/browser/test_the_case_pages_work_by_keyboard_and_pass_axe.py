"""The case pages in Debian's Chromium: every page passes axe-core (WCAG 2.1 AA) under the app's
own Content-Security-Policy, stays inert with a complainant's markup in it, and an officer
closes a case with the keyboard alone: from the list to the case, the form, the letter and
its confirmation."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from casework import cases
from klachtenbus.vocabulary import CaseStatus
from storage import Store
from tests.browser.helpers import assert_accessible, no_dialogs_and_no_foreign_requests, screenshot
from tests.casework import office, register, store_at
from tests.web_helpers import PASSWORD, web_for

if TYPE_CHECKING:
    from playwright.sync_api import Page

HSS = office("hss")
HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


@dataclass(frozen=True)
class Site:
    base: str
    number: str  # a case under investigation whose complainant typed markup
    store: Store


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """The web app on 127.0.0.1 and a free port (uvicorn in a thread), with an officer."""
    import uvicorn

    store = store_at(f"sqlite:///{tmp_path / 'klachtenbus.db'}")
    web = web_for(store)
    web.user("anna")
    number = register(
        store, HSS, datetime.now(UTC) - timedelta(days=20), name=f"Anna {HOSTILE}",
        subject=f"Nooit teruggebeld {HOSTILE}", description=f"Niemand belt terug. {HOSTILE}",
    )  # fmt: skip
    register(store, HSS, datetime.now(UTC) - timedelta(days=50), email="b@example.nl")
    cases.move(store, HSS, number, CaseStatus.INVESTIGATION, actor="anna", reason="gesprek")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(web.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web app did not start on 127.0.0.1")
        time.sleep(0.05)
    yield Site(f"http://127.0.0.1:{port}", number, store)
    server.should_exit = True
    thread.join(timeout=10)


def log_in(page: Page, base: str) -> None:
    page.goto(f"{base}/inloggen")
    page.fill("#naam", "anna")
    page.fill("#wachtwoord", PASSWORD)
    page.press("#wachtwoord", "Enter")
    page.wait_for_url(f"{base}/triage")


def test_every_case_page_passes_axe_and_stays_inert(page: Page, site: Site, tmp_path: Path) -> None:
    base, number = site.base, site.number
    log_in(page, base)
    with no_dialogs_and_no_foreign_requests(page):
        for path in (
            "/zaken",
            "/zaken?status=alle&te_laat=1",
            f"/zaken/{number}",
            f"/zaken/{number}/stap?naar=afgesloten",
            f"/zaken/{number}/vergelijkbaar",
            "/zoeken?q=teruggebeld",
        ):
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            assert assert_accessible(page) == [], path  # not even a minor violation
        screenshot(page, "zoeken", directory=tmp_path)


def test_an_officer_closes_a_case_with_the_keyboard(page: Page, site: Site, tmp_path: Path) -> None:
    """Tab and Enter only: open the case from the list, open the closing step, write the
    reason and the letter text, look at the letter, confirm it."""
    base, number = site.base, site.number
    log_in(page, base)
    page.goto(f"{base}/zaken")
    with no_dialogs_and_no_foreign_requests(page):
        page.get_by_role("link", name=number).focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/zaken/{number}")
        page.get_by_role("link", name="Naar afgesloten (met brief)").focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/zaken/{number}/stap?naar=afgesloten")
        page.get_by_label("Reden (intern").focus()
        page.keyboard.type("intern: klaar")
        page.keyboard.press("Tab")
        page.keyboard.type("Wij hebben het met u opgelost.")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # Bekijk de brief
        page.wait_for_selector("text=Controleer de brief")
        assert_accessible(page)
        screenshot(page, "brief-controleren", directory=tmp_path)
        letter = page.locator("pre.mailtext").first.inner_text()
        assert "Wij hebben het met u opgelost." in letter and "intern" not in letter
        page.get_by_role("button", name="Bevestigen en versturen").focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/zaken/{number}")
        assert "staat nu op ‘afgesloten’" in page.locator(".notice").inner_text()
        assert_accessible(page)
    assert cases.show(site.store, HSS, number).case["status"] == "closed"
