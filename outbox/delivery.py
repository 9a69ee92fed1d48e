"""Handing letters over: to an SMTP server, or to a folder of .eml files (the demo)."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from klachtenbus.errors import DeliveryError


class Mailer(Protocol):
    def deliver(self, raw: bytes, *, sender: str, recipient: str, message_id: str) -> None: ...


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
        a = self.account
        context = a.ssl_context or ssl.create_default_context()
        try:
            if a.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    a.host, a.port, timeout=a.timeout, context=context
                )
            else:
                smtp = smtplib.SMTP(a.host, a.port, timeout=a.timeout)
            with smtp:
                if a.security == "starttls":
                    smtp.starttls(context=context)
                if a.user:
                    smtp.login(a.user, a.password)
                smtp.sendmail(sender, [recipient], raw)
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(
                f"De SMTP-server {a.host}:{a.port} weigerde de login voor '{a.user}'. "
                "Controleer KLACHTENBUS_SMTP_USER en KLACHTENBUS_SMTP_PASSWORD."
            ) from exc
        except (TimeoutError, OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(
                f"Kon brief {message_id} niet afgeven aan {a.host}:{a.port} "
                f"({exc.__class__.__name__}: {exc}); hij blijft in de wachtrij."
            ) from exc


class FolderMailer:
    """Writes each letter as an .eml file: the embedded demo's outbox."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def deliver(self, raw: bytes, *, sender: str, recipient: str, message_id: str) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in message_id.strip("<>"))
        (self.folder / f"{name}.eml").write_bytes(raw)
