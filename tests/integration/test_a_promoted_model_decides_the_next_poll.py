"""The worker takes up what an admin changed without a restart: a promoted model version and
new cut-offs decide from the next poll on, and each decision names the version that made it."""

from __future__ import annotations

from pathlib import Path

import bootstrap
from casework import cutoffs, model_versions, retraining
from classify import Thresholds
from storage import StoredMessage
from tests.builders import complaint
from tests.conftest import prepare_database, settings_for
from tests.model_helpers import quick_trainer


def _reasons(store: object, number: int) -> list[str]:
    with store.unit_of_work() as session:  # type: ignore[attr-defined]
        row = session.get(StoredMessage, number)
        return list(row.reasons or [])


def test_a_promotion_and_new_cut_offs_apply_at_the_next_poll(
    database_url: str, trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    store = prepare_database(database_url, trained_model)
    maildir = tmp_path / "postvak"
    (maildir / "new").mkdir(parents=True)
    settings = settings_for(
        None, None, database_url, tmp_path, maildir=maildir, outbox_folder=tmp_path / "uit"
    )
    pipeline = bootstrap.pipeline_of(settings, store)
    (maildir / "new" / "1.a").write_bytes(complaint(1))
    pipeline.poll(bootstrap.mailbox_of(settings))
    assert "Beoordeeld door modelversie 1" in _reasons(store, 1)

    retraining.request(store, "anna")
    candidate = retraining.run_waiting(store, quick_trainer(tmp_path / "model"))
    assert candidate == 2
    (maildir / "new" / "2.b").write_bytes(complaint(2))
    pipeline.poll(bootstrap.mailbox_of(settings))
    assert "Beoordeeld door modelversie 1" in _reasons(store, 2)  # a candidate decides nothing

    model_versions.promote(store, "anna", candidate)
    stricter = Thresholds(complaint=0.9, remark=0.3, complaint_without_marker=0.95)
    cutoffs.save(store, "anna", cutoffs.in_force(store, Thresholds()), stricter)
    (maildir / "new" / "3.c").write_bytes(complaint(3))
    pipeline.poll(bootstrap.mailbox_of(settings))
    assert "Beoordeeld door modelversie 2" in _reasons(store, 3)
    assert pipeline.recipe is not None and pipeline.recipe.thresholds == stricter

    model_versions.rollback(store, "anna")
    (maildir / "new" / "4.d").write_bytes(complaint(4))
    pipeline.poll(bootstrap.mailbox_of(settings))
    assert "Beoordeeld door modelversie 1" in _reasons(store, 4)
    pipeline.close()
