"""Messages for the tests, built in one place."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

ORGANISATION = "klachten@zorg-voorbeeld.nl"


def mail(
    subject: str,
    body: str,
    *,
    sender: str = "Anna de Wit <anna.dewit@example.nl>",
    to: str = ORGANISATION,
    message_id: str | None = None,
    date: datetime | None = None,
    headers: dict[str, str] | None = None,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(date or datetime.now(UTC))
    message["Message-ID"] = message_id or make_msgid(domain="example.nl")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    return bytes(message)


def complaint(n: int = 1, **kwargs: object) -> bytes:
    """An unmistakable complaint: the word, the blame and strong wording."""
    kwargs.setdefault("sender", f"Klager {n} <klager{n}@example.nl>")
    return mail(
        f"Klacht over mijn begeleider ({n})",
        "Geachte heer, mevrouw,\n\nIk wil een klacht indienen. Mijn begeleider is al drie keer "
        "niet gekomen en ik ben nooit teruggebeld. Toen ik belde werd ik afgesnauwd door de "
        f"medewerker aan de telefoon. Dit is onacceptabel.\n\nMet vriendelijke groet,\nKlager {n}",
        **kwargs,  # type: ignore[arg-type]
    )


def remark(n: int = 1, **kwargs: object) -> bytes:
    kwargs.setdefault("sender", f"Vrager {n} <vrager{n}@example.nl>")
    return mail(
        f"Vraag over het spreekuur ({n})",
        "Hallo,\n\nIs het inloopspreekuur volgende week dinsdag gewoon open? Ik wil graag hulp "
        "bij het invullen van een formulier.\n\nAlvast bedankt!",
        **kwargs,  # type: ignore[arg-type]
    )


def out_of_office(**kwargs: object) -> bytes:
    headers = {"Auto-Submitted": "auto-replied"}
    return mail(
        "Automatisch antwoord: Uw klacht",
        "Ik ben tot en met 30 november afwezig en lees mijn e-mail niet.\n\nMet vriendelijke groet,\nPetra",
        sender="Petra van Dijk <petra@example.org>",
        headers=headers,
        **kwargs,  # type: ignore[arg-type]
    )


def bounce() -> bytes:
    """A delivery status notification, as an MTA sends it back."""
    message = EmailMessage()
    message["From"] = "Mail Delivery System <MAILER-DAEMON@mx.example.net>"
    message["To"] = ORGANISATION
    message["Subject"] = "Undelivered Mail Returned to Sender"
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain="mx.example.net")
    message.set_content("I'm sorry to have to inform you that your message could not be delivered.")
    status = EmailMessage()
    status.set_content(
        "Reporting-MTA: dns; mx.example.net\n\nFinal-Recipient: rfc822; x@example.net\nAction: failed\n"
    )
    message.make_mixed()
    message.attach(status)
    message.replace_header(
        "Content-Type", 'multipart/report; report-type=delivery-status; boundary="rep"'
    )
    message.set_boundary("rep")
    return bytes(message)


def with_address_headers(raw: bytes, *lines: bytes) -> bytes:
    """`raw` with its From (and any header these lines name) replaced by these lines, byte for
    byte (encoded words, 8-bit bytes, broken syntax), as a careless or hostile program writes them."""
    head, _, body = raw.partition(b"\n\n")
    names = {b"from", *(line.partition(b":")[0].lower() for line in lines)}
    kept = [line for line in head.split(b"\n") if line.partition(b":")[0].lower() not in names]
    return b"\n".join([*lines, *kept]) + b"\n\n" + body


COMPLAINT_TEXT = (
    "Geachte heer, mevrouw,\n\nIk wil een klacht indienen. Mijn begeleider is al drie keer niet "
    "gekomen en ik ben nooit teruggebeld. Toen ik belde werd ik afgesnauwd door de medewerker "
    "aan de telefoon. Dit is onacceptabel.\n\nMet vriendelijke groet,\nAnna"
)


def auto_reply_with_complaint_words(*, auto_submitted: bool = True) -> bytes:
    """An auto-responder that sends the complaint it got back as its answer: only its
    `Auto-Submitted` header says a machine wrote it (without the header: a person's complaint)."""
    headers = {"Auto-Submitted": "auto-replied"} if auto_submitted else {}
    return mail(
        "Re: Klacht over mijn begeleider",
        COMPLAINT_TEXT,
        sender="Receptie Zorgpunt <receptie@zorgpunt.example.org>",
        headers=headers,
    )


def returned_complaint(*, report: bool = True) -> bytes:
    """A delivery status notification (RFC 3464) in words no rule knows (Polish), from an
    Exchange-style sender that is no mailer-daemon, carrying a complaint as the returned
    message: only its multipart/report structure says a mail server wrote it. With
    `report=False` the note and the message come as multipart/mixed, as a person forwards one."""
    kind = "report; report-type=delivery-status" if report else "mixed"
    status = (
        "--dsn-grens\n"
        "Content-Type: message/delivery-status\n"
        "\n"
        "Reporting-MTA: dns; poczta.example.pl\n"
        "\n"
        "Final-Recipient: rfc822; klager4@poczta.example.pl\n"
        "Action: failed\n"
        "Status: 5.1.1\n"
        "\n"
    )
    returned = complaint(4).replace(b"\r\n", b"\n").decode()
    return (
        "From: Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36a@poczta.example.pl>\n"
        f"To: {ORGANISATION}\n"
        "Subject: Klacht over mijn begeleider (4)\n"
        f"Date: {format_datetime(datetime.now(UTC))}\n"
        f"Message-ID: {make_msgid(domain='poczta.example.pl')}\n"
        "MIME-Version: 1.0\n"
        f'Content-Type: multipart/{kind}; boundary="dsn-grens"\n'
        "\n"
        "--dsn-grens\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: 8bit\n"
        "\n"
        "Wiadomość nie dotarła do tych adresatów:\n\nklager4@poczta.example.pl\n"
        "\n"
        f"{status if report else ''}"
        "--dsn-grens\n"
        "Content-Type: message/rfc822\n"
        "\n"
        f"{returned}\n"
        "--dsn-grens--\n"
    ).encode()
