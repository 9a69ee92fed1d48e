"""The one place that knows every stage: fetch → store → parse → detect → register → acknowledge."""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

import intake
from bot.preparing import Prepared, Preparer
from bot.sending import Sender, SendSummary
from intake import FetchedMessage, ParsedMessage, same_mailbox
from intake.sizes import CHUNK_BYTES, grouped
from klachtenbus.errors import MessageUnparseable
from klachtenbus.vocabulary import Flag, Kind, MessageStatus
from office import SYSTEM, Organisation
from office.registering import Complaint, Registrar
from procedures import Procedure, WorkingCalendar
from rules import new_text
from storage import Case, Store, StoredMessage, casework, records

if TYPE_CHECKING:
    from office.detection import DetectionRecipe

log = logging.getLogger(__name__)

FOLLOW_UP = "followup"  # the poll summary's word for mail that joined an existing case
MAX_REFERENCES = 50  # of a message's References, the newest, looked up for its case
MAX_ATTEMPTS = 3  # tries to record a message before it is quarantined for an officer
CASE_NUMBER = re.compile(r"\bK-\d{4}-\d{4,}\b", re.IGNORECASE)


class Mailbox(Protocol):
    name: str
    uidvalidity: int

    def keys(self) -> list[str]: ...
    def fetch(self, keys: list[str]) -> Iterator[FetchedMessage]: ...
    def __enter__(self) -> Mailbox: ...
    def __exit__(self, *exc: object) -> None: ...
    def file_away(self, keys: list[str], *, quarantine: bool = False) -> None: ...


@dataclass
class PollSummary:
    """What one pass over the mailbox did, for the CLI and the logs."""

    seen: int = 0
    stored: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    failed: int = 0
    retrying: int = 0  # could not be recorded this time: stored, tried again next poll
    skipped: int = 0  # another worker had it first
    filed_away: int = 0
    resumed: int = 0
    sent: SendSummary = field(default_factory=SendSummary)  # letters sent while waiting

    def count(self, outcome: str) -> None:
        if outcome == MessageStatus.DUPLICATE:
            self.duplicates += 1
        elif outcome == MessageStatus.FAILED:
            self.failed += 1
        elif outcome == MessageStatus.STORED:
            self.retrying += 1
        else:
            self.by_kind[outcome] = self.by_kind.get(outcome, 0) + 1


@dataclass
class Staged:
    """A batch whose raw bytes are committed and whose preparation is under way."""

    stored: list[tuple[str, int]]  # (mailbox key, stored row id)
    future: Future[list[Prepared]]
    size: int = 0  # raw bytes handed to the preparer, held until it is done with them


