"""An admin retrains the model in the browser and watches its progress; the worker makes a
candidate, the admin compares it with the model in force, promotes it and sees the active
version change on the model page and in the next poll's decisions, then rolls back. The
comparison is the README's screenshot."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import bootstrap
from casework import retraining
from tests.browser.helpers import assert_accessible, no_dialogs_and_no_foreign_requests, screenshot
from tests.browser.live import LiveWeb
from tests.builders import complaint
from tests.conftest import settings_for
from tests.model_helpers import labelled_mail, quick_trainer, with_active_model

if TYPE_CHECKING:
    from playwright.sync_api import Page

TRAINING_SECONDS = 300  # a candidate on a fifth of the seed corpus, on a busy test machine


def _progress_until_done(page: Page) -> list[int]:
    """The percentages the page showed while the worker trained, until the link to the
    candidate appears."""
    seen: list[int] = []
    deadline = time.monotonic() + TRAINING_SECONDS
    link = page.get_by_role("link", name="Vergelijk kandidaat 2 met het actieve model")
    while time.monotonic() < deadline:
        if link.count():
            return seen
        bar = page.locator("#training-procent")
        if bar.count():
            value = bar.first.get_attribute("value")
            if value is not None and (not seen or seen[-1] != int(value)):
                seen.append(int(value))
        page.wait_for_timeout(200)
    raise AssertionError(f"the candidate did not appear; progress seen: {seen}")


def test_retrain_compare_promote_and_roll_back(
    page: Page, live: LiveWeb, trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    store = live.store
    with_active_model(store, trained_model)
    labelled_mail(store, 6)
    maildir = tmp_path / "postvak"
    (maildir / "new").mkdir(parents=True)
    settings = settings_for(
        None, None, str(store.engine.url), tmp_path, maildir=maildir,
        outbox_folder=tmp_path / "uit",
    )  # fmt: skip
    worker = bootstrap.pipeline_of(settings, store)  # running before anything changes
    live.log_in(page, "anna", "admin")

    with no_dialogs_and_no_foreign_requests(page):
        page.goto(live.url + "/beheer/model")
        assert_accessible(page)
        page.get_by_role("button", name="Hertraining starten").click()
        page.wait_for_url(live.url + "/beheer/model#training")
        assert "wacht op de bot" in page.locator("#training-voortgang").inner_text()

        trainer = quick_trainer(tmp_path / "model")
        done: list[int | None] = []
        thread = threading.Thread(
            target=lambda: done.append(retraining.run_waiting(store, trainer)), daemon=True
        )
        thread.start()
        seen = _progress_until_done(page)
        thread.join(timeout=TRAINING_SECONDS)
        assert done == [2]
        assert any(0 < p < 100 for p in seen), seen  # the bar moved while it trained

        page.get_by_role("link", name="Vergelijk kandidaat 2 met het actieve model").click()
        page.wait_for_url(live.url + "/beheer/model/2")
        assert page.get_by_role("heading", name="Modelversie 2: kandidaat").is_visible()
        assert page.get_by_text("Verwarringsmatrix van het actieve model").first.is_visible()
        assert_accessible(page)
        screenshot(page, "model-vergelijking")

        page.get_by_role("button", name="Versie 2 actief maken").click()
        page.wait_for_url(live.url + "/beheer/model")
        assert "Modelversie 2 is actief" in page.get_by_role("status").first.inner_text()
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Versie 2"))
        assert "actief" in row.inner_text()

        (maildir / "new" / "1.a").write_bytes(complaint(1))
        worker.poll(bootstrap.mailbox_of(settings))  # the worker's next poll, no restart
        number = _newest(store)
        page.goto(live.url + f"/berichten/{number}")
        assert page.get_by_text("Beoordeeld door modelversie 2").is_visible()

        page.goto(live.url + "/beheer/model")
        page.get_by_role("button", name="Versie 1 actief maken").click()  # "Terugzetten"
        page.wait_for_url(live.url + "/beheer/model")
        assert "Modelversie 1 is actief" in page.get_by_role("status").first.inner_text()
        (maildir / "new" / "2.b").write_bytes(complaint(2))
        worker.poll(bootstrap.mailbox_of(settings))
        page.goto(live.url + f"/berichten/{_newest(store)}")
        assert page.get_by_text("Beoordeeld door modelversie 1").is_visible()
    worker.close()


def _newest(store: object) -> int:
    from sqlalchemy import func, select

    from storage import StoredMessage

    with store.unit_of_work() as session:  # type: ignore[attr-defined]
        return int(session.scalar(select(func.max(StoredMessage.id))))
