"""A model in force and a quick retraining, for the tests of the model's lifecycle."""

from __future__ import annotations

from pathlib import Path

from casework import retraining
from classify import Thresholds, load_corpus
from rules import load_rules
from storage import Store, records
from tests.builders import complaint, remark
from tests.casework import arrived

# Every fifth seed message: a candidate in seconds instead of a minute, still every kind.
SMALL_CORPUS_STEP = 5


def with_active_model(store: Store, model: tuple[Path, str]) -> int:
    """The session's trained model recorded as the version in force; returns its number."""
    with store.unit_of_work() as session:
        return records.add_model(
            session, path=str(model[0]), sha256=model[1], data_sha256="seed", samples=0
        ).id


def quick_trainer(model_dir: Path, thresholds: Thresholds | None = None) -> retraining.Trainer:
    return retraining.Trainer(
        rules=load_rules(),
        model_dir=model_dir,
        thresholds=lambda: thresholds or Thresholds(),
        corpus=lambda: load_corpus()[::SMALL_CORPUS_STEP],
    )


def labelled_mail(store: Store, count: int, officer: str = "fatima") -> list[int]:
    """Messages the bot doubted and an officer decided: complaints and remarks, alternately."""
    numbers = []
    for n in range(count):
        is_complaint = n % 2 == 0
        raw = complaint(n) if is_complaint else remark(n)
        number = arrived(store, raw, kind="uncertain", probability=0.5)
        label(store, number, "complaint" if is_complaint else "remark", officer)
        numbers.append(number)
    return numbers


def label(store: Store, number: int, kind: str, officer: str) -> None:
    with store.unit_of_work() as session:
        message = records.find_message(session, str(number))
        assert message is not None
        records.add_label(session, message, kind=kind, flags=[], officer=officer, note=None)
