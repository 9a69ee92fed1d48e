"""The log-in page and the first page behind it work with the keyboard alone and pass axe."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.browser.helpers import assert_accessible, no_dialogs_and_no_foreign_requests
from tests.browser.live import LiveWeb
from tests.web_helpers import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_logging_in_with_only_the_keyboard(page: Page, live: LiveWeb) -> None:
    live.web.user("anna")
    with no_dialogs_and_no_foreign_requests(page):
        page.goto(live.url + "/triage")
        assert "/inloggen" in page.url
        assert_accessible(page)
        page.keyboard.type("anna")  # the name field has the focus
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(live.url + "/triage")
        assert page.get_by_role("heading", level=1).inner_text() == "Triage"
        assert_accessible(page)


def test_the_skip_link_is_the_first_stop(page: Page, live: LiveWeb) -> None:
    live.log_in(page, "anna")
    page.goto(live.url + "/triage")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Naar de inhoud"
