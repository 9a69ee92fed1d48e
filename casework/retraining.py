"""Retraining the classifier into a candidate, measured beside the model in force.

An admin asks (the browser or `klachtenbus train`); the request is a row in `training_runs`,
which the worker picks up (`run_waiting`), never the web request. The run reads the seed
corpus plus the latest officer decision on each message, holds part of it back, trains a
candidate on the rest and measures the candidate and the active model on what was held
back: a stratified split of the training data, and the most recent officer-labelled mail the
active model never saw. The candidate is a new model version that is not active: promoting
it is a separate act (`casework.model_versions.promote`).

One training, not two: a candidate trained on everything would need a second model to be
measured honestly, and retraining must fit in a minute on two cores.
"""

from __future__ import annotations

import logging
import math
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import intake
from classify import LabelledMessage, Thresholds, load_corpus
from classify.evaluation import calibration, report
from klachtenbus.errors import KlachtenbusError, MessageUnparseable, ModelError
from klachtenbus.vocabulary import Flag, Kind, TrainingStatus
from office.detection import as_message, corpus_hash, decision_of, load_detector, sample_of
from rules import RuleSet, judge
from storage import Store, lifecycle, records
from storage import inbox as mail
from storage.accounts import add_audit
from storage.models import TrainingRun

log = logging.getLogger(__name__)

HELD_OUT_SHARE = 0.2
RECENT_SHARE = 0.2  # of the labels the active model never saw, the newest this share
RECENT_MAX = 1000
RECENT_MIN_LABELS = 5  # fewer new labels than this: all of them train the candidate
DISAGREEMENTS_SHOWN = 200
KIND_WORDS = {
    "complaint": "klacht",
    "remark": "opmerking",
    "other": "automatisch",
    "uncertain": "twijfel",
}


class TrainingRefused(KlachtenbusError):
    """A retraining cannot start or stop as asked; the message says why and what to do."""


class TrainingCancelled(Exception):
    """An admin cancelled the run; it stops at the next step."""


@dataclass(frozen=True)
class Example:
    """One training example and where it came from: the seed corpus or an officer's label."""

    entry: LabelledMessage
    label_id: int | None = None  # the officer's label, None for the seed corpus
    message: int | None = None  # the stored message's number
    subject: str = ""


@dataclass(frozen=True)
class Disagreeing:
    """A message officers decided differently on: settle it before training."""

    number: int
    subject: str
    opinions: list[tuple[str, str]]  # (officer, kind word), oldest first


# -- what the admin does ------------------------------------------------------------------


def disagreements(store: Store) -> list[Disagreeing]:
    """Messages whose officers' latest decisions differ: training would take the latest one."""
    with store.unit_of_work() as session:
        found = mail.disagreements(session)
        subjects = {m.id: m.subject or "" for m in mail.rows_of(session, list(found))}
        return [
            Disagreeing(
                number,
                subjects.get(number, ""),
                [(x.officer, KIND_WORDS.get(x.kind, x.kind)) for x in labels],
            )
            for number, labels in found.items()
        ]


def request(store: Store, actor: str, *, despite_disagreements: bool = False) -> int:
    """Ask the worker for a retraining; returns the run's number. One at a time."""
    if not despite_disagreements and disagreements(store):
        raise TrainingRefused(
            "Behandelaars zijn het over sommige berichten oneens (zie de lijst). Beslis die "
            "eerst, of kies uitdrukkelijk om toch te trainen met de laatste beslissing."
        )
    with store.unit_of_work() as session:
        running = lifecycle.open_run(session)
        if running is not None:
            raise TrainingRefused(
                f"Er loopt al een hertraining (nummer {running.id}); wacht tot die klaar is of "
                "annuleer hem."
            )
        run = lifecycle.add_run(session, actor)
        add_audit(
            session, actor=actor, action="model.train", subject=f"training:{run.id}",
            after={"status": TrainingStatus.WAITING},
        )  # fmt: skip
        return run.id


