"""A letter goes only to an address the sender wrote as one, never to one hidden in a name."""

from __future__ import annotations

import email.header
from datetime import UTC, date, datetime
from email import message_from_bytes, policy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import intake
import outbox
from bootstrap import organisation_of
from intake import Address, same_mailbox
from intake.addresses import MAX_NAME, addresses, plausible_mailbox
from klachtenbus.errors import MessageUnparseable
from klachtenbus.settings import load_settings
from tests.builders import ORGANISATION, complaint, with_address_headers
from tests.corpus import real_messages

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LONG_NAME = "A" * 10_000

# (the From header as it arrives, the Address Klachtenbus keeps; None: no address at all)
CRAFTED: list[tuple[bytes, Address | None]] = [
    (  # the name decodes to an address in angle brackets
        b"From: =?iso-8859-1?q?Fran=E7ois_=3Cfrancois@old.example=3E?= <real@example.nl>",
        Address("François <francois@old.example>", "real@example.nl"),
    ),
    (  # the name decodes to a line break and a Bcc header
        b"From: =?utf-8?q?Jan=0D=0ABcc:_x@y.example?= <jan@example.nl>",
        Address("Jan Bcc: x@y.example", "jan@example.nl"),
    ),
    (  # the name decodes to an address list
        b"From: =?utf-8?q?a@b.example=2C_c@d.example?= <real@example.nl>",
        Address("a@b.example, c@d.example", "real@example.nl"),
    ),
    (  # nothing but an encoded word that decodes to a name and an address
        b"From: =?utf-8?q?Jan_=3Cjan=40evil=2Eexample=3E?=",
        None,
    ),
    (
        b"From: =?utf-8?q?M=C3=BCller=2C_Jan?= <jan@example.nl>",
        Address("Müller, Jan", "jan@example.nl"),
    ),
    (b'From: "Jansen, Piet" <piet@example.nl>', Address("Jansen, Piet", "piet@example.nl")),
    (b"From: Klagers: piet@example.nl, kees@example.nl;", Address("", "piet@example.nl")),
    (b"From: undisclosed-recipients:;", None),
    (b"From: Jan <>", Address("Jan", "")),
    (b"From: <>", None),
    (  # a name, not a payload: cut to what storage keeps
        b"From: " + LONG_NAME.encode() + b" <jan@example.nl>",
        Address(LONG_NAME[:MAX_NAME], "jan@example.nl"),
    ),
    (b"From: Jan <" + b"j" * 388 + b"@example.nl>", Address("Jan", "")),
    (b'From: "M\xc3\xbcller, Jan" <jan@example.nl>', Address("Müller, Jan", "jan@example.nl")),
    (b'From: "M\xfcller, Jan" <jan@example.nl>', Address("Müller, Jan", "jan@example.nl")),
    (b"From: piet@example.nl, kees@example.nl", Address("", "piet@example.nl")),
    (b"From: Piet <piet@example.nl>\nFrom: kees@example.nl", Address("Piet", "piet@example.nl")),
    (b"From: alice@example.com <bob@example.com>", None),  # which one is meant is a guess
    (b"From: =?utf-8?q?jan?=@example.nl", None),  # an encoded word is no addr-spec
    (b"From: Jan <jan@exa mple.nl>", Address("Jan", "")),
    (b"From: Jan <jan@localhost>", Address("Jan", "")),
    (b"From: Jan <jan\x01@example.nl>", Address("Jan", "")),
    (b"From: jan@example.nl (Jan de Vries)", Address("Jan de Vries", "jan@example.nl")),
    (b'From: "', None),
    (b"From: a@", None),
]


def parsed(*lines: bytes) -> intake.ParsedMessage:
    return intake.parse(with_address_headers(complaint(1), *lines), received_at=NOW)


@pytest.mark.parametrize(("header", "expected"), CRAFTED, ids=lambda v: repr(v)[:60])
def test_the_sender_is_the_addr_spec_not_the_name(header: bytes, expected: Address | None) -> None:
    """From gives the address written as an addr-spec, or none; the name is only a name."""
    message = parsed(header)
    assert message.sender == expected
    answer = message.answer_address
    assert answer == (expected if expected and expected.email else None)


@pytest.mark.parametrize(("header", "expected"), CRAFTED, ids=lambda v: repr(v)[:60])
def test_a_crafted_reply_to_is_read_the_same_way(header: bytes, expected: Address | None) -> None:
    """A Reply-To crafted like a From is used only for its addr-spec; else the From answers."""
    reply_to = b"Reply-To:" + header.split(b"\n")[0].removeprefix(b"From:")
    message = parsed(b"From: Klager <klager@example.nl>", reply_to)
    assert message.reply_to == expected
    usable = expected and expected.email
    assert message.answer_address == (
        expected if usable else Address("Klager", "klager@example.nl")
    )


