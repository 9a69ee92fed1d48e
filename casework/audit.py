"""The admins' audit page: every decision and change (who, when, what, before and after),
filtered by person, case and kind, fifty to a page, and the same selection as a CSV file.
Nothing here writes: the trail cannot be edited or deleted through the app."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from casework.exports import Cell
from storage import Store
from storage import audit as records
from storage.models import AuditEntry

PAGE_SIZE = 50

# The actions as an admin reads them; an action not listed here shows as its key.
ACTION_LABELS = {
    "user.add": "account toegevoegd",
    "user.disable": "account uitgeschakeld",
    "user.enable": "account weer ingeschakeld",
    "user.reset_password": "nieuw wachtwoord gezet",
    "user.role": "rol gewijzigd",
    "session.log_in": "ingelogd",
    "session.log_out": "uitgelogd",
    "session.expire": "sessie beëindigd",
    "case.move": "status van zaak gewijzigd",
    "case.extend": "zaak verdaagd",
    "case.edit": "registratie gewijzigd",
    "case.assign": "zaak toegewezen",
    "case.release": "zaak vrijgegeven",
    "message.view": "bericht geopend",
    "message.download": "bericht of bijlage gedownload",
    "message.label": "bericht beoordeeld",
    "message.assign": "bericht toegewezen",
    "message.attach": "bericht bij zaak gevoegd",
    "message.meldcode": "meldcode-signaal beoordeeld",
}
GROUP_LABELS = {
    "user": "accounts",
    "session": "inloggen en uitloggen",
    "case": "zaken",
    "message": "berichten",
    "model": "model",
    "settings": "instellingen",
}


@dataclass(frozen=True)
class AuditFilter:
    person: str = ""  # an actor, as the trail names them
    case: str = ""  # a case number: the case and its messages
    kind: str = ""  # an action (user.add) or a group of them (user)
    page: int = 1

    @classmethod
    def from_words(cls, words: dict[str, str]) -> AuditFilter:
        try:
            page = max(1, int(words.get("pagina", "1")))
        except ValueError:
            page = 1
        return cls(
            person=words.get("persoon", "").strip(),
            case=words.get("zaak", "").strip(),
            kind=words.get("soort", "").strip(),
            page=page,
        )

    def words(self, **changes: Any) -> dict[str, str]:
        values = {
            "persoon": self.person, "zaak": self.case, "soort": self.kind,
            "pagina": str(self.page),
        } | {k: str(v) for k, v in changes.items()}  # fmt: skip
        return {k: v for k, v in values.items() if v and not (k == "pagina" and v == "1")}


@dataclass(frozen=True)
class AuditLine:
    number: int
    at: datetime
    actor: str
    action: str
    label: str
    subject: str
    link: str | None  # the subject's page, when it has one
    before: tuple[tuple[str, str], ...]
    after: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class AuditPage:
    lines: list[AuditLine]
    total: int
    page: int
    pages: int
    wanted: AuditFilter
    people: list[str]
    kinds: list[tuple[str, str]]  # (value, label): the groups, then each action


def find(store: Store, wanted: AuditFilter) -> AuditPage:
    """One page of the trail, newest first, with the filters' choices."""
    with store.unit_of_work() as session:
        where = _where(session, wanted)
        total = records.count(session, where)
        start = (wanted.page - 1) * PAGE_SIZE
        found = records.entries(session, where, offset=start, limit=PAGE_SIZE)
        actions = records.actions(session)
        return AuditPage(
            lines=[_line(e) for e in found],
            total=total,
            page=wanted.page,
            pages=max(1, math.ceil(total / PAGE_SIZE)),
            wanted=wanted,
            people=records.actors(session),
            kinds=_kinds(actions),
        )


EXPORT_HEADER = ("nummer", "tijdstip (UTC)", "wie", "actie", "omschrijving", "over", "voor", "na")


def export(store: Store, wanted: AuditFilter) -> list[tuple[Cell, ...]]:
    """Every entry the filter selects (all pages), newest first, as CSV rows; before and after
    as JSON, as stored."""
    with store.unit_of_work() as session:
        found = records.entries(session, _where(session, wanted))
        return [
            (e.id, e.at, e.actor, e.action, ACTION_LABELS.get(e.action, e.action), e.subject,
             _json(e.before), _json(e.after))
            for e in found
        ]  # fmt: skip


def _where(session: Any, wanted: AuditFilter) -> list[Any]:
    subjects = records.subjects_of_case(session, wanted.case) if wanted.case else ()
    return records.conditions(actor=wanted.person, subjects=subjects, action=wanted.kind)


def _kinds(actions: list[str]) -> list[tuple[str, str]]:
    groups = sorted({a.split(".", 1)[0] for a in actions})
    return [(g, f"alle {GROUP_LABELS.get(g, g)}") for g in groups] + [
        (a, ACTION_LABELS.get(a, a)) for a in actions
    ]


def _line(entry: AuditEntry) -> AuditLine:
    return AuditLine(
        number=entry.id,
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        label=ACTION_LABELS.get(entry.action, entry.action),
        subject=entry.subject,
        link=_link(entry.subject),
        before=_pairs(entry.before),
        after=_pairs(entry.after),
    )


def _link(subject: str) -> str | None:
    kind, _, key = subject.partition(":")
    if kind == "case" and key:
        return f"/zaken/{key}"
    if kind == "message" and key.isdigit():
        return f"/berichten/{key}"
    if kind == "user" and key:
        return "/beheer/gebruikers"
    return None


def _pairs(values: dict[str, Any] | None) -> tuple[tuple[str, str], ...]:
    if not values:
        return ()
    return tuple(
        (str(k), v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
        for k, v in values.items()
    )


def _json(values: dict[str, Any] | None) -> str | None:
    return json.dumps(values, ensure_ascii=False, sort_keys=True) if values else None