def cancel(store: Store, actor: str, run_id: int) -> None:
    """Stop a waiting run at once, a running one at its next step; it makes no candidate."""
    with store.unit_of_work() as session:
        run = session.get(TrainingRun, run_id)
        if run is None or run.status not in lifecycle.OPEN_RUNS:
            raise TrainingRefused(
                f"Hertraining {run_id} loopt niet (meer); er is niets te annuleren."
            )
        run.cancel = True
        if run.status == TrainingStatus.WAITING:
            run.status = TrainingStatus.CANCELLED
            run.finished_at = datetime.now(UTC)
            run.step = "Geannuleerd voordat de bot begon"
        add_audit(
            session, actor=actor, action="model.train.cancel", subject=f"training:{run_id}",
            before={"status": run.status}, after={"cancel": True},
        )  # fmt: skip


@dataclass(frozen=True)
class RunView:
    id: int
    requested_by: str
    requested_at: datetime
    status: str
    step: str
    percent: int
    cancelling: bool
    started_at: datetime | None
    finished_at: datetime | None
    model_version: int | None
    error: str | None

    @property
    def open(self) -> bool:
        return self.status in lifecycle.OPEN_RUNS


def runs(store: Store, limit: int = 5) -> list[RunView]:
    """The latest retrainings, newest first, with their progress."""
    with store.unit_of_work() as session:
        return [_view(r) for r in lifecycle.latest_runs(session, limit)]


def run_view(store: Store, run_id: int) -> RunView | None:
    with store.unit_of_work() as session:
        run = session.get(TrainingRun, run_id)
        return _view(run) if run is not None else None


def _view(r: TrainingRun) -> RunView:
    return RunView(
        r.id, r.requested_by, r.requested_at, r.status, r.step or "", r.percent, r.cancel,
        r.started_at, r.finished_at, r.model_version_id, r.error,
    )  # fmt: skip


# -- what the worker does -----------------------------------------------------------------


@dataclass(frozen=True)
class Trainer:
    """What a retraining needs, handed in by the composition root."""

    rules: RuleSet
    model_dir: Path
    thresholds: Callable[[], Thresholds]  # the cut-offs in force when the run starts
    corpus: Callable[[], list[LabelledMessage]] = load_corpus


def run_waiting(store: Store, trainer: Trainer, run_id: int | None = None) -> int | None:
    """Pick up the oldest waiting run (or `run_id`) and carry it out. Returns the candidate's
    version number, or None when there was nothing to do or the run stopped."""
    with store.unit_of_work() as session:
        run = lifecycle.claim_waiting_run(session, run_id)
        if run is None:
            return None
        run_id, actor = run.id, run.requested_by
    started = time.monotonic()
    try:
        version = _train(store, trainer, run_id, actor, started)
    except TrainingCancelled:
        with store.unit_of_work() as session:
            lifecycle.finish_run(
                session, run_id, TrainingStatus.CANCELLED, step="Geannuleerd; geen kandidaat"
            )
        log.info("Hertraining %s geannuleerd.", run_id)
        return None
    except Exception as exc:
        log.exception("Hertraining %s mislukt", run_id)
        with store.unit_of_work() as session:
            lifecycle.finish_run(
                session, run_id, TrainingStatus.FAILED, step="Mislukt", error=str(exc)[:2000]
            )
        return None
    log.info(
        "Hertraining %s klaar in %.1f s: kandidaat %s", run_id, time.monotonic() - started, version
    )
    return version


def _progress(store: Store, run_id: int, percent: int, step: str) -> None:
    with store.unit_of_work() as session:
        if lifecycle.set_progress(session, run_id, percent, step):
            raise TrainingCancelled


