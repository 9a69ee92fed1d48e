"""The browser tests drive Debian's Chromium, check pages with axe-core and see inertness.

A small page server on 127.0.0.1 sends every page with the Content-Security-Policy the web app
will send. The checks are shown to fail when they should, so a green browser test means
something.
"""

from __future__ import annotations

import struct
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import chromium_path
from tests.browser.helpers import (
    REPO,
    assert_accessible,
    is_loopback,
    no_dialogs_and_no_foreign_requests,
    screenshot,
    watch,
)

if TYPE_CHECKING:  # without Playwright the browser fixture skips, it does not break collection
    from playwright.sync_api import Browser, Page

CSP = "default-src 'self'; script-src 'self'"

HEAD = """<!doctype html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="htmx-config" content='{"includeIndicatorStyles": false, "allowEval": false}'>
<title>{title} – Klachtenbus</title>
<script src="/static/htmx.min.js"></script>
</head>
"""

FORM = (
    HEAD.replace("{title}", "Klacht indienen")
    + """<body>
<main>
<h1>Klacht indienen</h1>
<p>Vertel ons wat er misging. U krijgt binnen vijf werkdagen een ontvangstbevestiging.</p>
<form hx-post="/klacht" hx-target="#antwoord">
<label for="naam">Uw naam</label>
<input id="naam" name="naam" autocomplete="name">
<label for="klacht">Uw klacht</label>
<textarea id="klacht" name="klacht"></textarea>
<button type="submit">Versturen</button>
</form>
<p id="antwoord" aria-live="polite"></p>
</main>
</body>
</html>
"""
)

# What a complainant's text would become if the web app forgot to escape it.
UNESCAPED = (
    HEAD.replace("{title}", "Uw klacht")
    + """<body>
<main>
<h1>Uw klacht</h1>
<p>Het eten was koud.<script>alert(1)</script></p>
<p><a id="link" href="javascript:alert(2)">Meer lezen</a></p>
</main>
</body>
</html>
"""
)

NO_ALT = (
    HEAD.replace("{title}", "Logo")
    + """<body>
<main><h1>Logo</h1><img src="/static/logo.png"></main>
</body>
</html>
"""
)


class Pages(BaseHTTPRequestHandler):
    """The test pages, each with the web app's CSP unless its path says otherwise."""

    def do_GET(self) -> None:
        if self.path == "/static/htmx.min.js":
            body = (REPO / "web" / "static" / "htmx.min.js").read_bytes()
            self._send(200, "text/javascript; charset=utf-8", body)
            return
        pages = {
            "/": FORM,
            "/ongefilterd": UNESCAPED,
            "/zonder-csp": UNESCAPED,
            "/zonder-alt": NO_ALT,
            "/vreemd-beeld": NO_ALT.replace("/static/logo.png", self.headers["X-Foreign"] or ""),
        }
        if self.path not in pages:
            self._send(404, "text/plain; charset=utf-8", b"Niet gevonden")
            return
        self._send(200, "text/html; charset=utf-8", pages[self.path].encode())

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._send(200, "text/html; charset=utf-8", b"Dank u, uw klacht is ontvangen.")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if self.path != "/zonder-csp":
            self.send_header("Content-Security-Policy", CSP)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_the_browser_is_debians_chromium(browser: Browser) -> None:
    executable = chromium_path()
    assert executable is not None
    owner = subprocess.run(
        ["dpkg", "-S", str(Path(executable).resolve())], capture_output=True, text=True
    )
    assert owner.stdout.startswith("chromium:"), owner.stdout + owner.stderr
    reported = subprocess.run(
        [executable, "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert "Debian" in reported
    assert browser.version in reported


def test_an_accessible_page_under_the_csp_passes_and_htmx_works(page: Page, site: str) -> None:
    with no_dialogs_and_no_foreign_requests(page):
        page.goto(f"{site}/")
        assert page.evaluate("() => htmx.version") == "2.0.11"
        assert_accessible(page)
        page.get_by_label("Uw klacht").fill("De wachttijd was te lang.")
        page.get_by_role("button", name="Versturen").click()
        page.get_by_text("Dank u, uw klacht is ontvangen.").wait_for()


def test_an_inline_script_fires_no_dialog_under_the_csp(page: Page, site: str) -> None:
    with watch(page) as seen:
        page.goto(f"{site}/ongefilterd")
        page.locator("#link").click()
    assert seen.dialogs == []
    assert seen.foreign_requests == []
    assert any("inline script" in m for m in seen.blocked_by_csp), seen.blocked_by_csp
    assert any("JavaScript URL" in m for m in seen.blocked_by_csp), seen.blocked_by_csp


def test_the_watcher_sees_a_dialog_and_what_the_csp_blocked(page: Page, site: str) -> None:
    with pytest.raises(AssertionError, match="dialog alert"):  # noqa: SIM117
        with no_dialogs_and_no_foreign_requests(page):
            page.goto(f"{site}/zonder-csp")
    with pytest.raises(AssertionError, match="blocked by the CSP"):  # noqa: SIM117
        with no_dialogs_and_no_foreign_requests(page):
            page.goto(f"{site}/ongefilterd")


def test_the_watcher_sees_a_request_off_127_0_0_1(page: Page, site: str) -> None:
    # localhost is loopback too, so nothing leaves the machine even unaborted.
    foreign = site.replace("127.0.0.1", "localhost") + "/static/logo.png"
    page.set_extra_http_headers({"X-Foreign": foreign})
    with watch(page) as seen:
        page.goto(f"{site}/vreemd-beeld")
    assert seen.foreign_requests == [f"GET {foreign}"]


def test_axe_reports_a_serious_violation_readably(page: Page, site: str) -> None:
    page.goto(f"{site}/zonder-alt")
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)
    assert "image-alt [critical]" in str(failure.value)
    assert '<img src="/static/logo.png">' in str(failure.value)


def test_a_screenshot_is_a_1280_by_800_png(page: Page, site: str, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 800, "height": 600})
    page.goto(f"{site}/")
    path = screenshot(page, "klacht-indienen", directory=tmp_path)
    assert path == tmp_path / "klacht-indienen.png"
    png = path.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1280, 800)


@pytest.mark.parametrize(
    ("url", "stays"),
    [
        ("http://127.0.0.1:8000/klacht", True),
        ("ws://127.0.0.1:8000/live", True),
        ("data:image/png;base64,AAAA", True),
        ("about:blank", True),
        ("http://localhost:8000/", False),
        ("http://127.0.0.2/", False),
        ("https://example.org/", False),
        ("http://127.0.0.1.example.org/", False),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
    ],
)
def test_only_127_0_0_1_counts_as_this_machine(url: str, stays: bool) -> None:
    assert is_loopback(url) is stays
