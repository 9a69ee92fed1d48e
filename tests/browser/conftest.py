"""Fixtures for the browser tests: Debian's Chromium (package `chromium`) driven by Playwright.

Playwright's own browser builds are never downloaded: the tests launch the Chromium that
`tests/run.sh` installs from Debian. Without it, or without the Python package, the browser
tests fail under CI (a broken setup) and are skipped elsewhere.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest

from tests.browser.helpers import VIEWPORT, is_loopback
from tests.browser.live import LiveWeb, served
from tests.casework import store_at

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

DEBIAN_CHROMIUM = "/usr/bin/chromium"

# Headless, as root in CI (hence no sandbox), and quiet: nothing that phones home on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Even with the flags above Chromium looks up update.googleapis.com, accounts.google.com and
    # content-autofill.googleapis.com. Every host name resolves to 127.0.0.1 instead, so no DNS
    # query and no connection leaves the machine. Not ~NOTFOUND: a page that fails to resolve
    # makes Chromium probe DNS itself, at 8.8.8.8.
    "--host-resolver-rules=MAP * 127.0.0.1, EXCLUDE localhost",
]

# An action or expectation that waits longer than this fails the test instead of hanging it.
TIMEOUT_MS = 10_000


def chromium_path() -> str | None:
    """Debian's Chromium: on PATH or in its fixed place."""
    found = shutil.which("chromium")
    if found:
        return found
    return DEBIAN_CHROMIUM if os.access(DEBIAN_CHROMIUM, os.X_OK) else None


def _unavailable(reason: str) -> NoReturn:
    """Fail under CI, where a missing browser is a broken setup; skip on a developer's machine."""
    message = (
        f"Browsertests kunnen niet draaien / browser tests cannot run: {reason}. "
        "Installeer / install: apt-get install chromium && .venv/bin/pip install -e '.[test]' "
        "(or run bash tests/run.sh, which does both)."
    )
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Debian Chromium for the whole session."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed")
    executable = chromium_path()
    if executable is None:
        _unavailable(f"Chromium not found on PATH nor at {DEBIAN_CHROMIUM}")
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
        except Error as exc:
            # Installed but unable to start: always a broken setup, never a reason to skip.
            pytest.fail(f"Chromium ({executable}) could not start: {exc}", pytrace=False)
        yield browser
        browser.close()


def _abort(route: Route) -> None:
    route.abort("blockedbyclient")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page in a fresh context (Dutch locale, Amsterdam time), closed afterwards.

    Requests to anything but 127.0.0.1 are aborted before they leave the browser: the tests
    reach only servers on this machine. `no_dialogs_and_no_foreign_requests` still sees them.
    """
    context = browser.new_context(locale="nl-NL", timezone_id="Europe/Amsterdam", viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    context.route(lambda url: not is_loopback(url), _abort)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveWeb]:
    """The web app served by uvicorn on 127.0.0.1, on a fresh SQLite database."""
    with served(store_at(f"sqlite:///{tmp_path / 'klachtenbus.db'}")) as live_web:
        yield live_web