def _train(store: Store, trainer: Trainer, run_id: int, actor: str, started: float) -> int:
    from sklearn.model_selection import train_test_split

    import classify
    from classify.model import RANDOM_STATE

    _progress(store, run_id, 2, "Trainingsgegevens verzamelen")
    thresholds = trainer.thresholds()
    with store.unit_of_work() as session:
        active = records.active_model(session)
        active_id = active.id if active is not None else None
        active_saw = active.labels_up_to if active is not None else None
        active_samples = active.samples if active is not None else None
    seed = [Example(e) for e in trainer.corpus()]
    labelled = _labelled(store, lambda done, total: _progress(
        store, run_id, 2 + int(18 * done / max(total, 1)),
        f"Beslissingen van behandelaars lezen ({done} van {total})",
    ))  # fmt: skip
    unseen = [x for x in labelled if active_saw is None or (x.label_id or 0) > active_saw]
    recent: list[Example] = []
    if len(unseen) >= RECENT_MIN_LABELS:
        count = min(RECENT_MAX, math.ceil(len(unseen) * RECENT_SHARE))
        recent = sorted(unseen, key=lambda x: x.label_id or 0)[-count:]
    recent_ids = {x.label_id for x in recent}
    pool = seed + [x for x in labelled if x.label_id not in recent_ids]

    _progress(store, run_id, 22, f"Regels toepassen op {len(pool) + len(recent)} berichten")
    pool_samples, pool_verdicts = _judged(trainer.rules, pool)
    truth = [x.entry.kind for x in pool]
    train_idx, test_idx = train_test_split(
        list(range(len(pool))),
        test_size=HELD_OUT_SHARE,
        stratify=[str(k) for k in truth],
        random_state=RANDOM_STATE,
    )
    training = [pool[i] for i in train_idx]
    _progress(
        store, run_id, 30,
        f"Kandidaat trainen op {len(training)} berichten (de langste stap)",
    )  # fmt: skip
    detector = classify.train([pool_samples[i] for i in train_idx], truth_of(training))
    _progress(store, run_id, 80, "Kandidaat en actief model vergelijken")
    try:
        in_force = load_detector(store)
    except ModelError as exc:
        log.warning("Het actieve model kan niet worden geladen voor de vergelijking: %s", exc)
        in_force = None
    held_out = [pool[i] for i in test_idx]
    sets = [
        _compare(
            "held_out",
            "Apart gehouden deel van de trainingsgegevens",
            held_out,
            [pool_samples[i] for i in test_idx],
            [pool_verdicts[i] for i in test_idx],
            detector,
            in_force,
            thresholds,
            active_knew=sum(
                1
                for x in held_out
                if x.label_id is None or (active_saw is not None and x.label_id <= active_saw)
            ),
        )
    ]
    if recent:
        recent_samples, recent_verdicts = _judged(trainer.rules, recent)
        sets.append(
            _compare(
                "recent",
                "Recent door behandelaars beoordeelde post die geen van beide modellen kende",
                recent,
                recent_samples,
                recent_verdicts,
                detector,
                in_force,
                thresholds,
                active_knew=0,
            )
        )
    _progress(store, run_id, 92, "Kandidaat opslaan")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = trainer.model_dir.resolve() / f"model-{stamp}.pkl.z"
    sha = classify.save(detector, path)
    metrics = {
        "run": run_id,
        "thresholds": asdict(thresholds),
        "active_version": active_id,
        "active_samples": active_samples,
        "training_size": len(training),
        "corpus": sum(1 for x in training if x.label_id is None),
        "labels": sum(1 for x in training if x.label_id is not None),
        "sets": sets,
        "seconds": round(time.monotonic() - started, 1),
    }
    # the newest label it learned from: later ones (the recent set among them) it never saw
    label_ids = [x.label_id for x in training if x.label_id is not None]
    with store.unit_of_work() as session:
        if lifecycle.set_progress(session, run_id, 98, "Kandidaat vastleggen"):
            path.unlink(missing_ok=True)
            raise TrainingCancelled
        version = records.add_model(
            session,
            active=False,
            path=str(path),
            sha256=sha,
            data_sha256=corpus_hash([x.entry for x in training]),
            samples=len(training),
            metrics=metrics,
            created_by=actor,
            labels=metrics["labels"],
            labels_up_to=max(label_ids) if label_ids else None,
        )
        lifecycle.finish_run(
            session, run_id, TrainingStatus.DONE, percent=100,
            step=f"Klaar: kandidaat versie {version.id}", model_version_id=version.id,
        )  # fmt: skip
        add_audit(
            session, actor=actor, action="model.candidate", subject=f"model:{version.id}",
            after={"sha256": sha, "data_sha256": version.data_sha256, "samples": len(training),
                   "labels": metrics["labels"], "run": run_id},
        )  # fmt: skip
        return version.id