class Pipeline:
    def __init__(
        self,
        store: Store,
        preparer: Preparer,
        *,
        organisation: Organisation,
        procedure: Procedure,
        calendar: WorkingCalendar,
        chunk_size: int = 100,
        chunk_bytes: int = CHUNK_BYTES,
        refile_after: timedelta = timedelta(minutes=2),
        stop: threading.Event | None = None,
        fallback: Callable[[], Preparer] | None = None,
        lookahead: int = 16,
        lookahead_bytes: int = CHUNK_BYTES,
        auto_letter_pause: timedelta = timedelta(hours=24),
        recipe: Callable[[], DetectionRecipe] | None = None,
    ) -> None:
        """`fallback` builds an in-process preparer for when a helper process dies.

        `recipe` says which model and cut-offs are in force now: asked at every poll, so an
        admin's promotion or new cut-offs apply from the next poll on, without a restart.

        `lookahead` bounds the batches stored and handed over but not yet finished: enough to
        keep this process busy while the helper loads its model, few enough to keep memory flat.
        `lookahead_bytes` bounds their raw bytes (which wait in this process until the helper
        is done with them), and `chunk_bytes` a batch's: a few large messages are never all in
        memory at once, in either process.
        """
        self.lookahead = lookahead
        self.lookahead_bytes = lookahead_bytes
        self.chunk_bytes = chunk_bytes
        self.store = store
        self.preparer = preparer
        self.fallback = fallback
        self.current_recipe = recipe
        self.recipe = recipe() if recipe is not None else None
        self.chunk_size = chunk_size
        self.refile_after = refile_after
        self.registrar = Registrar(organisation, procedure, calendar, auto_letter_pause)
        self.stop = stop or threading.Event()
        self.sender = Sender(store, organisation.address, self.stop)

    def close(self) -> None:
        """Stop the helper process, if any."""
        self.preparer.close()

    # -- polling ---------------------------------------------------------------------------

    def poll(
        self,
        mailbox: Mailbox,
        progress: Callable[[int, int], None] | None = None,
        send: Callable[[Callable[[], bool]], SendSummary] | None = None,
    ) -> PollSummary:
        """One pass: every message not yet stored is stored, judged and filed away.

        `send(busy)` sends due letters while `busy()` (the next batch is still with the helper):
        time this process would spend waiting goes to the letters of earlier batches.
        """
        summary = PollSummary()
        self.renew()
        with mailbox as box:
            with self.store.unit_of_work() as session:
                state = records.mailbox_state(session, box.name)
                if state.uidvalidity and state.uidvalidity != box.uidvalidity:
                    log.warning(
                        "UIDVALIDITY van %s veranderde (%s → %s): de map wordt opnieuw gelezen; "
                        "dubbele berichten worden herkend aan hun Message-ID.",
                        box.name,
                        state.uidvalidity,
                        box.uidvalidity,
                    )
                    state.last_uid = 0
                state.uidvalidity = box.uidvalidity
                state.last_poll_at = datetime.now(UTC)
            keys = box.keys()
            summary.seen = len(keys)
            with self.store.unit_of_work() as session:
                known = records.known_keys(session, box.name, keys)
                # Stored earlier but still in the folder: a worker died between commit and move.
                # Recent ones are left alone; another worker may be filing them away right now.
                settled = datetime.now(UTC) - self.refile_after
                # One waiting for another attempt stays until it is recorded or quarantined.
                left = [
                    (k, r.status)
                    for k, r in known.items()
                    if r.stored_at < settled
                    and not (r.status == MessageStatus.STORED and r.attempts)
                ]
            self._file_away(box, [k for k, s in left if s != MessageStatus.FAILED], summary)
            self._file_away(box, [k for k, s in left if s == MessageStatus.FAILED], summary, True)
            new = [k for k in keys if k not in known]
            taken = 0
            # Stage the next batches (store them, hand them to the preparer) while earlier ones
            # are prepared; finish a batch once it is prepared, or when too many wait.
            waiting: list[Staged] = []
            batches = _batches(box.fetch(new), self.chunk_size, self.chunk_bytes)
            while True:
                # Large messages: finish what waits before the next one is fetched, so one is
                # in memory at a time, not one fetched while another is still being judged.
                while waiting and sum(s.size for s in waiting) >= self.lookahead_bytes:
                    taken += self._finish_next(box, waiting, summary, send)
                    if progress:
                        progress(taken, len(new))
                batch = next(batches, None)
                if batch is None:
                    break
                waiting.append(self.stage(box.name, batch, summary))
                del batch  # its bytes now live only where the preparer holds them
                while waiting and (
                    len(waiting) > self.lookahead
                    or sum(s.size for s in waiting) > self.lookahead_bytes
                    or (len(waiting) > self.preparer.parallel and waiting[0].future.done())
                ):
                    taken += self._finish_next(box, waiting, summary, send)
                    if progress:
                        progress(taken, len(new))
                if self.stop.is_set():
                    break
            while waiting:
                taken += self._finish_next(box, waiting, summary, send)
                if progress:
                    progress(taken, len(new))
            if self.stop.is_set():
                log.info("Gestopt op verzoek na %d berichten.", taken)
            if not self.stop.is_set():
                self._resume_and_file(box, summary, set(keys))
        return summary

    def renew(self) -> None:
        """Judge with the model and cut-offs in force now, if an admin changed them."""
        if self.current_recipe is None:
            return
        fresh = self.current_recipe()
        if fresh == self.recipe:
            return
        self.preparer.renew(fresh)
        if self.recipe is not None and fresh.model_version != self.recipe.model_version:
            log.info(
                "Modelversie %s is nu actief (was %s).",
                fresh.model_version,
                self.recipe.model_version,
            )
        self.recipe = fresh

    def _resume_and_file(self, box: Mailbox, summary: PollSummary, listed: set[str]) -> None:
        """Judge what was stored but not recorded (a worker died, an attempt failed), and
        file away those still in the folder: a message quarantined now leaves the inbox now.
        (Others were filed away before, or belong to another folder or UIDVALIDITY.)"""
        outcomes = self.resume_outcomes()
        summary.resumed = len(outcomes)
        mine = {k: o for (mailbox, k), o in outcomes.items() if mailbox == box.name and k in listed}
        failed = [k for k, o in mine.items() if o == MessageStatus.FAILED]
        self._file_away(box, failed, summary, quarantine=True)
        done = [k for k, o in mine.items() if o not in (MessageStatus.FAILED, MessageStatus.STORED)]
        self._file_away(box, done, summary)

    def take(
        self, mailbox: str, batch: list[FetchedMessage], summary: PollSummary
    ) -> dict[str, str]:
        """Store a batch raw first (committed), then judge it together and process it one by one.

        Returns the outcome per mailbox key; a key missing from it is not to be filed away
        (another worker has it, or a stop came first and the message waits in storage).
        """
        return self.finish(self.stage(mailbox, batch, summary), summary)

    def stage(self, mailbox: str, batch: list[FetchedMessage], summary: PollSummary) -> Staged:
        """Commit the raw bytes, then hand the batch to the preparer."""
        stored = self._store_raw(mailbox, batch, summary)
        future = self.preparer.submit([(f.raw, f.received_at) for f, _ in stored])
        size = sum(len(f.raw) for f, _ in stored)
        return Staged([(f.key, row_id) for f, row_id in stored], future, size)

    def finish(self, staged: Staged, summary: PollSummary) -> dict[str, str]:
        """Record the prepared decisions: one commit for the batch, or one each on a conflict."""
        try:
            prepared = staged.future.result()
        except Exception as exc:  # the helper process died: prepare here instead
            if self.fallback is None:
                raise
            log.error("Hulpproces faalde (%r); dit deel wordt in het hoofdproces beoordeeld.", exc)
            self.preparer = self.fallback()
            prepared = self._prepare_again(staged)
        work = list(zip(staged.stored, prepared, strict=True))
        outcomes: dict[str, str] = {}
        try:
            with self.store.unit_of_work() as session:
                states = records.message_states(session, [row_id for _, row_id in staged.stored])
                keys = [dedup_key(i[0]) for i in prepared if not isinstance(i, MessageUnparseable)]
                seen = records.dedup_owners(session, keys)
                changes: list[dict[str, object]] = []
                complaints: list[Complaint] = []
                for (key, row_id), item in work:
                    if self.stop.is_set():
                        break  # stored, so nothing is lost: judged on the next start
                    outcomes[key], change = self._judge(
                        session, row_id, states[row_id], item, seen, complaints
                    )
                    if change:
                        changes.append(change)
                records.update_messages(session, changes)
                self.registrar.register_many(session, complaints)
        except IntegrityError:  # another worker got there first: one commit each, with retry
            outcomes = self._one_by_one(work)
        except Exception as exc:
            if _connection_lost(exc):
                raise
            # One message the database refuses, or a bug one message brings out, must not
            # take the rest of its batch with it: each gets its own commit, the culprit fails
            # alone.
            log.warning(
                "Een bericht in deze reeks kon niet worden vastgelegd (%s); de %d berichten "
                "worden nu een voor een verwerkt.",
                _problem(exc),
                len(work),
            )
            outcomes = self._one_by_one(work)
        for outcome in outcomes.values():
            summary.count(outcome)
        return outcomes

    def _one_by_one(self, work: list[tuple[tuple[str, int], Prepared]]) -> dict[str, str]:
        outcomes: dict[str, str] = {}
        for (key, row_id), item in work:
            if self.stop.is_set():
                break
            outcomes[key] = self.process(row_id, item)
        return outcomes

    def _prepare_again(self, staged: Staged) -> list[Prepared]:
        with self.store.unit_of_work() as session:
            rows = [session.get(StoredMessage, row_id) for _, row_id in staged.stored]
            items = [(records.raw_bytes(r), r.received_at) for r in rows if r is not None]
        return self.preparer.submit(items).result()

    def _finish_next(
        self,
        box: Mailbox,
        waiting: list[Staged],
        summary: PollSummary,
        send: Callable[[Callable[[], bool]], SendSummary] | None,
    ) -> int:
        """Finish the oldest staged batch; while it is still with the helper, send letters."""
        staged = waiting.pop(0)
        if send is not None and not staged.future.done():
            summary.sent.add(send(lambda: not staged.future.done()))
        return self._finish_and_file(box, staged, summary)

    def _finish_and_file(self, box: Mailbox, staged: Staged, summary: PollSummary) -> int:
        outcomes = self.finish(staged, summary)
        failed = [k for k, o in outcomes.items() if o == MessageStatus.FAILED]
        waits = {k for k, o in outcomes.items() if o == MessageStatus.STORED}  # tried again
        self._file_away(box, [k for k in outcomes if k not in failed and k not in waits], summary)
        self._file_away(box, failed, summary, quarantine=True)
        return len(staged.stored)

    def _store_raw(
        self, mailbox: str, batch: list[FetchedMessage], summary: PollSummary
    ) -> list[tuple[FetchedMessage, int]]:
        """One commit for the batch; if another worker holds one of them, one commit each."""
        try:
            with self.store.unit_of_work() as session:
                ids = records.store_raw_many(
                    session,
                    mailbox,
                    [(f.key, f.raw, f.received_at, f.uid, f.uidvalidity) for f in batch],
                )
                stored = list(zip(batch, ids, strict=True))
                _advance(session, mailbox, [f.uid for f in batch if f.uid])
        except IntegrityError:
            stored = []
            for fetched in batch:
                try:
                    with self.store.unit_of_work() as session:
                        stored.append((fetched, self._store_one(session, mailbox, fetched)))
                        _advance(session, mailbox, [fetched.uid] if fetched.uid else [])
                except IntegrityError:
                    summary.skipped += 1  # another worker stored it first and sees it through
        summary.stored += len(stored)
        return stored

    def _store_one(self, session: Session, mailbox: str, fetched: FetchedMessage) -> int:
        row = records.store_raw(
            session,
            mailbox=mailbox,
            key=fetched.key,
            raw=fetched.raw,
            received_at=fetched.received_at,
            uid=fetched.uid,
            uidvalidity=fetched.uidvalidity,
        )
        return row.id

    def resume(self) -> int:
        """Judge messages that were stored but never processed (a worker died in between)."""
        return len(self.resume_outcomes())

    def resume_outcomes(self) -> dict[tuple[str, str], str]:
        """`resume`, with the outcome per (mailbox, key) of each message it judged."""
        with self.store.unit_of_work() as session:
            waiting = [(r.id, r.mailbox, r.source_key) for r in records.waiting_messages(session)]
        outcomes: dict[tuple[str, str], str] = {}
        for row_id, mailbox, key in waiting:
            if self.stop.is_set():
                break
            outcomes[(mailbox, key)] = self.process(row_id)
        return outcomes

    def process(self, row_id: int, prepared: Prepared | None = None) -> str:
        """Record the decision for one stored message; safe to run twice on the same row.

        A message whose recording fails (the database refuses a value, a bug) fails alone:
        the attempt is counted and the message waits, still stored, for the next poll; after
        `MAX_ATTEMPTS` it is quarantined with its error for an officer. Returns the outcome,
        or `MessageStatus.STORED` when the message waits for another attempt.
        """
        problem: Exception | None = None
        for _attempt in (1, 2):
            try:
                with self.store.unit_of_work() as session:
                    return self._process(session, row_id, prepared)
            except IntegrityError as exc:  # another worker recorded it meanwhile, or a bug
                problem = exc
            except Exception as exc:
                if _connection_lost(exc):
                    raise
                problem = exc
                break
        assert problem is not None
        return self._attempt_failed(row_id, problem)

    def _attempt_failed(self, row_id: int, exc: Exception) -> str:
        """Count a failed attempt; quarantine the message after the last one."""
        with self.store.unit_of_work() as session:
            row = session.get(StoredMessage, row_id)
            if row is None:
                return MessageStatus.DUPLICATE
            if row.status != MessageStatus.STORED:  # another worker recorded it after all
                log.info("Bericht %s is al door een andere verwerker afgehandeld.", row_id)
                return row.kind or row.status
            row.attempts = (row.attempts or 0) + 1
            problem = _problem(exc)
            log.debug("Bericht %s: poging %d mislukt", row_id, row.attempts, exc_info=exc)
            if row.attempts < MAX_ATTEMPTS:
                row.error = (
                    f"Poging {row.attempts} van {MAX_ATTEMPTS} om het bericht vast te leggen "
                    f"mislukte ({problem}); de volgende ronde probeert het opnieuw."
                )
                log.warning("Bericht %s: %s", row_id, row.error)
                return MessageStatus.STORED
            row.status = MessageStatus.FAILED
            _who_and_what(session, row)
            row.error = (
                f"Vastleggen mislukte {row.attempts} keer ({problem}). Het bericht is bewaard en "
                "staat in quarantaine: lees het zelf (klachtenbus cases --failed) en meld de fout."
            )
            log.error("Bericht %s in quarantaine: %s", row_id, row.error)
            return MessageStatus.FAILED

    def _process(self, session: Session, row_id: int, prepared: Prepared | None) -> str:
        states = records.message_states(session, [row_id])
        if row_id not in states:
            return MessageStatus.DUPLICATE
        if prepared is None and states[row_id][0] == MessageStatus.STORED:
            row = session.get(StoredMessage, row_id)
            assert row is not None
            prepared = self.preparer.submit([(records.raw_bytes(row), row.received_at)]).result()[0]
        complaints: list[Complaint] = []
        outcome, change = self._judge(session, row_id, states[row_id], prepared, None, complaints)
        records.update_messages(session, [change] if change else [])
        self.registrar.register_many(session, complaints)
        return outcome

    def _judge(
        self,
        session: Session,
        row_id: int,
        state: tuple[str, str | None],
        prepared: Prepared | None,
        seen: dict[str, int] | None,
        complaints: list[Complaint],
    ) -> tuple[str, dict[str, object] | None]:
        """The outcome for one stored message and the columns to record it with.

        `seen` maps dedup keys to the rows that own them (looked up for the whole batch, plus the
        rows judged earlier in this transaction); None means look this one up. A complaint is
        added to `complaints`, for the caller to register in the same transaction.
        """
        status, kind = state
        if status != MessageStatus.STORED or prepared is None:
            return kind or status, None
        if isinstance(prepared, MessageUnparseable):
            log.warning("Bericht %s is onleesbaar en gaat naar quarantaine: %s", row_id, prepared)
            return MessageStatus.FAILED, _change(
                row_id, status=MessageStatus.FAILED, error=str(prepared)
            )
        message, decision = prepared
        key = dedup_key(message)
        if seen is None:
            first = records.by_dedup_key(session, key)
            first_id = first.id if first is not None else None
            seen = {}
        else:
            first_id = seen.get(key)
        if first_id is not None and first_id != row_id:
            change = _change(row_id, message, status=MessageStatus.DUPLICATE, duplicate_of=first_id)
            return MessageStatus.DUPLICATE, change
        seen[key] = row_id
        flags = sorted(decision.flags)
        change = _change(
            row_id,
            message,
            status=MessageStatus.PROCESSED,
            dedup_key=key,
            kind=str(decision.kind),
            complaint_probability=decision.complaint_probability,
            reasons=list(decision.reasons),
            flags=flags,
        )
        joined = self.follow_up(session, row_id, message, decision.kind, flags)
        if joined == FOLLOW_UP:
            return FOLLOW_UP, change
        if joined is not None:  # names a case it may not join: an officer decides
            change |= {"kind": Kind.UNCERTAIN, "reasons": [joined, *decision.reasons]}
            if Flag.MELDCODE in flags and decision.kind != Kind.OTHER:
                self.registrar.alert(session, row_id, message, None)
            return Kind.UNCERTAIN, change
        if decision.kind == Kind.COMPLAINT:
            complaints.append(Complaint(row_id, message, flags))
        elif Flag.MELDCODE in flags and decision.kind != Kind.OTHER:
            self.registrar.alert(session, row_id, message, None)
        return decision.kind, change

    def follow_up(
        self, session: Session, row_id: int, message: ParsedMessage, kind: str, flags: list[str]
    ) -> str | None:
        """A message that answers one of our cases joins it as correspondence: never a new case,
        never a second acknowledgement. A withdrawal or appeal in it is put to an officer.

        Returns FOLLOW_UP when it joined a case; the reason it is held for an officer when it
        names a case by number only and comes from someone other than the complainant (case
        numbers are sequential and printed in every letter, so a stranger can name one); None
        when it answers no case.
        """
        # The newest references are the ones that can be ours; a thread of thousands must not
        # make one query with thousands of parameters.
        references = [message.in_reply_to or "", *message.references[-MAX_REFERENCES:]]
        numbers = CASE_NUMBER.findall(message.subject or "") or _quoted_case_numbers(message.text)
        found = None
        if any(references) or numbers:
            found = casework.case_answered(session, references, numbers)
        if found is not None and found[1] == casework.BY_NUMBER:
            held = self.stranger(session, row_id, message, found[0])
            if held:
                return held
        if found is None and Flag.FOLLOWUP in flags and kind != Kind.COMPLAINT:
            # "About my earlier complaint ..." without a number: the sender's one open case. A
            # complaint is registered anyway: a new complaint must never hide in an old case.
            address = message.answer_address.email if message.answer_address else ""
            only = casework.only_active_case_of(session, address) if address else None
            found = (only, "vervolgbericht van de klager") if only else None
        if found is None:
            return None
        case, matched_by = found
        casework.attach(session, case.id, row_id, matched_by)
        sender = message.sender.email if message.sender else "onbekend"
        casework.add_event(
            session, case, actor=sender, kind="correspondence", reason=matched_by,
            details={"message": row_id, "kind": kind},
        )  # fmt: skip
        proposals = {
            Flag.WITHDRAWAL: ("intrekking", "afgesloten --afloop ingetrokken"),
            Flag.APPEAL: ("beroep", "beroep"),
        }
        for flag, (what, step) in proposals.items():
            if flag in flags and kind != Kind.OTHER:
                casework.add_event(
                    session, case, actor=SYSTEM, kind="proposal",
                    reason=f"Het bericht van {sender} lijkt een {what}; klopt dat, zet de zaak "
                    f"dan op {step} (klachtenbus case move {case.number} {step}).",
                    details={"message": row_id, "flag": flag.value},
                )  # fmt: skip
        log.info("Bericht %s hoort bij %s (%s)", row_id, case.number, matched_by)
        return FOLLOW_UP

    def stranger(
        self, session: Session, row_id: int, message: ParsedMessage, case: Case
    ) -> str | None:
        """Why a message that names `case` by its number may not join it, or None when it comes
        from the complainant. The case's history says a message waits in the triage."""
        complainant = case.complainant_email or ""
        if any(
            same_mailbox(a.email, complainant)
            for a in (message.sender, message.reply_to)
            if a and a.email and complainant
        ):
            return None
        sender = message.sender.email if message.sender and message.sender.email else "onbekend"
        reason = (
            f"Noemt zaak {case.number}, maar komt van {sender} en niet van de klager, en "
            "verwijst niet naar onze brieven: niet aan de zaak gekoppeld. Beoordeel het in de "
            "triage (klachtenbus triage)."
        )
        casework.add_event(
            session, case, actor=SYSTEM, kind="proposal",
            reason=f"Een bericht van {sender} noemt dit zaaknummer maar komt niet van de klager; "
            f"het wacht in de triage (bericht {row_id}).",
            details={"message": row_id, "held": "stranger"},
        )  # fmt: skip
        log.info(
            "Bericht %s noemt %s maar komt niet van de klager: naar de triage", row_id, case.number
        )
        return reason

    def _file_away(
        self, box: Mailbox, keys: list[str], summary: PollSummary, quarantine: bool = False
    ) -> None:
        if not keys:
            return
        box.file_away(keys, quarantine=quarantine)
        summary.filed_away += len(keys)


