"""What every page needs, built once by `klachtenbus serve` (or a test) from the settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from argon2 import PasswordHasher

from casework.accounts import DEFAULT_HASHER
from classify import Thresholds
from intake.attachment_text import AttachmentLimits
from klachtenbus.settings import InForce
from office import Office
from storage import Store


@dataclass(frozen=True)
class WebContext:
    store: Store
    office: Office
    secure_cookies: bool = False  # also true per request when the (trusted) proxy says https
    idle: timedelta = timedelta(minutes=30)
    hasher: PasswordHasher = field(default=DEFAULT_HASHER)
    officers: dict[str, str] = field(default_factory=dict)  # role -> address, from the settings
    rules_file: Path | None = None  # the admin's own rules, else the shipped ones
    settings_in_force: tuple[InForce, ...] = ()  # read at start-up, with where each came from
    # how much of an attachment a message page reads to show what the bot read
    attachment_limits: AttachmentLimits = field(default_factory=AttachmentLimits)
    # the settings' cut-offs; an admin's saved ones win over them (casework.cutoffs)
    thresholds: Thresholds = field(default_factory=Thresholds)
    # without a successful fetch for this long, /healthz answers 503
    health_stale: timedelta = timedelta(minutes=10)
