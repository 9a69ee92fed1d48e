"""The admins' pages in Debian's Chromium: the dashboard's charts render as SVG with one bar
per month and per category of a seeded database, and every admin page passes axe (WCAG 2.1
AA) under the app's own CSP without a single script of its own. The dashboard test makes the
README's screenshot."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from storage import Case
from tests.browser.helpers import assert_accessible, no_dialogs_and_no_foreign_requests, screenshot
from tests.browser.live import LiveWeb
from tests.casework import office, register
from tests.dashboard_seed import months_ago, seed

if TYPE_CHECKING:
    from playwright.sync_api import Page

HSS = office("hss")
# A year as an organisation sees it: complaints in most months, in four categories.
PER_MONTH = (4, 6, 3, 0, 5, 7, 2, 4, 6, 3, 5, 1)  # oldest month first
CATEGORIES = ("bejegening", "communicatie", "wachttijd", "zorgverlening")


def a_year_of_complaints(live: LiveWeb) -> None:
    for back, count in enumerate(reversed(PER_MONTH)):
        for i in range(count):
            number = register(
                live.store, HSS, months_ago(back) - timedelta(hours=i), name=f"Klager {back}-{i}"
            )
            with live.store.unit_of_work() as session:
                case = session.scalar(select(Case).where(Case.number == number))
                case.category = CATEGORIES[(back + i) % len(CATEGORIES)]


def test_the_dashboard_draws_a_bar_per_month_and_category(page: Page, live: LiveWeb) -> None:
    """Twelve bars for the months, four for the categories, heights that follow the counts."""
    a_year_of_complaints(live)
    live.log_in(page, "beheer", "admin")

    with no_dialogs_and_no_foreign_requests(page):
        page.goto(live.url + "/beheer/dashboard")
        months = page.locator('svg[data-chart="per-maand"] rect.bar')
        assert months.count() == 12
        heights = [float(months.nth(i).get_attribute("height") or 0) for i in range(12)]
        assert heights.index(max(heights)) == PER_MONTH.index(max(PER_MONTH))
        assert heights[PER_MONTH.index(0)] == 0
        assert page.locator('svg[data-chart="per-categorie"] rect.bar').count() == len(CATEGORIES)
        assert page.locator('svg[data-chart="per-maand"]').is_visible()
        box = page.locator('svg[data-chart="per-maand"]').bounding_box()
        assert box and box["width"] > 300 and box["height"] > 100  # drawn, not collapsed
        assert_accessible(page)
        screenshot(page, "dashboard")
    assert page.locator("script:not([src])").count() == 0


def test_every_admin_page_passes_axe(page: Page, live: LiveWeb, tmp_path: Path) -> None:
    """Users, settings, audit, the report and the index, with data in them."""
    seed(live.store, HSS)
    live.web.user("bert")
    live.log_in(page, "beheer", "admin")
    period = f"{months_ago(0).year}-{months_ago(0).month:02d}"
    with no_dialogs_and_no_foreign_requests(page):
        for path, name in (
            ("/beheer", "beheer"),
            ("/beheer/gebruikers", "gebruikers"),
            ("/beheer/instellingen", "instellingen"),
            ("/beheer/audit", "audit"),
            (f"/beheer/rapportage?periode={period}", "rapportage"),
        ):
            page.goto(live.url + path)
            assert_accessible(page)
            screenshot(page, name, directory=tmp_path)


def test_an_admin_disables_an_account_by_keyboard(page: Page, live: LiveWeb) -> None:
    """Tab to the button, press Enter: the notice says so and the row says 'uitgeschakeld'."""
    live.web.user("bert")
    live.log_in(page, "beheer", "admin")
    page.goto(live.url + "/beheer/gebruikers")
    button = page.get_by_role("button", name="Uitschakelen bert")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/beheer/gebruikers")
    assert page.get_by_role("status").inner_text() == "bert is uitgeschakeld."
    assert "uitgeschakeld sinds" in page.get_by_role("row", name="bert").inner_text()
