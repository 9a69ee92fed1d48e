"""Letters rendered from Jinja2 templates in a sandbox: Dutch text plus an HTML alternative."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

TEMPLATES = Path(__file__).parent / "templates"
_MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
_DAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


def dutch_date(day: date) -> str:
    """'dinsdag 5 januari 2027': the form Dutch letters use."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["datum"] = dutch_date
    return env


_ENV = _environment()


@dataclass(frozen=True)
class Acknowledgement:
    """What the acknowledgement of one case states."""

    case_number: str
    complainant_name: str
    subject: str
    received_on: date
    acknowledge_by: date
    answer_by: date
    procedure_title: str
    external_route: str
    organisation_name: str
    organisation_address: str


@dataclass(frozen=True)
class Envelope:
    sender: str  # the organisation's own address
    recipient: str
    recipient_name: str = ""
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()


def one_line(value: str, limit: int = 200) -> str:
    """Header text from a complainant's input: no line breaks, so no header injection."""
    return re.sub(r"[\x00-\x1f\x7f]+", " ", value).strip()[:limit]


def acknowledgement(
    facts: Acknowledgement, envelope: Envelope, *, sent_at: datetime
) -> EmailMessage:
    """The ontvangstbevestiging, marked as an automatic reply (RFC 3834) to the complaint."""
    context = vars(facts) | {"subject": one_line(facts.subject)}
    message = EmailMessage()
    message["From"] = envelope.sender
    message["To"] = formataddr((one_line(envelope.recipient_name, 100), envelope.recipient))
    subject = f"Ontvangstbevestiging van uw klacht {facts.case_number}"
    if context["subject"]:
        subject += f": {context['subject']}"
    message["Subject"] = one_line(subject, 250)
    message["Date"] = format_datetime(sent_at)
    domain = envelope.sender.rpartition("@")[2] or "klachtenbus.invalid"
    message["Message-ID"] = make_msgid(domain=domain)
    if envelope.in_reply_to:
        message["In-Reply-To"] = envelope.in_reply_to
        message["References"] = " ".join((*envelope.references, envelope.in_reply_to)[-10:])
    message["Auto-Submitted"] = "auto-replied"
    message["X-Auto-Response-Suppress"] = "All"
    message["X-Klachtenbus-Case"] = facts.case_number
    message.set_content(_ENV.get_template("ontvangstbevestiging.txt.j2").render(context))
    message.add_alternative(
        _ENV.get_template("ontvangstbevestiging.html.j2").render(context), subtype="html"
    )
    return message
