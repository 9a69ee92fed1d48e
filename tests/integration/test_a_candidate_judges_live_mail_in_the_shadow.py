"""A candidate in the shadow judges the mail that comes in beside the active model, without
acting on it; the model page shows how often they agree and each message they differ on."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

import bootstrap
from casework import model_versions, retraining
from storage import Case
from storage.models import ShadowScore
from tests.builders import complaint, out_of_office, remark
from tests.conftest import prepare_database, settings_for
from tests.model_helpers import label, quick_trainer
from tests.web_helpers import web_for


def test_a_candidate_scores_live_mail_without_acting(
    database_url: str, trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    store = prepare_database(database_url, trained_model)
    maildir = tmp_path / "postvak"
    (maildir / "new").mkdir(parents=True)
    settings = settings_for(
        None, None, database_url, tmp_path, maildir=maildir, outbox_folder=tmp_path / "uit"
    )
    retraining.request(store, "anna")
    candidate = retraining.run_waiting(store, quick_trainer(tmp_path / "model"))
    assert candidate is not None
    (maildir / "new" / "0.x").write_bytes(remark(99))  # before the shadow: never scored
    pipeline = bootstrap.pipeline_of(settings, store)
    pipeline.poll(bootstrap.mailbox_of(settings))
    model_versions.shadow(store, "anna", candidate, True)

    for n, raw in enumerate([complaint(1), remark(1), out_of_office(), complaint(2)], start=1):
        (maildir / "new" / f"{n}.a").write_bytes(raw)
    pipeline.poll(bootstrap.mailbox_of(settings))
    with store.unit_of_work() as session:
        cases_before = session.scalar(select(func.count()).select_from(Case))
    work = bootstrap.model_work_of(settings, store)
    work()
    work()  # the next run finds nothing new: each message is judged once
    with store.unit_of_work() as session:
        assert session.scalar(select(func.count()).select_from(ShadowScore)) == 4
        assert session.scalar(select(func.count()).select_from(Case)) == cases_before
    label(store, 3, "remark", "fatima")

    shown = model_versions.shadow_results(store, candidate)
    assert shown.scored == 4 and shown.labelled == 1
    assert shown.agreed + len(shown.disagreements) == 4

    web = web_for(store)
    admin = web.logged_in("anna", "admin")
    page = admin.get(f"/beheer/model/{candidate}").text
    assert "4 nieuwe bericht(en) beoordeeld naast het actieve model" in page
    assert "Stoppen met meekijken" in page

    model_versions.promote(store, "anna", candidate)  # promoting ends the shadow
    assert not model_versions.version(store, candidate).in_shadow
    pipeline.close()
