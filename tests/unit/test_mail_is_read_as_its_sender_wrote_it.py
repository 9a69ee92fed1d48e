"""Parsing defects found against a peer helpdesk's expected parses, each on a message written
here: the sender, subject, text and parts come out as the sender wrote them."""

from __future__ import annotations

import base64
import contextlib
from datetime import UTC, datetime

import intake
from intake import ParsedMessage
from klachtenbus.errors import MessageUnparseable

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def parse(data: bytes) -> ParsedMessage:
    return intake.parse(data, received_at=NOW)


def multipart(*parts: bytes, subtype: bytes = b"mixed") -> bytes:
    head = (
        b"From: Ans Bakker <ans@example.nl>\r\nTo: klachten@zorg-voorbeeld.nl\r\n"
        b"Subject: Bijlagen\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: multipart/" + subtype + b'; boundary="grens"\r\n\r\n'
    )
    body = b"".join(b"--grens\r\n" + part + b"\r\n" for part in parts)
    return head + body + b"--grens--\r\n"


def test_a_continuation_line_without_indent_keeps_the_headers_below_it() -> None:
    data = (
        b"Received: from mail.example.nl by mx.zorg-voorbeeld.nl;\r\n"
        b"Thread-Topic: een lange omschrijving die de mailer afbrak\r\n"
        b"en zonder inspringen verder schreef\r\n"
        b"From: Ans Bakker <ans@example.nl>\r\n"
        b"Subject: Klacht over de opvang\r\n"
        b"\r\n"
        b"Mijn dochter is weer niet opgehaald.\r\n"
    )
    message = parse(data)
    assert message.sender is not None and message.sender.email == "ans@example.nl"
    assert message.subject == "Klacht over de opvang"
    assert message.text.strip() == "Mijn dochter is weer niet opgehaald."


def test_a_message_without_a_blank_line_after_its_headers_keeps_its_body() -> None:
    """A stray line with no field after it is the body, as before."""
    message = parse(b"From: ans@example.nl\r\nSubject: Vraag\r\nHallo, een vraag.\r\n")
    assert message.subject == "Vraag" and message.sender is not None


def test_text_without_any_header_is_refused_or_read_never_a_crash() -> None:
    for data in (b"hallo wereld\nnog een regel\n\ntekst\n", b"From nobody\nhallo\n\ntekst\n"):
        with contextlib.suppress(MessageUnparseable):
            parse(data)


def test_an_iso_2022_jp_body_is_decoded() -> None:
    text = "こんにちは、苦情があります。ｶﾀｶﾅ"
    data = (
        b"From: yuki@example.jp\r\nSubject: =?ISO-2022-JP?B?"
        + base64.b64encode("苦情".encode("iso2022_jp"))
        + b"?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n"
        b"Content-Transfer-Encoding: 7bit\r\n\r\n" + text.encode("iso2022_jp_ext") + b"\r\n"
    )
    message = parse(data)
    assert message.text.strip() == text
    assert message.subject == "苦情"


def test_gbk_text_labelled_gb2312_is_decoded() -> None:
    text = "我要投诉：员工态度很差。镕"  # 镕 is in GBK, not in GB 2312
    data = (
        b"From: li@example.cn\r\nSubject: test\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=gb2312\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode(text.encode("gbk"))
        + b"\r\n"
    )
    assert parse(data).text.strip() == text


def test_an_encoded_display_name_with_a_comma_is_one_name() -> None:
    encoded = parse(
        b"From: =?utf-8?q?=C3=96zt=C3=BCrk,_Ay=C5=9Fe?= <ayse@example.nl>\r\nSubject: x\r\n\r\nhoi\r\n"
    )
    assert encoded.sender is not None
    assert (encoded.sender.name, encoded.sender.email) == ("Öztürk, Ayşe", "ayse@example.nl")
    unquoted = parse("From: Öztürk, Ayşe <ayse@example.nl>\r\nSubject: x\r\n\r\nhoi\r\n".encode())
    assert unquoted.sender == encoded.sender


def test_an_empty_first_address_gives_the_next_sender() -> None:
    message = parse(b'From: "Ans" <>, ans@example.nl\r\nSubject: x\r\n\r\nhoi\r\n')
    assert message.sender is not None and message.sender.email == "ans@example.nl"


def test_an_attached_message_is_a_part_not_the_senders_text() -> None:
    data = multipart(
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nZie het bericht hieronder.",
        b"Content-Type: message/rfc822\r\n\r\n"
        b"From: iemand@example.org\r\nSubject: Oud bericht\r\n\r\nTekst van iemand anders.",
    )
    message = parse(data)
    assert message.text.strip() == "Zie het bericht hieronder."
    [attached] = message.attachments
    assert attached.content_type == "message/rfc822" and attached.size > 0


def test_a_part_without_a_name_gets_the_same_name_on_every_parse() -> None:
    data = multipart(
        b"Content-Type: text/plain\r\n\r\nIn de bijlage mijn brief.",
        b"Content-Type: application/rtf\r\nContent-Disposition: attachment\r\n\r\n{\\rtf1 brief}",
        b"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode(b"%PDF-1.4\n%%EOF\n"),
    )
    first, second = parse(data).attachments, parse(data).attachments
    assert first == second
    assert [a.name for a in first] == ["deel-3.rtf", "deel-4.pdf"]


def test_an_html_body_beside_a_text_part_is_read() -> None:
    data = multipart(
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nGoedemiddag,",
        b"Content-Type: text/html; charset=utf-8\r\n\r\n<p>De begeleider is <b>niet</b> "
        b"gekomen.</p>",
    )
    text = parse(data).text
    assert "Goedemiddag," in text and "De begeleider is niet gekomen." in text


def test_of_plain_and_html_alternatives_only_the_plain_one_is_read() -> None:
    alternative = (
        b'Content-Type: multipart/alternative; boundary="alt"\r\n\r\n'
        b"--alt\r\nContent-Type: text/plain\r\n\r\nEen keer.\r\n"
        b"--alt\r\nContent-Type: text/html\r\n\r\n<p>Een keer.</p>\r\n--alt--"
    )
    assert parse(multipart(alternative)).text.strip() == "Een keer."


def test_named_text_shown_inline_is_read_and_listed() -> None:
    data = multipart(
        b"Content-Type: text/plain\r\n\r\nGoedemiddag,",
        b'Content-Type: text/plain; name="brief.txt"\r\nContent-Disposition: inline; '
        b'filename="brief.txt"\r\n\r\nDe begeleider kwam weer niet.',
        b'Content-Type: text/plain; name="notities.txt"\r\nContent-Disposition: attachment; '
        b'filename="notities.txt"\r\n\r\nAlleen als bijlage.',
    )
    message = parse(data)
    assert "De begeleider kwam weer niet." in message.text
    assert "Alleen als bijlage." not in message.text
    assert [a.name for a in message.attachments] == ["brief.txt", "notities.txt"]
