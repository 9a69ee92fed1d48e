"""Letters rendered from Jinja2 templates in a sandbox: Dutch text plus an HTML alternative."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from email import message_from_bytes, policy
from email.header import Header
from email.headerregistry import Address, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage, MIMEPart
from email.policy import Policy
from email.utils import format_datetime, make_msgid
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from collections.abc import Sequence

    from jinja2.sandbox import SandboxedEnvironment


class _Subject(UnstructuredHeader):
    """A non-ASCII Subject folded by the email package's `Header` class: the policy's own
    folder in Python 3.11 drops the space between two encoded words it splits over two lines
    (CPython gh-144156), and a complainant's "één cliënt" would read "ééncliënt"."""

    def fold(self, *, policy: Policy) -> str:
        if str(self).isascii():
            return super().fold(policy=policy)
        linesep = policy.linesep  # type: ignore[attr-defined]
        encoded = Header(str(self), "utf-8", header_name=self.name).encode(linesep=linesep)
        return f"{self.name}: {encoded}{linesep}"


def _headers() -> HeaderRegistry:
    registry = HeaderRegistry()
    registry.map_to_type("subject", _Subject)
    return registry


# What a letter is written with: the email package's own SMTP policy (CRLF, lines of at most
# 78 characters, RFC 2047 words for non-ASCII header text).
LETTER_POLICY = policy.SMTP.clone(header_factory=_headers())


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


@lru_cache(maxsize=8)
def templates(own: Path | None = None) -> SandboxedEnvironment:
    """The sandboxed template set; an admin's own folder, when given, is searched first."""
    return _environment(own)


