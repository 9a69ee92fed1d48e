"""Officers decide what the bot was unsure about; their labels train a new model version, which
an admin can roll back."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select, update

import bootstrap
from casework import labelling
from classify import load_corpus
from storage import Label, ModelVersion, StoredMessage
from storage.models import AuditEntry
from tests.builders import complaint, remark
from tests.conftest import environment_for, prepare_database, settings_for


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *args],
        env=env | {"COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_triage_label_train_and_rollback(
    sqlite_url: str, trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    store = prepare_database(sqlite_url, trained_model)
    maildir = tmp_path / "postvak"
    (maildir / "new").mkdir(parents=True)
    (maildir / "new" / "1.a").write_bytes(complaint(1))
    (maildir / "new" / "2.b").write_bytes(remark(1))
    settings = settings_for(
        None, None, sqlite_url, tmp_path, maildir=maildir, outbox_folder=tmp_path / "uit"
    )
    pipeline = bootstrap.pipeline_of(settings, store)
    pipeline.poll(bootstrap.mailbox_of(settings))
    with store.unit_of_work() as session:  # the bot was unsure about the second one
        session.execute(update(StoredMessage).where(StoredMessage.id == 2).values(kind="uncertain"))
    env = environment_for(settings)

    queue = cli(env, "triage")
    assert (
        queue.returncode == 0
        and "Triage: 1 wachten" in queue.stdout
        and "Vraag over het spreekuur" in queue.stdout
    )

    wrong = cli(env, "label", "2", "klachtje", "--door", "Fatima")
    assert wrong.returncode == 2 and "kies klacht, opmerking of automatisch" in wrong.stderr
    done = cli(
        env, "label", "2", "opmerking", "--door", "Fatima", "--notitie", "Alleen een vraag."
    )  # the Dutch word, as the interface names it
    assert done.returncode == 0, done.stderr
    assert "Triage: 0 wachten" in cli(env, "triage").stdout
    with store.unit_of_work() as session:
        [decision] = session.scalars(select(Label)).all()
        assert (decision.kind, decision.officer, decision.note) == (
            "remark",
            "Fatima",
            "Alleen een vraag.",
        )
        assert decision.labelled_at is not None
        [entry] = session.scalars(select(AuditEntry)).all()  # the command line's too
        assert (entry.actor, entry.action, entry.subject) == (
            "Fatima",
            "message.label",
            "message:2",
        )

    assert len(labelling.labelled_messages(store)) == 1
    trained = cli(env, "train", "--door", "Beheer")
    assert trained.returncode == 0, trained.stderr
    # a candidate, compared with the model in force, and not active until promoted
    assert "Kandidaat modelversie 2 is gemaakt en is niet actief" in trained.stdout
    assert "Apart gehouden deel" in trained.stdout and "klachten gevonden" in trained.stdout
    with store.unit_of_work() as session:
        versions = session.scalars(select(ModelVersion).order_by(ModelVersion.id)).all()
        assert [v.active for v in versions] == [True, False]
        pool = len(load_corpus()) + 1  # the seed corpus plus the label
        assert versions[1].samples == pool - math.ceil(pool * 0.2)  # a fifth held out
        assert versions[1].created_by == "Beheer" and versions[1].metrics["sets"]

    promoted = cli(env, "model", "promote", "2", "--door", "Beheer")
    assert promoted.returncode == 0, promoted.stderr
    with store.unit_of_work() as session:
        versions = session.scalars(select(ModelVersion).order_by(ModelVersion.id)).all()
        assert [v.active for v in versions] == [False, True]
        assert versions[1].promoted_by == "Beheer"
    assert cli(env, "model", "rollback").returncode == 0
    assert "actief" in cli(env, "model", "list").stdout
    with store.unit_of_work() as session:
        assert [
            v.active for v in session.scalars(select(ModelVersion).order_by(ModelVersion.id))
        ] == [True, False]
    assert cli(env, "model", "activeren", "2").returncode == 0  # the Dutch word too
    assert cli(env, "model", "rollback").returncode == 0
    assert cli(env, "model", "rollback").returncode == 2  # nothing older than version 1