def test_recipients_keep_their_commas_and_only_their_addr_specs() -> None:
    """To and Cc are split before decoding, like From."""
    message = parsed(
        b"From: klager@example.nl",
        b"To: =?utf-8?q?a@b.example=2C_c@d.example?= <klachten@zorg-voorbeeld.nl>",
        b'Cc: "Jansen, Piet" <piet@example.nl>, kees@example.nl',
    )
    assert message.recipients == (
        Address("a@b.example, c@d.example", "klachten@zorg-voorbeeld.nl"),
        Address("Jansen, Piet", "piet@example.nl"),
        Address("", "kees@example.nl"),
    )


@pytest.mark.parametrize(
    "name", ["Jan\r\nBcc: x@y.example", "Jan\u2028Bcc: x@y.example", "Jan\x85Bcc: x@y"]
)
def test_a_name_cannot_add_a_header_to_the_letter(name: str) -> None:
    """The letter's To: carries the name on one line, so no Bcc or other header slips in."""
    for recipient_name in (name, parsed(_encoded_from(name)).sender.name):  # type: ignore[union-attr]
        letter = message_from_bytes(_acknowledgement_to(recipient_name), policy=policy.default)
        assert letter["Bcc"] is None
        assert [a.addr_spec for a in letter["To"].addresses] == ["jan@example.nl"]
        assert "Bcc: x@y" in letter["To"].addresses[0].display_name.replace("\x85", " ")


def test_our_own_addresses_are_never_answered() -> None:
    """The complaints mailbox, its IMAP and SMTP logins: in any case, with any +tag."""
    own = organisation_of(
        load_settings(
            organisation_address=ORGANISATION,
            imap_user="Postbus@Zorg-Voorbeeld.nl",
            smtp_user="verzender+bot@zorg-voorbeeld.nl",
        )
    )
    for address in (
        "klachten@zorg-voorbeeld.nl",
        "Klachten+Test@Zorg-Voorbeeld.NL",
        "POSTBUS+x@zorg-voorbeeld.nl",
        "verzender@zorg-voorbeeld.nl",
    ):
        assert own.owns(address), address
    for address in ("klager@example.nl", "klachten@example.nl", "klachtenx@zorg-voorbeeld.nl", ""):
        assert not own.owns(address), address


def test_a_login_that_is_no_address_is_no_alias() -> None:
    """An IMAP user name like `klachten1` adds nothing to our own addresses."""
    own = organisation_of(load_settings(organisation_address=ORGANISATION, imap_user="klachten1"))
    assert own.aliases == ()
    assert not same_mailbox("klachten1", "klachten1@zorg-voorbeeld.nl")


def test_real_mail_gives_only_plausible_addresses() -> None:
    """Every message of the real corpus parses, and every address it gives is a mailbox."""
    for path in real_messages():
        try:
            message = intake.parse(path.read_bytes(), received_at=NOW)
        except MessageUnparseable:
            continue
        found = [message.sender, message.reply_to, *message.recipients]
        for address in filter(None, found):
            assert not address.email or plausible_mailbox(address.email), (path, address)
            assert address.name == " ".join(address.name.split()), (path, address)


@settings(max_examples=300, deadline=None)
@given(
    name=st.text(max_size=80),
    charset=st.sampled_from(["utf-8", "iso-8859-1", "windows-1252"]),
)
def test_any_encoded_name_leaves_the_address_alone(name: str, charset: str) -> None:
    """Whatever a display name decodes to, the address is the one in angle brackets."""
    try:
        word = email.header.Header(name, charset).encode()
    except UnicodeEncodeError:
        word = email.header.Header(name, "utf-8").encode()
    [found] = addresses("from", [f"{word} <jan@example.nl>"])
    assert found.email == "jan@example.nl"
    assert found.name == " ".join(found.name.split())


def _encoded_from(name: str) -> bytes:
    return b"From: " + email.header.Header(name, "utf-8").encode().encode() + b" <jan@example.nl>"


def _acknowledgement_to(recipient_name: str) -> bytes:
    facts = outbox.Acknowledgement(
        case_number="K-2026-0001",
        complainant_name=recipient_name,
        subject="Klacht",
        received_on=date(2026, 11, 23),
        acknowledge_by=None,
        answer_by=date(2027, 1, 4),
        procedure_title="Klachtenprocedure",
        external_route="",
        organisation_name="Stichting Zorg Voorbeeld",
        organisation_address="Postbus 1",
    )
    envelope = outbox.Envelope(
        sender=ORGANISATION, recipient="jan@example.nl", recipient_name=recipient_name
    )
    return outbox.acknowledgement(facts, envelope, sent_at=NOW).raw
