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
from klachtenbus.network import CERTIFICATE_HINT, peer_refusal, refusal


class Mailer(Protocol):
    def deliver(self, raw: bytes, *, sender: str, recipient: str, message_id: str) -> None: ...

    def session(self) -> AbstractContextManager[Deliver]:
        """A connection for a run of letters, made on entering (raises ServerUnavailable when
        it cannot be made): no letter is claimed before the server answers, and there is no
        new login for every letter."""
        ...


class Deliver(Protocol):
    def __call__(self, raw: bytes, *, sender: str, recipient: str, message_id: str) -> None: ...


class ServerUnavailable(DeliveryError):
    """The SMTP server could not be reached, refused the login, or dropped the connection.

    No letter is to blame: stop the run and leave every letter due, without a backoff of its
    own; the next send run tries once more. Check smtp_host, smtp_port and the server.
    """


class LetterRefused(DeliveryError):
    """The server refused this letter on a working connection (sender or data refused, a 4xx
    or 5xx for it): retry this letter later with its own backoff; send the next one now."""


class RecipientRefused(LetterRefused):
    """The server refused this recipient; the connection is fine for the next letter."""


# "Service not available, closing transmission channel": the server is going away, whatever
# command it answers so.
SERVICE_NOT_AVAILABLE = 421


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
        """Connects before the first letter and stays connected for the rest of the run."""
        smtp = self._connect()

        def deliver(raw: bytes, *, sender: str, recipient: str, message_id: str) -> None:
            try:
                smtp.sendmail(sender, [recipient], raw)
            except smtplib.SMTPRecipientsRefused as exc:
                codes = {code for code, _ in exc.recipients.values()}
                if codes == {SERVICE_NOT_AVAILABLE}:
                    raise ServerUnavailable(self._gone(message_id, exc)) from exc
                raise RecipientRefused(self._problem(message_id, exc)) from exc
            except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                if exc.smtp_code == SERVICE_NOT_AVAILABLE:
                    raise ServerUnavailable(self._gone(message_id, exc)) from exc
                raise LetterRefused(self._problem(message_id, exc)) from exc
            except (OSError, smtplib.SMTPException) as exc:  # disconnected, timed out
                raise ServerUnavailable(self._gone(message_id, exc)) from exc

        try:
            yield deliver
        finally:
            with suppress(OSError, smtplib.SMTPException):
                smtp.quit()

    def _connect(self) -> smtplib.SMTP:
        a = self.account
        refused = refusal("smtp", a.host, a.security, a.ssl_context)
        if refused:
            raise ServerUnavailable(refused + " De brieven blijven in de wachtrij.")
        context = a.ssl_context or ssl.create_default_context()
        smtp: smtplib.SMTP | None = None
        try:
            if a.security == "ssl":
                smtp = smtplib.SMTP_SSL(a.host, a.port, timeout=a.timeout, context=context)
            else:
                smtp = smtplib.SMTP(a.host, a.port, timeout=a.timeout)
                refused = peer_refusal("smtp", smtp.sock.getpeername()[0], a.security)
                if refused:
                    smtp.close()
                    raise ServerUnavailable(refused + " De brieven blijven in de wachtrij.")
            if a.security == "starttls":
                smtp.starttls(context=context)
            if a.user:
                smtp.login(a.user, a.password)
            smtp.ehlo_or_helo_if_needed()  # the server has answered before a letter is claimed
            return smtp
        except (OSError, smtplib.SMTPException) as exc:
            if smtp is not None:
                smtp.close()
            if isinstance(exc, ssl.SSLCertVerificationError):
                raise ServerUnavailable(
                    f"Het certificaat van de SMTP-server {a.host}:{a.port} is niet te vertrouwen "
                    f"({exc.verify_message}). {CERTIFICATE_HINT} De brieven blijven in de wachtrij."
                ) from exc
            if isinstance(exc, smtplib.SMTPAuthenticationError):
                raise ServerUnavailable(
                    f"De SMTP-server {a.host}:{a.port} weigerde de login voor '{a.user}'. "
                    "Controleer KLACHTENBUS_SMTP_USER en KLACHTENBUS_SMTP_PASSWORD; "
                    "de brieven blijven in de wachtrij."
                ) from exc
            raise ServerUnavailable(
                f"Kan de SMTP-server {a.host}:{a.port} niet bereiken ({exc.__class__.__name__}: "
                f"{exc}); de brieven blijven in de wachtrij."
            ) from exc

    def _problem(self, message_id: str, exc: Exception) -> str:
        a = self.account
        return (
            f"De SMTP-server {a.host}:{a.port} weigerde brief {message_id} "
            f"({exc.__class__.__name__}: {exc}); hij blijft in de wachtrij."
        )

    def _gone(self, message_id: str, exc: Exception) -> str:
        a = self.account
        return (
            f"De verbinding met de SMTP-server {a.host}:{a.port} viel weg tijdens brief "
            f"{message_id} ({exc.__class__.__name__}: {exc}); de brieven blijven in de wachtrij."
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