def truth_of(examples: Sequence[Example]) -> list[Kind]:
    return [x.entry.kind for x in examples]


def _labelled(store: Store, progress: Callable[[int, int], None]) -> list[Example]:
    """The latest officer decision on each message, as a training example read from the
    stored raw message; one that cannot be parsed is left out."""
    with store.unit_of_work() as session:
        rows = lifecycle.latest_labels_with_raw(session)
    out: list[Example] = []
    for n, (label_id, kind, flags, number, received_at, packed, subject) in enumerate(rows, 1):
        if kind not in ("complaint", "remark", "other"):
            continue
        try:
            parsed = intake.parse(zlib.decompress(packed), received_at=received_at)
        except MessageUnparseable:
            continue
        entry = LabelledMessage(
            id=f"label-{number}",
            kind=Kind(kind),
            subject=parsed.subject,
            body=parsed.text,
            flags=frozenset(Flag(f) for f in flags if f in set(Flag)),
            headers=parsed.headers,
        )
        out.append(Example(entry, label_id, number, subject or parsed.subject))
        if n % 500 == 0:
            progress(n, len(rows))
    progress(len(rows), len(rows))
    return out


def _judged(rules: RuleSet, examples: Sequence[Example]) -> tuple[list[Any], list[Any]]:
    messages = [as_message(x.entry) for x in examples]
    verdicts = [judge(m, rules) for m in messages]
    return [sample_of(v) for v in verdicts], verdicts


def _compare(
    key: str,
    title: str,
    examples: Sequence[Example],
    samples: Sequence[Any],
    verdicts: Sequence[Any],
    candidate: Any,
    active: Any,
    thresholds: Thresholds,
    *,
    active_knew: int,
) -> dict[str, Any]:
    """Both models on the same messages, decided at the same cut-offs."""
    truth = truth_of(examples)
    figures: dict[str, Any] = {}
    verdicts_of: dict[str, list[tuple[Kind, float]]] = {}
    for name, detector in (("candidate", candidate), ("active", active)):
        if detector is None:
            continue
        decided = _decided(detector, samples, verdicts, thresholds)
        verdicts_of[name] = decided
        figures[name] = {
            **asdict(
                report(
                    name,
                    truth,
                    [k for k, _ in decided],
                    meldcode_truth=[Flag.MELDCODE in x.entry.flags for x in examples],
                    meldcode_predicted=[Flag.MELDCODE in v.flags for v in verdicts],
                )
            ),
            "calibration": asdict(
                calibration([p for _, p in decided], [t is Kind.COMPLAINT for t in truth])
            ),
        }
    differing = []
    if "active" in verdicts_of:
        for x, (kc, pc), (ka, pa) in zip(
            examples, verdicts_of["candidate"], verdicts_of["active"], strict=True
        ):
            if kc != ka:
                differing.append(
                    {
                        "reference": x.entry.id,
                        "message": x.message,
                        "subject": (x.subject or x.entry.subject)[:200],
                        "truth": str(x.entry.kind),
                        "candidate": str(kc),
                        "candidate_probability": round(pc, 3),
                        "active": str(ka),
                        "active_probability": round(pa, 3),
                    }
                )
    return {
        "key": key,
        "title": title,
        "size": len(examples),
        "labels": sum(1 for x in examples if x.label_id is not None),
        "active_knew": active_knew,
        "figures": figures,
        "disagreement_count": len(differing),
        "disagreements": differing[:DISAGREEMENTS_SHOWN],
    }


def _decided(
    detector: Any, samples: Sequence[Any], verdicts: Sequence[Any], thresholds: Thresholds
) -> list[tuple[Kind, float]]:
    out = []
    for verdict, assessment in zip(verdicts, detector.assess(list(samples), top=0), strict=True):
        decision = decision_of(verdict, assessment, thresholds)
        out.append((decision.kind, assessment.probabilities.get(Kind.COMPLAINT, 0.0)))
    return out
