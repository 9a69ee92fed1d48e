"""The mailbox over implicit TLS and over STARTTLS, with the server's certificate checked."""

from __future__ import annotations

import ssl
from collections.abc import Iterator

import imapclient
import pytest

from intake.imap import ImapAccount, ImapMailbox
from klachtenbus.errors import MailboxError
from tests.builders import complaint
from tests.conftest import _server
from tests.servers import Dovecot, start_dovecot


@pytest.fixture(scope="module")
def tls_dovecot() -> Iterator[Dovecot]:
    server = _server(lambda: start_dovecot(tls=True))
    yield server
    server.stop()


def trusting(server: Dovecot) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(server.dir / "cert.pem"))


@pytest.mark.parametrize("security", ["ssl", "starttls"])
def test_fetches_over_an_encrypted_connection(tls_dovecot: Dovecot, security: str) -> None:
    user, password = tls_dovecot.add_user()
    with imapclient.IMAPClient("127.0.0.1", port=tls_dovecot.port, ssl=False) as client:
        client.starttls(trusting(tls_dovecot))
        client.login(user, password)
        client.append("INBOX", complaint(1))
    port = tls_dovecot.tls_port if security == "ssl" else tls_dovecot.port
    account = ImapAccount(
        "127.0.0.1", port, user, password, security=security, ssl_context=trusting(tls_dovecot)
    )
    with ImapMailbox(account) as box:
        [fetched] = list(box.fetch(box.keys()))
    assert b"Klacht over mijn begeleider" in fetched.raw


def test_an_untrusted_certificate_is_refused_with_a_clear_error(tls_dovecot: Dovecot) -> None:
    user, password = tls_dovecot.add_user()
    account = ImapAccount("127.0.0.1", tls_dovecot.tls_port, user, password, security="ssl")
    with pytest.raises(MailboxError, match="KLACHTENBUS_IMAP_HOST"), ImapMailbox(account):
        pass
