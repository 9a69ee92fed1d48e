"""Handing letters over: to an SMTP server, or to a folder of .eml files (the demo)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from klachtenbus.errors import DeliveryError


class Mailer(Protocol):
    def deliver(self, raw: bytes, *, sender: str, recipient: str, message_id: str) -> None: ...

    def session(self) -> AbstractContextManager[Deliver]:
        """A connection for a run of letters: no new login for every letter."""
        ...


class Deliver(Protocol):
    def __call__(self, raw: bytes, *, sender: str, recipient: str, message_id: str) -> None: ...


class RecipientRefused(DeliveryError):
    """The server refused this recipient; the connection is fine for the next letter."""


@dataclass(frozen=True)
class SmtpAccount:
    host: str
    port: int
    user: str = ""
    password: str = ""
    security: str = "starttls"  # ssl | starttls | none (loopback tests only)
    timeout: float = 30.0
    ssl_context: ssl.SSLContext | None = None

    def __repr__(self) -> str:
        return f"SmtpAccount({self.user or '-'}@{self.host}:{self.port}, {self.security})"


class SmtpMailer:
    def __init__(self, account: SmtpAccount) -> None:
        self.account = account

    def deliver(self, raw: bytes, *, sender: str, recipient: str, message_id: str) -> None:
        with self.session() as deliver:
            deliver(raw, sender=sender, recipient=recipient, message_id=message_id)

    @contextmanager
    def session(self) -> Iterator[Deliver]:
        """Connects on the first letter and stays connected for the rest of the run."""
        connection: list[smtplib.SMTP] = []

        def deliver(raw: bytes, *, sender: str, recipient: str, message_id: str) -> None:
            if not connection:
                connection.append(self._connect())
            try:
                connection[0].sendmail(sender, [recipient], raw)
            except smtplib.SMTPRecipientsRefused as exc:
                raise RecipientRefused(self._problem(message_id, exc)) from exc
            except (OSError, smtplib.SMTPException) as exc:
                raise DeliveryError(self._problem(message_id, exc)) from exc

        try:
            yield deliver
        finally:
            if connection:
                with suppress(OSError, smtplib.SMTPException):
                    connection[0].quit()

    def _connect(self) -> smtplib.SMTP:
        a = self.account
        context = a.ssl_context or ssl.create_default_context()
        try:
            if a.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    a.host, a.port, timeout=a.timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(a.host, a.port, timeout=a.timeout)
            if a.security == "starttls":
                smtp.starttls(context=context)
            if a.user:
                smtp.login(a.user, a.password)
            return smtp
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(
                f"De SMTP-server {a.host}:{a.port} weigerde de login voor '{a.user}'. "
                "Controleer KLACHTENBUS_SMTP_USER en KLACHTENBUS_SMTP_PASSWORD."
            ) from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(
                f"Kan de SMTP-server {a.host}:{a.port} niet bereiken ({exc.__class__.__name__}: "
                f"{exc}); de brieven blijven in de wachtrij."
            ) from exc

    def _problem(self, message_id: str, exc: Exception) -> str:
        a = self.account
        return (
            f"Kon brief {message_id} niet afgeven aan {a.host}:{a.port} "
            f"({exc.__class__.__name__}: {exc}); hij blijft in de wachtrij."
        )


class FolderMailer:
    """Writes each letter as an .eml file: the embedded demo's outbox."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    @contextmanager
    def session(self) -> Iterator[Deliver]:
        self.folder.mkdir(parents=True, exist_ok=True)
        yield self._write

    def deliver(self, raw: bytes, *, sender: str, recipient: str, message_id: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._write(raw, sender=sender, recipient=recipient, message_id=message_id)

    def _write(self, raw: bytes, *, sender: str, recipient: str, message_id: str) -> None:
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in message_id.strip("<>"))
        (self.folder / f"{name}.eml").write_bytes(raw)
