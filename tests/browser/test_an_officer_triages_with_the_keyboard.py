"""The triage, the inbox and a message page pass axe (WCAG 2.1 AA), stay inert with a hostile
message on them, and an officer decides with the keyboard alone: a checkbox with the space
bar, a button with Enter."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tests.browser.helpers import assert_accessible, no_dialogs_and_no_foreign_requests, screenshot
from tests.browser.live import LiveWeb
from tests.builders import mail
from tests.casework import arrived

if TYPE_CHECKING:
    from playwright.sync_api import Page

HOSTILE = mail(
    "<script>alert(1)</script> Nooit teruggebeld",
    'Goedemiddag,\n<img src=x onerror=alert(1)>\n<a href="javascript:alert(1)">klik</a>\n'
    "Ik ben al drie keer niet teruggebeld.",
    sender='"<b onmouseover=alert(1)>Boos</b>" <boos@example.nl>',
)


def fill(live: LiveWeb) -> dict[str, int]:
    return {
        "signal": arrived(
            live.store, mail("Thuis", "Ik durf niet naar huis."), flags=("meldcode",)
        ),
        "hostile": arrived(live.store, HOSTILE),
        "newsletter": arrived(live.store, mail("Nieuwsbrief", "Ons laatste nieuws!")),
        "broken": arrived(live.store, b"kapot", status="failed"),
    }


def test_the_pages_pass_axe_and_stay_inert(page: Page, live: LiveWeb, tmp_path: Path) -> None:
    numbers = fill(live)
    live.log_in(page, "anna")
    with no_dialogs_and_no_foreign_requests(page):
        for path, name in (
            ("/triage", "triage"),
            ("/berichten", "inbox"),
            (f"/berichten/{numbers['hostile']}", "bericht"),
            (f"/berichten/{numbers['signal']}", "bericht-spoed"),
            (f"/berichten/{numbers['broken']}", "bericht-onleesbaar"),
        ):
            page.goto(live.url + path)
            assert_accessible(page)
            screenshot(page, name, directory=tmp_path)
        page.get_by_text("Het hele bericht, met geciteerde eerdere mail").count()  # no error
    assert page.locator("script:not([src])").count() == 0


def test_deciding_with_the_keyboard(page: Page, live: LiveWeb) -> None:
    numbers = fill(live)
    live.log_in(page, "anna")
    page.goto(live.url + "/triage")

    checkbox = page.get_by_label(f"Kies bericht {numbers['newsletter']}")
    checkbox.focus()
    page.keyboard.press("Space")
    assert checkbox.is_checked()
    page.get_by_role("button", name="Gekozen berichten: automatische post").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(live.url + "/triage")
    assert (
        "1 bericht(en) vastgelegd als automatisch" in page.get_by_role("status").first.inner_text()
    )

    page.goto(live.url + f"/berichten/{numbers['hostile']}")
    page.get_by_label("Notitie (optioneel, voor wie het later leest)").focus()
    page.keyboard.type("Verwijt: niet teruggebeld.")
    page.get_by_role("button", name="Dit is een klacht").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(live.url + f"/berichten/{numbers['hostile']}")
    notice = page.get_by_role("status").first.inner_text()
    assert "Geregistreerd als zaak K-" in notice
    assert_accessible(page)
