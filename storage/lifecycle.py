"""The model's lifecycle in the database: retraining runs, shadow verdicts and the settings an
admin changed in the browser. Every function works inside the caller's unit of work."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from klachtenbus.vocabulary import MessageStatus, TrainingStatus
from storage import records
from storage.models import (
    Label,
    ModelVersion,
    SettingOverride,
    ShadowScore,
    StoredMessage,
    TrainingRun,
    now,
)

OPEN_RUNS = (TrainingStatus.WAITING, TrainingStatus.RUNNING)


def add_run(session: Session, requested_by: str) -> TrainingRun:
    run = TrainingRun(
        requested_by=requested_by, status=TrainingStatus.WAITING, percent=0, cancel=False
    )
    session.add(run)
    session.flush()
    return run


def open_run(session: Session) -> TrainingRun | None:
    """The retraining waiting or running, if any: one at a time."""
    return session.scalars(
        select(TrainingRun).where(TrainingRun.status.in_(OPEN_RUNS)).order_by(TrainingRun.id)
    ).first()


def latest_runs(session: Session, limit: int = 5) -> list[TrainingRun]:
    return list(session.scalars(select(TrainingRun).order_by(TrainingRun.id.desc()).limit(limit)))


def claim_waiting_run(session: Session, run_id: int | None = None) -> TrainingRun | None:
    """The oldest waiting run (or `run_id`), now marked running by this worker; None when
    there is none or another worker claimed it first (the update names the status it expects)."""
    wanted = select(TrainingRun).where(TrainingRun.status == TrainingStatus.WAITING)
    if run_id is not None:
        wanted = wanted.where(TrainingRun.id == run_id)
    run = session.scalars(wanted.order_by(TrainingRun.id)).first()
    if run is None:
        return None
    claimed = session.execute(
        update(TrainingRun)
        .where(TrainingRun.id == run.id, TrainingRun.status == TrainingStatus.WAITING)
        .values(status=TrainingStatus.RUNNING, started_at=now(), step="Begonnen")
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return None
    session.refresh(run)
    return run


def set_progress(session: Session, run_id: int, percent: int, step: str) -> bool:
    """Record how far a run is; returns whether an admin asked to cancel it."""
    session.execute(
        update(TrainingRun)
        .where(TrainingRun.id == run_id)
        .values(percent=percent, step=step)
        .execution_options(synchronize_session=False)
    )
    return bool(session.scalar(select(TrainingRun.cancel).where(TrainingRun.id == run_id)))


def finish_run(session: Session, run_id: int, status: str, **fields: Any) -> None:
    session.execute(
        update(TrainingRun)
        .where(TrainingRun.id == run_id)
        .values(status=status, finished_at=now(), **fields)
        .execution_options(synchronize_session=False)
    )


def labelled_after(
    session: Session, label_id: int, limit: int
) -> list[tuple[Label, StoredMessage]]:
    """The newest label of each message whose newest label came after `label_id`: mail
    labelled after a model was trained, newest first."""
    rows = session.execute(
        records.newest_labels().where(Label.id > label_id).order_by(Label.id.desc()).limit(limit)
    )
    return [(label, message) for label, message in rows]


def shadow_versions(session: Session) -> list[ModelVersion]:
    """Candidates that score live mail beside the active model."""
    return list(
        session.scalars(
            select(ModelVersion)
            .where(
                ModelVersion.shadow_since.is_not(None),
                ModelVersion.active.is_(False),
                ModelVersion.discarded_at.is_(None),
            )
            .order_by(ModelVersion.id)
        )
    )


def unscored_for_shadow(session: Session, version: ModelVersion, limit: int) -> list[StoredMessage]:
    """Mail the active model judged since the shadow began that this candidate has not seen."""
    scored = select(ShadowScore.message_row_id).where(ShadowScore.model_version_id == version.id)
    assert version.shadow_since is not None
    return list(
        session.scalars(
            select(StoredMessage)
            .where(
                StoredMessage.stored_at >= version.shadow_since,
                StoredMessage.status == MessageStatus.PROCESSED,
                StoredMessage.id.not_in(scored),
            )
            .order_by(StoredMessage.id)
            .limit(limit)
        )
    )


def add_shadow_scores(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    for row in rows:
        session.add(ShadowScore(**row))


def shadow_of(
    session: Session, version_id: int
) -> list[tuple[ShadowScore, StoredMessage, Label | None]]:
    """A candidate's shadow verdicts, newest first, with each message's latest officer label."""
    newest = (
        select(Label.message_row_id, func.max(Label.id).label("id"))
        .group_by(Label.message_row_id)
        .subquery()
    )
    rows = session.execute(
        select(ShadowScore, StoredMessage, Label)
        .join(StoredMessage, StoredMessage.id == ShadowScore.message_row_id)
        .outerjoin(newest, newest.c.message_row_id == ShadowScore.message_row_id)
        .outerjoin(Label, Label.id == newest.c.id)
        .where(ShadowScore.model_version_id == version_id)
        .order_by(ShadowScore.message_row_id.desc())
    )
    return [(score, message, label) for score, message, label in rows]


def overrides(session: Session, names: Sequence[str]) -> dict[str, SettingOverride]:
    return {
        o.name: o
        for o in session.scalars(select(SettingOverride).where(SettingOverride.name.in_(names)))
    }


def set_override(session: Session, name: str, value: Any, changed_by: str) -> None:
    found = session.get(SettingOverride, name)
    if found is None:
        session.add(SettingOverride(name=name, value=value, changed_by=changed_by))
    else:
        found.value, found.changed_by, found.changed_at = value, changed_by, now()
    session.flush()


def recent_human_mail(
    session: Session, since: datetime
) -> list[tuple[str | None, float | None, str | None]]:
    """Each message judged since `since`: the bot's kind, its complaint probability and the
    latest officer label's kind (None without one)."""
    newest = (
        select(Label.message_row_id, func.max(Label.id).label("id"))
        .group_by(Label.message_row_id)
        .subquery()
    )
    rows = session.execute(
        select(StoredMessage.kind, StoredMessage.complaint_probability, Label.kind)
        .outerjoin(newest, newest.c.message_row_id == StoredMessage.id)
        .outerjoin(Label, Label.id == newest.c.id)
        .where(
            StoredMessage.received_at >= since,
            StoredMessage.status == MessageStatus.PROCESSED,
        )
    )
    return [(kind, p, labelled) for kind, p, labelled in rows]


def latest_labels_with_raw(
    session: Session,
) -> list[tuple[int, str, list[str], int, datetime, bytes, str | None]]:
    """The newest label of every labelled message with the message's compressed raw bytes,
    in one query (the raw column is deferred: reading it per message took a query each):
    (label id, kind, flags, message number, received at, compressed raw, subject)."""
    newest = (
        select(Label.message_row_id, func.max(Label.id).label("id"))
        .group_by(Label.message_row_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Label.id,
            Label.kind,
            Label.flags,
            StoredMessage.id,
            StoredMessage.received_at,
            StoredMessage.raw,
            StoredMessage.subject,
        )
        .join(newest, Label.id == newest.c.id)
        .join(StoredMessage, StoredMessage.id == Label.message_row_id)
        .order_by(Label.id)
    )
    return [
        (label_id, kind, flags or [], number, received_at, raw, subject)
        for label_id, kind, flags, number, received_at, raw, subject in rows
    ]