def _environment(own: Path | None = None) -> SandboxedEnvironment:
    # Imported with the first letter: a poll stores its first batch before it writes any.
    from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(
        loader=FileSystemLoader([own, TEMPLATES] if own else TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default=False),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["datum"] = dutch_date
    env.filters["alinea"] = _lines
    return env


def _lines(value: str) -> Markup:
    """An officer's multi-line text in HTML: escaped, its line breaks kept."""
    return Markup("<br>\n").join(escape(line) for line in value.splitlines())


@dataclass(frozen=True)
class Acknowledgement:
    """What the acknowledgement of one case states."""

    case_number: str
    complainant_name: str
    subject: str
    received_on: date
    acknowledge_by: date | None  # None when the regulation sets no separate term
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
    sender_name: str = ""  # the organisation's name, shown as the letter's sender


def one_line(value: str, limit: int = 200) -> str:
    """Header text from a complainant's input: no line breaks, so no header injection."""
    return re.sub(r"[\x00-\x1f\x7f]+", " ", value).strip()[:limit]


@dataclass(frozen=True)
class RenderedLetter:
    """A letter ready to hand to SMTP, exactly as it will be sent and kept."""

    message_id: str
    raw: bytes


def compose(headers: Sequence[tuple[str, str | Address]], text: str, html: str) -> bytes:
    """A letter as multipart/alternative: the text and its HTML twin, both quoted-printable
    UTF-8 (readable in any client's "show source", unlike base64), under `headers` (values on
    one line, as `one_line` and `header_text` give them, addresses as `mailbox` gives them;
    the email package encodes them)."""
    message = EmailMessage(policy=LETTER_POLICY)
    for name, value in headers:
        message[name] = value
    message["MIME-Version"] = "1.0"
    message.make_alternative()
    for subtype, body in (("plain", text), ("html", html)):
        part = MIMEPart(policy=LETTER_POLICY)  # a part has no MIME-Version of its own
        part.set_content(body, subtype=subtype, charset="utf-8", cte="quoted-printable")
        message.attach(part)
    return message.as_bytes()


def acknowledgement(
    facts: Acknowledgement,
    envelope: Envelope,
    *,
    sent_at: datetime,
    own: Path | None = None,
    preset: str = "",
) -> RenderedLetter:
    """The ontvangstbevestiging, marked as an automatic reply (RFC 3834) to the complaint."""
    context = vars(facts) | {"subject": one_line(facts.subject)}
    subject = f"Ontvangstbevestiging van uw klacht {facts.case_number}"
    if context["subject"]:
        subject += f": {context['subject']}"
    message_id, headers = to_complainant(
        envelope, header_text(subject, 250), sent_at, facts.case_number
    )
    headers += [("Auto-Submitted", "auto-replied"), ("X-Auto-Response-Suppress", "All")]
    env = templates(own)
    names = [f"{preset}/ontvangstbevestiging", "ontvangstbevestiging"][0 if preset else 1 :]
    text = env.select_template([f"{n}.txt.j2" for n in names]).render(context)
    html = env.select_template([f"{n}.html.j2" for n in names]).render(context)
    return RenderedLetter(message_id=message_id, raw=compose(headers, text, html))


def mailbox(name: str, address: str) -> Address:
    """A name and address as one header object: a name such as "François <x@y>" or "a, b"
    stays the name, never read as a second address (as it would be from a string)."""
    name = one_line(name, 100)
    try:
        return Address(display_name=name, addr_spec=address)
    except (ValueError, IndexError):  # an odd but deliverable local part: kept as written
        local, _, domain = address.rpartition("@")
        return Address(display_name=name, username=local, domain=domain)


def new_message_id(sender: str) -> str:
    """A Message-ID in the domain of the address the letter comes from."""
    return make_msgid(domain=sender.rpartition("@")[2] or "klachtenbus.invalid")


def to_complainant(
    envelope: Envelope, subject: str, sent_at: datetime, case_number: str
) -> tuple[str, list[tuple[str, str | Address]]]:
    """The Message-ID and headers of a letter about a case to its complainant: addressed, in
    their thread (In-Reply-To, References), marked with the case number. `subject` is on one
    line already (`header_text`)."""
    message_id = new_message_id(envelope.sender)
    headers = [
        ("From", mailbox(envelope.sender_name, envelope.sender)),
        # a withheld letter without a usable address names nobody, not an empty "<>"
        ("To", mailbox(envelope.recipient_name, envelope.recipient) if envelope.recipient else ""),
        ("Subject", subject),
        ("Date", format_datetime(sent_at)),
        ("Message-ID", message_id),
    ]
    if envelope.in_reply_to:
        references = (*envelope.references, envelope.in_reply_to)[-10:]
        headers += [
            ("In-Reply-To", one_line(envelope.in_reply_to, 500)),
            ("References", one_line(" ".join(references), 5000)),
        ]
    headers.append(("X-Klachtenbus-Case", case_number))
    return message_id, headers


def readdressed(raw: bytes, recipient: str) -> bytes:
    """The same letter to another address (an officer found the right one)."""
    message = message_from_bytes(raw, policy=LETTER_POLICY)
    if message["To"] is None:
        message["To"] = recipient
    else:
        message.replace_header("To", recipient)
    return message.as_bytes()


def header_text(value: str, limit: int = 250) -> str:
    """A header value from free text: one line, at most `limit` characters. Non-ASCII text
    stays as it is: the email package writes it as RFC 2047 words."""
    return one_line(value, limit)


@dataclass(frozen=True)
class LetterText:
    """A written letter as an officer reads it before it goes: addresses, subject, text."""

    recipient: str
    sender: str
    subject: str
    text: str


def as_read(raw: bytes) -> LetterText:
    """The letter's headers decoded and its plain text, from the very bytes that are queued,
    so what the officer checked is what the complainant gets."""
    message = message_from_bytes(raw, policy=policy.default)
    body = message.get_body(("plain",))
    text = body.get_content() if body is not None else ""  # type: ignore[attr-defined]
    return LetterText(
        recipient=str(message.get("To", "")),
        sender=str(message.get("From", "")),
        subject=str(message.get("Subject", "")),
        text=text,
    )