def _who_and_what(session: Session, row: StoredMessage) -> None:
    """Sender and subject of a quarantined message, where they can be read and stored, so the
    officers' lists say more than a number."""
    try:
        with session.begin_nested():
            message = intake.parse(records.raw_bytes(row), received_at=row.received_at)
            if message.sender:
                row.sender_name, row.sender_email = message.sender.name, message.sender.email
            row.subject = message.subject
            session.flush()
    except Exception as exc:  # what could not be recorded before may not be now either
        log.debug("Afzender en onderwerp van bericht %s niet vastgelegd: %r", row.id, exc)


def _connection_lost(exc: BaseException) -> bool:
    """The database went away: that is not the message's fault, so no attempt is counted."""
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def _problem(exc: BaseException) -> str:
    """A short description of what went wrong: the driver's own words, never the statement and
    its parameters (a message's whole text would follow)."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = " ".join(str(cause).split())
    return f"{cause.__class__.__name__}: {text[:300]}"


def _quoted_case_numbers(text: str) -> list[str]:
    """Case numbers only in the quoted part: the sender answers one of our letters. A number in
    the new text may introduce a new complaint that refers to an old one, so it does not count."""
    if "K-" not in text and "k-" not in text:
        return []
    quoted = set(CASE_NUMBER.findall(text[:20_000]))
    return sorted(quoted - set(CASE_NUMBER.findall(new_text(text))))


def _advance(session: Session, mailbox: str, uids: list[int]) -> None:
    """Remember the highest UID stored, in the same commit as the messages."""
    if uids:
        state = records.mailbox_state(session, mailbox)
        state.last_uid = max(state.last_uid, *uids)


def _batches(
    items: Iterator[FetchedMessage], size: int, max_bytes: int
) -> Iterator[list[FetchedMessage]]:
    """At most `size` messages and `max_bytes` raw bytes a batch; a larger message goes alone."""
    return grouped(items, lambda f: len(f.raw), count=size, size=max_bytes)


def dedup_key(message: ParsedMessage) -> str:
    """The same message arriving twice has the same key: its Message-ID, else a content hash."""
    if message.message_id:
        return f"mid:{message.message_id}"[:600]
    sender = message.sender.email if message.sender else ""
    digest = hashlib.sha256(f"{sender}\n{message.subject}\n{message.text}".encode()).hexdigest()
    return f"sha256:{digest}"


_CHANGE_COLUMNS = (
    "status", "error", "dedup_key", "duplicate_of", "message_id", "in_reply_to", "sender_name",
    "sender_email", "answer_email", "subject", "text", "date_header", "parser", "attachments",
    "kind", "complaint_probability", "reasons", "flags",
)  # fmt: skip


def _change(
    row_id: int, message: ParsedMessage | None = None, **values: object
) -> dict[str, object]:
    """Every column a judgement writes, so a batch of them is one executemany."""
    change: dict[str, object] = dict.fromkeys(_CHANGE_COLUMNS)
    change["id"] = row_id
    if message is not None:
        change |= {
            "message_id": message.message_id,
            "in_reply_to": message.in_reply_to,
            "sender_name": message.sender.name[:300] if message.sender else None,
            "sender_email": message.sender.email[:320] if message.sender else None,
            "answer_email": message.answer_address.email[:320] if message.answer_address else None,
            "subject": message.subject,
            "text": message.text,
            "date_header": message.date,
            "parser": message.parser,
            "attachments": [
                {"name": a.name, "content_type": a.content_type, "size": a.size, "sha256": a.sha256}
                for a in message.attachments
            ],
        }
    return change | values
