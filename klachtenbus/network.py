"""Which hosts are this machine: the only ones a password may reach without TLS."""

from __future__ import annotations

import ipaddress
import ssl

LOCALHOST = "localhost"


def is_loopback(host: str) -> bool:
    """True for an address in 127.0.0.0/8, ::1 (also as [::1]) and the name localhost."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == LOCALHOST:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


SECURITIES = ("ssl", "starttls", "none")


def refusal(kind: str, host: str, security: str, context: ssl.SSLContext | None) -> str | None:
    """Why a connection to `host` must not be made as configured, in Dutch, or None.

    Checked by the mailbox and the mailer themselves before they connect, whoever built them:
    without TLS only to this machine, and a TLS context must check the certificate and the
    host name (certificate checks cannot be switched off)."""
    setting = f"KLACHTENBUS_{kind.upper()}_SECURITY"
    if security not in SECURITIES:
        return f"{setting} is '{security}'; kies ssl, starttls of none (alleen loopback)."
    if security == "none" and not is_loopback(host):
        return (
            f"{setting} is 'none' (zonder versleuteling), maar {host} is geen adres op deze "
            "machine; het wachtwoord en de berichten zouden leesbaar over het netwerk gaan. "
            "Gebruik ssl of starttls."
        )
    if context is not None and (
        context.verify_mode != ssl.CERT_REQUIRED or not context.check_hostname
    ):
        return (
            f"De TLS-instellingen voor {host} controleren het certificaat niet; dat kan niet "
            "uit. Vertrouw een eigen CA via SSL_CERT_FILE."
        )
    return None


def peer_refusal(kind: str, peer: str, security: str) -> str | None:
    """After connecting without TLS: the address actually reached must be this machine too
    (a name like localhost could point elsewhere)."""
    if security == "none" and not is_loopback(peer):
        return (
            f"KLACHTENBUS_{kind.upper()}_SECURITY is 'none', maar de server antwoordde vanaf "
            f"{peer}, niet vanaf deze machine; er is niets verstuurd. Gebruik ssl of starttls."
        )
    return None


CERTIFICATE_HINT = (
    "Het certificaat wordt altijd gecontroleerd: laat de server een geldig certificaat "
    "gebruiken, of vertrouw de eigen CA van uw organisatie via SSL_CERT_FILE."
)
