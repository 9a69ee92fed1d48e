"""An admin retrains the model in the browser: the worker makes a candidate, the page puts it
beside the model in force, and only the admin's promotion makes it active; rolling back and
discarding are one button each, and every act is audited."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from casework import model_versions, retraining
from klachtenbus.vocabulary import TrainingStatus
from storage import ModelVersion
from storage.models import AuditEntry, TrainingRun
from tests.model_helpers import label, labelled_mail, quick_trainer, with_active_model
from tests.web_helpers import Web, csrf_of

MODEL_ROUTES = [
    ("GET", "/beheer/model"),
    ("GET", "/beheer/model/training"),
    ("POST", "/beheer/model/trainen"),
    ("POST", "/beheer/model/training/1/annuleren"),
    ("GET", "/beheer/model/1"),
    ("POST", "/beheer/model/1/activeren"),
    ("POST", "/beheer/model/1/verwerpen"),
    ("POST", "/beheer/model/1/meekijken"),
    ("GET", "/beheer/model/drempels"),
    ("POST", "/beheer/model/drempels"),
]


def _actions(store: object) -> list[tuple[str, str, str]]:
    with store.unit_of_work() as session:  # type: ignore[attr-defined]
        return [
            (e.actor, e.action, e.subject)
            for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))
            if e.action.startswith("model")
        ]


def test_the_model_pages_are_for_admins_only(web: Web, trained_model: tuple[Path, str]) -> None:
    """Officers get a refusal, and nobody without a session reaches them."""
    with_active_model(web.store, trained_model)
    officer = web.logged_in("bert")
    token = csrf_of(officer, "/triage")
    for method, path in MODEL_ROUTES:
        response = officer.request(method, path, data={"csrf": token})
        assert response.status_code == 403, (method, path)
        assert "alleen voor beheerders" in response.text
        assert web.client().request(method, path).status_code == 303
    with web.store.unit_of_work() as session:
        assert session.scalars(select(TrainingRun)).all() == []


def test_a_retraining_makes_a_candidate_that_waits_for_promotion(
    web: Web, trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    """The request is a job for the worker; the candidate is compared, then promoted, rolled
    back to and discarded, each by an admin and each in the audit trail."""
    store = web.store
    with_active_model(store, trained_model)
    labelled_mail(store, 6)
    admin = web.logged_in("anna", "admin")
    page = admin.get("/beheer/model")
    assert page.status_code == 200 and "Hertraining starten" in page.text
    token = csrf_of(admin, "/beheer/model")

    started = admin.post("/beheer/model/trainen", data={"csrf": token})
    assert started.status_code == 303
    [run] = retraining.runs(store)
    assert (run.status, run.requested_by) == (TrainingStatus.WAITING, "anna")
    fragment = admin.get("/beheer/model/training")
    assert "wacht op de bot" in fragment.text and 'hx-trigger="every 1s"' in fragment.text
    again = admin.post("/beheer/model/trainen", data={"csrf": token})
    assert again.status_code == 400 and "Er loopt al een hertraining" in again.text

    # the worker's part: nothing was trained in the web requests above
    assert model_versions.versions(store)[0].id == 1
    version = retraining.run_waiting(store, quick_trainer(tmp_path / "model"))
    assert version == 2
    [run] = retraining.runs(store)
    assert (run.status, run.percent, run.model_version) == (TrainingStatus.DONE, 100, 2)
    assert "Vergelijk kandidaat 2" in admin.get("/beheer/model/training").text
    assert model_versions.active_version(store).id == 1  # type: ignore[union-attr]

    compared = admin.get("/beheer/model/2")
    assert compared.status_code == 200
    for shown in (
        "Modelversie 2: kandidaat",
        "Apart gehouden deel van de trainingsgegevens",
        "Recent door behandelaars beoordeelde post",  # six labels the active model never saw
        "Klachten gevonden",
        "Naar de triage",
        "Verwarringsmatrix van de kandidaat",
        "Verwarringsmatrix van het actieve model",
        "Kalibratie",
        "Berichten waarover ze verschillen",
    ):
        assert shown in compared.text, shown
    candidate = model_versions.version(store, 2)
    assert candidate.created_by == "anna" and len(candidate.data_sha256) == 64
    recent = candidate.metrics["sets"][1]
    assert recent["size"] == 2 and recent["labels"] == 2  # the newest fifth of six, rounded up

    promoted = admin.post("/beheer/model/2/activeren", data={"csrf": token})
    assert promoted.status_code == 303
    assert "Modelversie 2 is actief" in admin.get("/beheer/model").text
    assert model_versions.version(store, 2).promoted_by == "anna"

    back = admin.post("/beheer/model/1/activeren", data={"csrf": token})  # roll back
    assert back.status_code == 303
    listed = admin.get("/beheer/model").text
    assert re.search(r"Versie 1</a></td>\s*<td><strong class=\"tag\">actief", listed)
    assert model_versions.version(store, 2).state == "earlier"

    assert admin.post("/beheer/model/2/verwerpen", data={"csrf": token}).status_code == 303
    refused = admin.post("/beheer/model/2/activeren", data={"csrf": token})
    assert refused.status_code == 400 and "verworpen" in refused.text
    assert _actions(store) == [
        ("anna", "model.train", "training:1"),
        ("anna", "model.candidate", "model:2"),
        ("anna", "model.promote", "model:2"),
        ("anna", "model.promote", "model:1"),
        ("anna", "model.discard", "model:2"),
    ]


def test_a_swapped_candidate_file_is_never_promoted(
    web: Web, trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    """The file's sha256 is checked before a version becomes active."""
    store = web.store
    with_active_model(store, trained_model)
    retraining.request(store, "anna")
    retraining.run_waiting(store, quick_trainer(tmp_path / "model"))
    with store.unit_of_work() as session:
        path = Path(session.get(ModelVersion, 2).path)  # type: ignore[union-attr]
    path.write_bytes(path.read_bytes() + b"\0")
    admin = web.logged_in("anna", "admin")
    refused = admin.post(
        "/beheer/model/2/activeren", data={"csrf": csrf_of(admin, "/beheer/model")}
    )
    assert refused.status_code == 400 and "gewijzigd" in refused.text
    assert model_versions.active_version(store).id == 1  # type: ignore[union-attr]


