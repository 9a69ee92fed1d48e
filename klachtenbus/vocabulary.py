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
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"


class LetterStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    # A worker died between handing the letter to SMTP and recording it: it may or may not
    # have gone out. Never retried automatically, so nothing is sent twice; officers see it.
    UNCERTAIN = "uncertain"
    WITHHELD = "withheld"  # no answerable address: an officer must reply by hand
