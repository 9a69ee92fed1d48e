"""The enums that cross stage boundaries."""

from enum import StrEnum


class Kind(StrEnum):
    """What a message is, per the labelling guideline."""

    COMPLAINT = "complaint"
    REMARK = "remark"
    OTHER = "other"
    UNCERTAIN = "uncertain"


class Flag(StrEnum):
    """A route-changing trait a message of any kind can carry."""

    MELDCODE = "meldcode"
    WITHDRAWAL = "withdrawal"
    APPEAL = "appeal"
    FOLLOWUP = "followup"


class MessageStatus(StrEnum):
    """Where a stored message is in the pipeline."""

    STORED = "stored"  # raw bytes are safe; not yet judged
    PROCESSED = "processed"
    DUPLICATE = "duplicate"  # the same message arrived before; nothing new happens
    FAILED = "failed"  # could not be parsed: quarantined with its raw bytes


class CaseStatus(StrEnum):
    """Where a case is in its procedure; procedures.lifecycle says which moves are allowed."""

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    ADMISSIBILITY = "admissibility"  # only where the preset has an admissibility step
    INVESTIGATION = "investigation"  # hearing both sides
    FINDINGS_SENT = "findings_sent"
    APPEAL = "appeal"  # the complainant went on to the next body in the chain
    SUSPENDED = "suspended"  # the clock stands still (no cooperation)
    HANDED_OVER = "handed_over"  # meldcode: the ordinary procedure stops
    CLOSED = "closed"


class Closure(StrEnum):
    """How a closed case ended."""

    RESOLVED = "resolved"
    WITHDRAWN = "withdrawn"
    RULED = "ruled"
    RULED_AFTER_ADVICE = "ruled_after_advice"
    NOT_ADMISSIBLE = "not_admissible"


class Outcome(StrEnum):
    """The seeds' judgement of a complaint, in their own words."""

    WELL_FOUNDED = "gegrond"
    PARTLY_WELL_FOUNDED = "deels gegrond"
    UNFOUNDED = "ongegrond"
    UNCLEAR = "onduidelijk"


class Role(StrEnum):
    """What a web app account may do: officers work cases, admins also manage accounts."""

    OFFICER = "officer"
    ADMIN = "admin"


class LetterStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    # A worker died between handing the letter to SMTP and recording it: it may or may not
    # have gone out. Never retried automatically, so nothing is sent twice; officers see it.
    UNCERTAIN = "uncertain"
    WITHHELD = "withheld"  # no answerable address: an officer must reply by hand


# What officers read for each letter status and each kind of event in a case's history.
LETTER_LABELS = {
    LetterStatus.PENDING: "in wachtrij",
    LetterStatus.SENDING: "wordt verstuurd",
    LetterStatus.SENT: "verstuurd",
    LetterStatus.UNCERTAIN: "onzeker, controleren",
    LetterStatus.WITHHELD: "niet automatisch",
}
EVENT_LABELS = {
    "move": "status",
    "extend": "verdaging",
    "edit": "gewijzigd",
    "release": "brief vrijgegeven",
    "escalate": "geëscaleerd",
    "proposal": "voorstel",
    "correspondence": "post van de klager",
    "register": "geregistreerd",
    "meldcode": "meldcode-signaal doorgegeven",
}
ROLE_LABELS = {
    Role.OFFICER: "behandelaar",
    Role.ADMIN: "beheerder",
}


class TrainingStatus(StrEnum):
    """Where a retraining asked for in the browser stands."""

    WAITING = "waiting"  # the worker has not picked it up yet
    RUNNING = "running"
    DONE = "done"  # a candidate model version was made
    FAILED = "failed"
    CANCELLED = "cancelled"


TRAINING_LABELS = {
    TrainingStatus.WAITING: "wacht op de bot",
    TrainingStatus.RUNNING: "bezig",
    TrainingStatus.DONE: "klaar",
    TrainingStatus.FAILED: "mislukt",
    TrainingStatus.CANCELLED: "geannuleerd",
}
