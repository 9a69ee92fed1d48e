"""The model's versions: which is active, the candidates, and what an admin does with them.

Promoting makes a version active (the worker picks it up at its next poll); discarding
takes a candidate off the table; rolling back promotes an earlier version. Every act is
audited under `model:N`, and a version keeps who made it, who promoted it, its training
data's hash and its figures for good.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from klachtenbus.errors import KlachtenbusError
from storage import ModelVersion, Store, lifecycle, records
from storage.accounts import add_audit

log = logging.getLogger(__name__)

STATE_LABELS = {
    "active": "actief",
    "candidate": "kandidaat",
    "earlier": "eerder actief",
    "discarded": "verworpen",
}
KIND_WORDS = {
    "complaint": "klacht",
    "remark": "opmerking",
    "other": "automatisch",
    "uncertain": "twijfel",
}


class VersionRefused(KlachtenbusError):
    """A model version cannot be promoted, discarded or put in the shadow as asked."""


@dataclass(frozen=True)
class Version:
    """A model version as an admin reads it."""

    id: int
    state: str  # active, candidate, earlier, discarded
    trained_at: datetime
    samples: int
    labels: int | None
    sha256: str
    data_sha256: str
    created_by: str | None
    promoted_by: str | None
    promoted_at: datetime | None
    discarded_by: str | None
    discarded_at: datetime | None
    shadow_since: datetime | None
    metrics: dict[str, Any] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.state == "active"

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def in_shadow(self) -> bool:
        return self.shadow_since is not None and self.state == "candidate"


def _state(m: ModelVersion) -> str:
    if m.active:
        return "active"
    if m.discarded_at is not None:
        return "discarded"
    return "earlier" if m.promoted_at is not None else "candidate"


def _version(m: ModelVersion) -> Version:
    return Version(
        m.id, _state(m), m.trained_at, m.samples, m.labels, m.sha256, m.data_sha256,
        m.created_by, m.promoted_by, m.promoted_at, m.discarded_by, m.discarded_at,
        m.shadow_since, m.metrics or {},
    )  # fmt: skip


def versions(store: Store) -> list[Version]:
    """Every version, newest first."""
    with store.unit_of_work() as session:
        return [_version(m) for m in reversed(records.model_versions(session))]


def version(store: Store, version_id: int) -> Version:
    with store.unit_of_work() as session:
        return _version(_get(session, version_id))


def _get(session: Any, version_id: int) -> ModelVersion:
    found = session.get(ModelVersion, version_id)
    if found is None:
        raise VersionRefused(
            f"Modelversie {version_id} bestaat niet; zie de lijst (`klachtenbus model list`)."
        )
    return found  # type: ignore[no-any-return]


def _checked_file(m: ModelVersion) -> None:
    """The file must still be the one that was trained: a swapped file is never made active."""
    try:
        data = Path(m.path).read_bytes()
    except OSError as exc:
        raise VersionRefused(
            f"Het bestand van modelversie {m.id} ontbreekt ({exc.strerror}); kies een andere "
            "versie of train opnieuw."
        ) from exc
    if hashlib.sha256(data).hexdigest() != m.sha256:
        raise VersionRefused(
            f"Het bestand van modelversie {m.id} is gewijzigd sinds het getraind werd (sha256 "
            "klopt niet); het wordt niet actief. Kies een andere versie of train opnieuw."
        )


def promote(store: Store, actor: str, version_id: int) -> Version:
    """Make a version active: a candidate, or an earlier one (a roll-back)."""
    with store.unit_of_work() as session:
        m = _get(session, version_id)
        if m.discarded_at is not None:
            raise VersionRefused(
                f"Modelversie {version_id} is verworpen en kan niet meer actief worden; train "
                "opnieuw."
            )
        if m.active:
            return _version(m)
        _checked_file(m)
        before = records.active_model(session)
        records.activate_model(session, version_id)
        m.promoted_by, m.promoted_at, m.shadow_since = actor, datetime.now(UTC), None
        add_audit(
            session, actor=actor, action="model.promote", subject=f"model:{version_id}",
            before={"active_version": before.id if before is not None else None},
            after={"active_version": version_id, "sha256": m.sha256},
        )  # fmt: skip
        log.info("Modelversie %s is actief gemaakt door %s.", version_id, actor)
        return _version(m)


def rollback(store: Store, actor: str, version_id: int | None = None) -> Version:
    """Back to an earlier version: the one named, or the newest before the active one."""
    if version_id is None:
        with store.unit_of_work() as session:
            every = records.model_versions(session)
            active = next((m for m in reversed(every) if m.active), None)
            older = [
                m
                for m in every
                if active is not None
                and m.id < active.id
                and m.promoted_at is not None
                and m.discarded_at is None
            ]
            if not older:
                raise VersionRefused("Er is geen eerdere modelversie om naar terug te gaan.")
            version_id = older[-1].id
    return promote(store, actor, version_id)


def discard(store: Store, actor: str, version_id: int) -> Version:
    """Take a candidate off the table: it never becomes active, its figures stay."""
    with store.unit_of_work() as session:
        m = _get(session, version_id)
        if m.active:
            raise VersionRefused(
                f"Modelversie {version_id} is actief; maak eerst een andere versie actief."
            )
        if m.discarded_at is None:
            m.discarded_by, m.discarded_at, m.shadow_since = actor, datetime.now(UTC), None
            add_audit(
                session, actor=actor, action="model.discard", subject=f"model:{version_id}",
                after={"discarded": True},
            )  # fmt: skip
        return _version(m)


def shadow(store: Store, actor: str, version_id: int, on: bool) -> Version:
    """Let a candidate score live mail beside the active model, without acting, or stop it."""
    with store.unit_of_work() as session:
        m = _get(session, version_id)
        if on and (m.active or m.discarded_at is not None):
            raise VersionRefused(
                f"Alleen een kandidaat kan meekijken; modelversie {version_id} is "
                f"{STATE_LABELS[_state(m)]}."
            )
        before = m.shadow_since
        if on and before is None:
            m.shadow_since = datetime.now(UTC)
        elif not on:
            m.shadow_since = None
        if (before is None) == on:
            add_audit(
                session, actor=actor, action="model.shadow", subject=f"model:{version_id}",
                before={"shadow": before is not None}, after={"shadow": on},
            )  # fmt: skip
        return _version(m)


# -- reading what the versions did --------------------------------------------------------


@dataclass(frozen=True)
class ShadowLine:
    number: int
    subject: str
    received_at: datetime
    candidate: str
    candidate_probability: float
    active: str | None
    officer: str | None  # the latest officer label's kind, if any


@dataclass(frozen=True)
class Shadow:
    """How a candidate did beside the active model on live mail."""

    scored: int
    agreed: int
    disagreements: list[ShadowLine]
    labelled: int  # of the scored, how many an officer has decided since
    candidate_right: int
    active_right: int

    @property
    def agreement(self) -> float | None:
        return self.agreed / self.scored if self.scored else None


def shadow_results(store: Store, version_id: int, shown: int = 200) -> Shadow:
    with store.unit_of_work() as session:
        rows = lifecycle.shadow_of(session, version_id)
        agreed = sum(1 for s, _, _ in rows if s.kind == s.active_kind)
        lines = [
            ShadowLine(
                m.id,
                m.subject or "",
                m.received_at,
                s.kind,
                s.complaint_probability,
                s.active_kind,
                label.kind if label is not None else None,
            )
            for s, m, label in rows
            if s.kind != s.active_kind
        ]
        labelled = [(s, label) for s, _, label in rows if label is not None]
        return Shadow(
            scored=len(rows),
            agreed=agreed,
            disagreements=lines[:shown],
            labelled=len(labelled),
            candidate_right=sum(1 for s, label in labelled if s.kind == label.kind),
            active_right=sum(1 for s, label in labelled if s.active_kind == label.kind),
        )


def comparison(store: Store, version_id: int) -> tuple[Version, Version | None]:
    """A candidate and the version it was measured against (the one active at its training)."""
    with store.unit_of_work() as session:
        m = _get(session, version_id)
        against_id = (m.metrics or {}).get("active_version")
        against = session.get(ModelVersion, against_id) if against_id else None
        return _version(m), _version(against) if against is not None else None


def active_version(store: Store) -> Version | None:
    with store.unit_of_work() as session:
        m = records.active_model(session)
        return _version(m) if m is not None else None


def open_training(store: Store) -> bool:
    with store.unit_of_work() as session:
        return lifecycle.open_run(session) is not None
