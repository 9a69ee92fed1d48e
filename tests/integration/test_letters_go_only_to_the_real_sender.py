"""Crafted address headers on the real servers: acknowledgements go only to the addr-specs the
senders wrote, never to an address hidden in a name, never to our own mailbox."""

from __future__ import annotations

from sqlalchemy import select

from intake import same_mailbox
from storage import Letter
from tests.builders import ORGANISATION, complaint, with_address_headers
from tests.conftest import MailboxAccount
from tests.pipeline_helpers import Bot
from tests.servers import SmtpSink

NO_ADDRESS = "geen bruikbaar afzenderadres"
OURS = "het adres is onze eigen klachtenmailbox"

# (the address headers of complaint n, where its acknowledgement goes or why it is withheld)
CRAFTED: list[tuple[list[bytes], str]] = [
    (
        [b"From: =?iso-8859-1?q?Fran=E7ois_=3Cfrancois@old.example=3E?= <real1@example.nl>"],
        "real1@example.nl",
    ),
    ([b"From: =?utf-8?q?Jan=0D=0ABcc:_x@y.example?= <jan2@example.nl>"], "jan2@example.nl"),
    ([b"From: =?utf-8?q?a@b.example=2C_c@d.example?= <real3@example.nl>"], "real3@example.nl"),
    ([b"From: =?utf-8?q?M=C3=BCller=2C_Jan?= <muller4@example.nl>"], "muller4@example.nl"),
    ([b'From: "Jansen, Piet" <piet5@example.nl>'], "piet5@example.nl"),
    ([b"From: Klagers: kees6@example.nl, anna6@example.nl;"], "kees6@example.nl"),
    ([b"From: Jan <>"], NO_ADDRESS),
    ([b"From: " + b"Lang " * 2_000 + b"<lang8@example.nl>"], "lang8@example.nl"),
    ([b"From: Jan <" + b"j" * 388 + b"@example.nl>"], NO_ADDRESS),
    ([b'From: "M\xc3\xbcller, J\xc3\xa9r\xc3\xb4me" <utf10@example.nl>'], "utf10@example.nl"),
    ([b'From: "M\xfcller, J\xe9r\xf4me" <latin11@example.nl>'], "latin11@example.nl"),
    ([b"From: first12@example.nl, second12@example.nl"], "first12@example.nl"),
    (
        [
            b"From: Klager <klager13@example.nl>",
            b"Reply-To: =?utf-8?q?Fran=C3=A7ois_=3Cfrancois@old.example=3E?= <reply13@example.nl>",
        ],
        "reply13@example.nl",
    ),
    ([b"From: klager14@example.nl", b"Reply-To: Jan <>"], "klager14@example.nl"),
    (
        [b"From: klager15@example.nl", b"Reply-To: alice@example.com <bob@example.com>"],
        "klager15@example.nl",
    ),
    ([b"From: Klachten+test@zorg-voorbeeld.nl"], OURS),
    ([b"From: Klachten <KLACHTEN@ZORG-VOORBEELD.NL>"], OURS),
    (
        [
            b"From: klager18@example.nl",
            b'Reply-To: "Klachten" <klachten+antwoord@Zorg-Voorbeeld.nl>',
        ],
        OURS,
    ),
    ([b"From: =?utf-8?q?Jan_=3Cjan=40evil=2Eexample=3E?="], NO_ADDRESS),
    ([b"From: alice@example.com <bob@example.com>"], NO_ADDRESS),
    ([b"From: =?utf-8?q?jan21?=@example.nl"], NO_ADDRESS),
]


def test_acknowledgements_go_only_to_the_addr_specs_the_senders_wrote(
    bot: Bot, mailbox: MailboxAccount, smtp: SmtpSink
) -> None:
    """One poll and one send: a letter to each real addr-spec, none elsewhere, none injected."""
    mailbox.append(
        *(with_address_headers(complaint(n), *lines) for n, (lines, _) in enumerate(CRAFTED, 1))
    )

    summary = bot.poll()
    sent = bot.send()

    assert summary.by_kind == {"complaint": len(CRAFTED)}
    expected = sorted(where for _, where in CRAFTED if "@" in where)
    assert sorted(r for m in smtp.received for r in m.recipients) == expected
    assert sent.sent == len(expected)
    for received in smtp.received:
        letter = received.message
        assert [a.addr_spec for a in letter["To"].addresses] == received.recipients
        assert letter["Bcc"] is None and letter["Cc"] is None
        assert not any(same_mailbox(r, ORGANISATION) for r in received.recipients)
    with bot.store.unit_of_work() as session:
        withheld = session.scalars(select(Letter).where(Letter.status == "withheld")).all()
        reasons = sorted((w.last_error or "").split(" (")[0] for w in withheld)
    assert reasons == sorted(where for _, where in CRAFTED if "@" not in where)
