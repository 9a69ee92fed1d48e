"""Alarm mails to the admins when Klachtenbus itself is in trouble: a mailbox that has failed
for 15 minutes, a letter that could not go out for an hour, a token that lapses within 7
days, messages in quarantine. Once per problem, and one all-clear when it is solved.

The letters are queued like any other and sent by the worker's send run. They go only to
admin accounts and the `alarm_to` addresses, never to the complaints mailbox itself, and
are marked auto-generated; a stuck alarm letter is never itself a reason for an alarm."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from office import Organisation
from outbox.digest import alarm_mail
from storage import Store
from storage import health as records
from storage.models import HealthProblem, Letter

log = logging.getLogger(__name__)

MAILBOX_FAILING = timedelta(minutes=15)
LETTER_STUCK = timedelta(hours=1)
TOKEN_WARNING = timedelta(days=7)
ALARM, ALL_CLEAR = records.ALARM_PURPOSES


@dataclass(frozen=True)
class Finding:
    """A problem that is there now: its key (the same problem has the same key at every
    check), what is wrong and what to do, in Dutch and without personal data."""

    key: str
    summary: str
    fix: str
    measure: int | None = None  # how many, where more of it is news (the quarantine)


@dataclass
class AlarmSummary:
    opened: list[str] = field(default_factory=list)
    solved: list[str] = field(default_factory=list)
    letters: int = 0


def findings(session: Session, at: datetime) -> list[Finding]:
    """Every problem an admin must hear about, as the records show it at `at`."""
    found = []
    for beat in records.heartbeats(session):
        if beat.failing_since is not None and at - beat.failing_since >= MAILBOX_FAILING:
            minutes = int((at - beat.failing_since).total_seconds() // 60)
            found.append(
                Finding(
                    f"mailbox:{beat.mailbox}:ophalen",
                    f"Mailbox '{beat.mailbox}' kan al {minutes} minuten niet worden gelezen. "
                    f"Laatste fout: {beat.last_error or 'onbekend'}",
                    "Draai `klachtenbus doctor` op de server van de bot: die zegt wat er "
                    "mis is met de login, de mappen of de server. Nieuwe klachten wachten in de "
                    "mailbox en de termijnen lopen.",
                )
            )
        if beat.token_expires_at is not None and beat.token_expires_at - at <= TOKEN_WARNING:
            days = max((beat.token_expires_at - at).days, 0)
            found.append(
                Finding(
                    f"mailbox:{beat.mailbox}:token",
                    f"De toegang (OAuth2-token) van mailbox '{beat.mailbox}' verloopt "
                    + ("binnen een dag." if days == 0 else f"over {days} dag(en)."),
                    f"Verbind de mailbox opnieuw met `klachtenbus mailbox connect {beat.mailbox}` "
                    "voordat de toegang verloopt; daarna leest Klachtenbus niets meer.",
                )
            )
    oldest = records.oldest_unsent(session)
    if oldest is not None and at - oldest >= LETTER_STUCK:
        hours = int((at - oldest).total_seconds() // 3600)
        found.append(
            Finding(
                "brieven:verzending",
                f"Er wacht al {hours} uur een brief (bijvoorbeeld een ontvangstbevestiging) die "
                "niet verstuurd kon worden.",
                "Draai `klachtenbus doctor` om de SMTP-server en -instellingen te controleren; "
                "de brieven blijven in de wachtrij en gaan vanzelf uit zodra de server ze aanneemt.",
            )
        )
    waiting = records.quarantined(session)
    if waiting:
        found.append(
            Finding(
                "quarantaine",
                f"Er staan {waiting} onverwerkbare bericht(en) in quarantaine die nog geen "
                "behandelaar heeft beoordeeld.",
                "Bekijk ze met `klachtenbus cases --failed` of in de webapp; het kan een klacht "
                "zijn en de termijn loopt vanaf ontvangst.",
                measure=waiting,
            )
        )
    return found


def check(
    store: Store,
    organisation: Organisation,
    *,
    alarm_to: Iterable[str] = (),
    time_zone: str = "Europe/Amsterdam",
    at: datetime | None = None,
) -> AlarmSummary:
    """Compare what is wrong now with the problems already open: a new one is opened and
    alarmed, a solved one is closed with an all-clear; the rest waits silently."""
    at = at or datetime.now(UTC)
    summary = AlarmSummary()
    with store.unit_of_work() as session:
        now = {f.key: f for f in findings(session, at)}
        known = records.open_problems(session)
        to = recipients(records.admin_addresses(session), alarm_to, organisation)
        for key, finding in now.items():
            problem = known.get(key)
            if problem is not None:  # more of it (another message in quarantine) is news again
                if not _grown(session, problem, finding):
                    continue
            else:
                problem = records.open_problem(session, key, finding.summary, at)
                if problem is None:
                    continue  # another worker opened it just now
                problem.measure = finding.measure
            summary.opened.append(key)
            log.warning("Alarm: %s", finding.summary)
            ids = _queue(session, problem, finding.fix, to, organisation, time_zone, at, False)
            problem.alarm_letter_id = ids[0] if ids else None
            summary.letters += len(ids)
        for key, problem in known.items():
            if key in now or not records.close_problem(session, problem, at):
                continue
            summary.solved.append(key)
            log.info("Opgelost: %s", problem.summary)
            ids = _queue(session, problem, "", to, organisation, time_zone, at, True)
            problem.all_clear_letter_id = ids[0] if ids else None
            summary.letters += len(ids)
    if (summary.opened or summary.solved) and not to:
        log.error(
            "Er is geen beheerder met een e-mailadres en alarm_to is leeg: niemand krijgt "
            "de alarmmelding. Geef een beheerder een e-mailadres of zet alarm_to."
        )
    return summary


def _grown(session: Session, problem: HealthProblem, finding: Finding) -> bool:
    """Whether an open problem got bigger since its last alarm (and this worker is the one
    to say so); a smaller one is remembered as such, so that growing again is news again."""
    if finding.measure is None or problem.measure is None:
        return False
    if finding.measure < problem.measure:
        problem.measure = finding.measure
        return False
    if finding.measure == problem.measure:
        return False
    if not records.grow_problem(session, problem, finding.measure, finding.summary):
        return False
    problem.summary, problem.measure = finding.summary, finding.measure
    return True


def recipients(
    admins: Iterable[str], alarm_to: Iterable[str], organisation: Organisation
) -> list[str]:
    """Admins and the configured addresses; never the complaints mailbox itself (the alarm
    would come back in as mail to judge)."""
    found = {a.strip().lower() for a in (*admins, *alarm_to) if a and "@" in a}
    return sorted(a for a in found if not organisation.owns(a))


def _queue(
    session: Session,
    problem: HealthProblem,
    fix: str,
    to: list[str],
    organisation: Organisation,
    time_zone: str,
    at: datetime,
    solved: bool,
) -> list[int]:
    letters = []
    for address in to:
        mail = alarm_mail(
            summary=problem.summary,
            fix=fix,
            solved=solved,
            opened_at=problem.opened_at,
            at=at,
            sender=organisation.address,
            recipient=address,
            organisation_name=organisation.name,
            time_zone=time_zone,
        )
        letter = Letter(
            case_id=None,
            message_row_id=None,
            purpose=ALL_CLEAR if solved else ALARM,
            recipient=address,
            message_id=mail.message_id,
            raw=mail.raw,
            status="pending",
            attempts=0,  # due at once, on the worker's own clock
        )
        session.add(letter)
        letters.append(letter)
    session.flush()
    return [letter.id for letter in letters]
