"""What the browser tests check in a page: accessibility (axe-core), inertness, screenshots."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from playwright.sync_api import ConsoleMessage, Dialog, Page, Request, WebSocket

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}

AXE = Path(__file__).with_name("axe.min.js")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = ("serious", "critical")

LOOPBACK_HOST = "127.0.0.1"
# Schemes that never reach the network: inline data and the page's own blobs.
LOCAL_SCHEMES = ("data", "blob", "about")


@cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def is_loopback(url: str) -> bool:
    """Whether a request stays on this machine's 127.0.0.1 (or never leaves the browser)."""
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname == LOOPBACK_HOST


def assert_accessible(page: Page, *, context: str | None = None) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.0/2.1 A and AA) in the page; fail on serious or critical violations.

    axe is evaluated through the DevTools protocol, which the page's Content-Security-Policy
    does not govern, so the page keeps its real CSP (no `bypass_csp`): `add_script_tag` would
    be an inline script and is refused under `script-src 'self'`. `context` is a CSS selector
    to check part of the page instead of all of it. Returns the lesser violations.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    results = page.evaluate(
        "async ([context, tags]) => await axe.run(context ?? document, {runOnly: tags})",
        [context, WCAG_TAGS],
    )
    violations: list[dict[str, Any]] = results["violations"]
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, _describe_violations(page.url, blocking)
    return [v for v in violations if v not in blocking]


def _describe_violations(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"{len(violations)} serious or critical accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- {violation['id']} [{violation['impact']}]: {violation['help']}"
            f" ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}: {node['html'][:200]}")
            summary = node.get("failureSummary") or ""
            lines.extend(f"      {line.strip()}" for line in summary.splitlines() if line.strip())
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


_SCREENSHOT_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


def screenshot(page: Page, name: str, *, directory: Path = SCREENSHOTS) -> Path:
    """Write what the page shows at 1280x800 to docs/screenshots/<name>.png."""
    if not _SCREENSHOT_NAME.fullmatch(name):
        raise ValueError(f"screenshot name must be lowercase letters, digits, - or _: {name!r}")
    page.set_viewport_size(VIEWPORT)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    page.screenshot(path=str(path), animations="disabled", caret="hide")
    return path


@dataclass
class Watch:
    """What a page did that inert content must never make it do."""

    dialogs: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    # Script the Content-Security-Policy had to stop: inline scripts, inline event handlers,
    # javascript: URLs. Markup from a complainant reached the page unescaped.
    blocked_by_csp: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"dialog {d}" for d in self.dialogs]
            + [f"request off 127.0.0.1: {r}" for r in self.foreign_requests]
            + [f"blocked by the CSP: {c}" for c in self.blocked_by_csp]
        )


@contextmanager
def watch(page: Page) -> Iterator[Watch]:
    """Record dialogs, requests off 127.0.0.1 and CSP refusals in the page's context."""
    seen = Watch()
    context = page.context

    def on_dialog(dialog: Dialog) -> None:
        seen.dialogs.append(
            f"{dialog.type}({dialog.message!r}) on {dialog.page.url if dialog.page else '?'}"
        )
        dialog.dismiss()

    def on_request(request: Request) -> None:
        if not is_loopback(request.url):
            seen.foreign_requests.append(f"{request.method} {request.url}")

    def on_websocket(websocket: WebSocket) -> None:
        if not is_loopback(websocket.url):
            seen.foreign_requests.append(f"WebSocket {websocket.url}")

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            seen.blocked_by_csp.append(message.text)

    context.on("dialog", on_dialog)
    context.on("request", on_request)
    page.on("websocket", on_websocket)
    page.on("console", on_console)
    try:
        yield seen
    finally:
        _flush_events(page)
        context.remove_listener("dialog", on_dialog)
        context.remove_listener("request", on_request)
        page.remove_listener("websocket", on_websocket)
        page.remove_listener("console", on_console)


def _flush_events(page: Page) -> None:
    """One round trip to the page, so events the browser sent before it have been handled."""
    from playwright.sync_api import Error

    if page.is_closed():
        return
    # A page that is navigating or closing has no later event to wait for.
    with suppress(Error):
        page.evaluate("() => 0")


@contextmanager
def no_dialogs_and_no_foreign_requests(page: Page) -> Iterator[Watch]:
    """Assert the page stays inert: no dialog, no request off 127.0.0.1, nothing the CSP blocked.

    A javascript: URL makes no request; the CSP refuses it and that refusal is what is seen.
    """
    with watch(page) as seen:
        yield seen
    problems = seen.problems()
    assert not problems, "The page did not stay inert:\n" + "\n".join(f"- {p}" for p in problems)
