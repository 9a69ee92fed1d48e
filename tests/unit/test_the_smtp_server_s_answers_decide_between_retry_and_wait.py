"""What the SMTP server answers decides what happens to a letter: a refusal of this letter or
recipient is retried later on its own, a server going away (421, a dropped or refused
connection, a refused login) stops the run with every letter still queued. Each message says
in Dutch which server and which letter, and never the password."""

from __future__ import annotations

import smtplib
import ssl
from typing import Any, ClassVar

import pytest

from outbox import LetterRefused, RecipientRefused, ServerUnavailable, SmtpAccount, SmtpMailer

CALLS: list[tuple[Any, ...]] = []


class _Socket:
    """The connected socket, as far as the mailer asks: which address answered."""

    def __init__(self, port: int) -> None:
        self.port = port

    def getpeername(self) -> tuple[str, int]:
        return ("127.0.0.1", self.port)


class FakeSMTP:
    """smtplib.SMTP's calls as the mailer makes them, recorded; `fail` raises at a command."""

    fail: ClassVar[dict[str, BaseException]] = {}

    def __init__(self, host: str, port: int, timeout: float, **kwargs: Any) -> None:
        CALLS.append((type(self).__name__, host, port, timeout, kwargs))
        if "connect" in self.fail:
            raise self.fail["connect"]
        self.sock = _Socket(port)

    def _call(self, name: str, *args: Any, **kwargs: Any) -> None:
        CALLS.append((name, *args, *kwargs.values()))
        if name in self.fail:
            raise self.fail[name]

    def starttls(self, context: ssl.SSLContext) -> None:
        self._call("starttls", context=context)

    def login(self, user: str, password: str) -> None:
        self._call("login", user, password)

    def ehlo_or_helo_if_needed(self) -> None:
        self._call("ehlo")

    def sendmail(self, sender: str, recipients: list[str], raw: bytes) -> None:
        self._call("sendmail", sender, recipients, raw)

    def quit(self) -> None:
        self._call("quit")

    def close(self) -> None:
        self._call("close")


class FakeSMTP_SSL(FakeSMTP):  # noqa: N801 -- smtplib's name
    pass


@pytest.fixture(autouse=True)
def fake_smtp(monkeypatch: pytest.MonkeyPatch) -> None:
    CALLS.clear()
    FakeSMTP.fail = {}
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(smtplib, "SMTP_SSL", FakeSMTP_SSL)


CONTEXT = ssl.create_default_context()
ACCOUNT = SmtpAccount("127.0.0.1", 2525, "bot", "geheim-wachtwoord", timeout=5, ssl_context=CONTEXT)


def send(account: SmtpAccount = ACCOUNT) -> None:
    SmtpMailer(account).deliver(
        b"brief", sender="klachten@zorg.nl", recipient="anna@example.nl", message_id="<b1@zorg.nl>"
    )


def test_starttls_then_login_then_the_letter_then_quit() -> None:
    send()
    assert CALLS == [
        ("FakeSMTP", "127.0.0.1", 2525, 5, {}),
        ("starttls", CONTEXT),
        ("login", "bot", "geheim-wachtwoord"),
        ("ehlo",),
        ("sendmail", "klachten@zorg.nl", ["anna@example.nl"], b"brief"),
        ("quit",),
    ]


def test_ssl_from_the_first_byte_and_no_login_without_a_user() -> None:
    send(SmtpAccount("127.0.0.1", 465, security="ssl", timeout=5, ssl_context=CONTEXT))
    assert CALLS[0] == ("FakeSMTP_SSL", "127.0.0.1", 465, 5, {"context": CONTEXT})
    assert [c[0] for c in CALLS[1:]] == ["ehlo", "sendmail", "quit"]


