"""Without TLS a password and every complaint cross the wire readable: the mailbox and the
mailer refuse that for any server outside 127.0.0.0/8 and ::1 before they connect, whoever
built them, and a TLS context that does not check the certificate is refused too."""

from __future__ import annotations

import ssl

import pytest

from intake.imap import ImapAccount, ImapMailbox
from klachtenbus.errors import MailboxError, SettingError
from klachtenbus.network import is_loopback
from klachtenbus.settings import load_settings
from outbox import SmtpAccount, SmtpMailer
from outbox.delivery import ServerUnavailable

ELSEWHERE = ["192.0.2.10", "imap.zorg.nl", "10.0.0.1", "::2", "127.0.0.1.nip.io", "0.0.0.0"]  # noqa: S104  a host name here, not a bind


@pytest.mark.parametrize("host", ["127.0.0.1", "127.3.4.5", "::1", "[::1]", "localhost"])
def test_this_machine_is_loopback(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ELSEWHERE)
def test_another_machine_is_not(host: str) -> None:
    assert not is_loopback(host)


@pytest.mark.parametrize("host", ELSEWHERE)
def test_the_mailbox_refuses_plain_text_to_another_machine(host: str) -> None:
    account = ImapAccount(host, 143, "klachten", "Geheim-1234", security="none", timeout=1)
    with (
        pytest.raises(MailboxError, match="geen adres op deze machine") as caught,
        ImapMailbox(account),
    ):
        pass
    assert "Geheim-1234" not in str(caught.value)


@pytest.mark.parametrize("host", ELSEWHERE)
def test_the_mailer_refuses_plain_text_to_another_machine(host: str) -> None:
    mailer = SmtpMailer(SmtpAccount(host, 25, "klachten", "Geheim-1234", "none", timeout=1))
    with pytest.raises(ServerUnavailable, match="geen adres op deze machine"):
        mailer.deliver(b"x", sender="a@zorg.nl", recipient="b@zorg.nl", message_id="<1@zorg.nl>")


def unchecked() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def test_certificate_checks_cannot_be_switched_off() -> None:
    imap = ImapAccount("imap.zorg.nl", 993, "k", "p", security="ssl", ssl_context=unchecked())
    with pytest.raises(MailboxError, match="controleren het certificaat niet"), ImapMailbox(imap):
        pass
    smtp = SmtpAccount("smtp.zorg.nl", 465, security="ssl", ssl_context=unchecked())
    with pytest.raises(ServerUnavailable, match="controleren het certificaat niet"):
        SmtpMailer(smtp).deliver(b"x", sender="a@z.nl", recipient="b@z.nl", message_id="<1@z>")


def test_an_unknown_security_is_never_plain_text() -> None:
    account = ImapAccount("127.0.0.1", 1, "k", "p", security="tls", timeout=1)
    with pytest.raises(MailboxError, match="kies ssl, starttls of none"), ImapMailbox(account):
        pass


@pytest.mark.parametrize("kind", ["imap", "smtp"])
def test_the_settings_refuse_it_at_start_up(kind: str) -> None:
    with pytest.raises(SettingError, match=f"{kind}_security.*niet met mail.zorg.nl"):
        load_settings(**{f"{kind}_host": "mail.zorg.nl", f"{kind}_security": "none"})
    assert load_settings(**{f"{kind}_host": "127.0.0.1", f"{kind}_security": "none"})