def test_a_cancelled_retraining_makes_no_candidate(
    web: Web, trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    """Cancelled while waiting it never starts; cancelled while running it stops at its next
    step, and no version is made."""
    store = web.store
    with_active_model(store, trained_model)
    admin = web.logged_in("anna", "admin")
    token = csrf_of(admin, "/beheer/model")
    admin.post("/beheer/model/trainen", data={"csrf": token})
    assert admin.post("/beheer/model/training/1/annuleren", data={"csrf": token}).status_code == 303
    assert retraining.runs(store)[0].status == TrainingStatus.CANCELLED
    assert retraining.run_waiting(store, quick_trainer(tmp_path / "model")) is None

    admin.post("/beheer/model/trainen", data={"csrf": token})
    trainer = quick_trainer(tmp_path / "model")

    def corpus_then_cancel() -> list:  # type: ignore[type-arg]
        """The admin presses cancel while the worker reads the training data."""
        admin.post("/beheer/model/training/2/annuleren", data={"csrf": token})
        return trainer.corpus()

    cancelling = retraining.Trainer(trainer.rules, trainer.model_dir, trainer.thresholds,
                                    corpus_then_cancel)  # fmt: skip
    assert retraining.run_waiting(store, cancelling) is None
    assert retraining.runs(store)[0].status == TrainingStatus.CANCELLED
    assert [v.id for v in model_versions.versions(store)] == [1]
    assert not list((tmp_path / "model").glob("*.pkl.z")) if (tmp_path / "model").exists() else True


def test_officers_disagreeing_are_settled_before_training(
    web: Web, trained_model: tuple[Path, str]
) -> None:
    """The page lists messages officers decided differently; training waits unless the admin
    chooses to go on with the latest decision."""
    store = web.store
    with_active_model(store, trained_model)
    [number] = labelled_mail(store, 1, officer="fatima")
    label(store, number, "remark", "bert")
    admin = web.logged_in("anna", "admin")
    page = admin.get("/beheer/model").text
    assert "het over 1 bericht(en) oneens" in page and f'href="/berichten/{number}"' in page
    assert "fatima: klacht; bert: opmerking" in page
    token = csrf_of(admin, "/beheer/model")
    refused = admin.post("/beheer/model/trainen", data={"csrf": token})
    assert refused.status_code == 400 and "Beslis die eerst" in refused.text
    went = admin.post("/beheer/model/trainen", data={"csrf": token, "ondanks_onenigheid": "1"})
    assert went.status_code == 303
    assert retraining.runs(store)[0].status == TrainingStatus.WAITING