def test_plain_smtp_only_when_asked_and_a_default_context_otherwise() -> None:
    send(SmtpAccount("127.0.0.1", 25, security="none", timeout=5))
    assert [c[0] for c in CALLS] == ["FakeSMTP", "ehlo", "sendmail", "quit"]
    CALLS.clear()
    send(SmtpAccount("127.0.0.1", 587))
    assert CALLS[0] == ("FakeSMTP", "127.0.0.1", 587, 30.0, {})
    assert CALLS[1][0] == "starttls" and isinstance(CALLS[1][1], ssl.SSLContext)


def test_a_refused_connection_keeps_the_letters_queued() -> None:
    FakeSMTP.fail = {"connect": ConnectionRefusedError("refused")}
    with pytest.raises(ServerUnavailable) as refused:
        send()
    assert str(refused.value) == (
        "Kan de SMTP-server 127.0.0.1:2525 niet bereiken (ConnectionRefusedError: refused); "
        "de brieven blijven in de wachtrij."
    )


def test_a_refused_login_names_the_settings_and_closes_the_connection() -> None:
    FakeSMTP.fail = {"login": smtplib.SMTPAuthenticationError(535, b"nee")}
    with pytest.raises(ServerUnavailable) as refused:
        send()
    assert str(refused.value) == (
        "De SMTP-server 127.0.0.1:2525 weigerde de login voor 'bot'. Controleer "
        "KLACHTENBUS_SMTP_USER en KLACHTENBUS_SMTP_PASSWORD; de brieven blijven in de wachtrij."
    )
    assert CALLS[-1] == ("close",)
    assert "geheim-wachtwoord" not in repr(ACCOUNT)
    assert repr(ACCOUNT) == "SmtpAccount(bot@127.0.0.1:2525, starttls)"
    assert repr(SmtpAccount("h", 1)) == "SmtpAccount(-@h:1, starttls)"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (smtplib.SMTPRecipientsRefused({"a": (550, b"onbekend")}), RecipientRefused),
        (smtplib.SMTPRecipientsRefused({"a": (421, b"weg"), "b": (550, b"x")}), RecipientRefused),
        (smtplib.SMTPRecipientsRefused({"a": (421, b"weg")}), ServerUnavailable),
        (smtplib.SMTPSenderRefused(553, b"nee", "klachten@zorg.nl"), LetterRefused),
        (smtplib.SMTPSenderRefused(421, b"weg", "klachten@zorg.nl"), ServerUnavailable),
        (smtplib.SMTPDataError(552, b"te groot"), LetterRefused),
        (smtplib.SMTPDataError(421, b"weg"), ServerUnavailable),
        (smtplib.SMTPServerDisconnected("weg"), ServerUnavailable),
        (TimeoutError("te traag"), ServerUnavailable),
    ],
)
def test_a_refusal_of_the_letter_differs_from_a_server_going_away(
    error: Exception, expected: type[Exception]
) -> None:
    FakeSMTP.fail = {"sendmail": error}
    with pytest.raises(expected) as raised:
        send()
    assert type(raised.value) is expected
    assert raised.value.__cause__ is error
    kind = type(error).__name__
    if expected is ServerUnavailable:
        assert str(raised.value) == (
            "De verbinding met de SMTP-server 127.0.0.1:2525 viel weg tijdens brief "
            f"<b1@zorg.nl> ({kind}: {error}); de brieven blijven in de wachtrij."
        )
    else:
        assert str(raised.value) == (
            f"De SMTP-server 127.0.0.1:2525 weigerde brief <b1@zorg.nl> ({kind}: {error}); "
            "hij blijft in de wachtrij."
        )
    assert CALLS[-1] == ("quit",)


def test_a_failing_quit_does_not_undo_a_delivered_letter() -> None:
    FakeSMTP.fail = {"quit": smtplib.SMTPServerDisconnected("al weg")}
    send()
    FakeSMTP.fail = {"quit": OSError("al weg")}
    send()
    assert [c[0] for c in CALLS].count("sendmail") == 2
