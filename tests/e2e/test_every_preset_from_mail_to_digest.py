"""Each procedure preset on the real servers: a complaint arrives just before Christmas and one
just before Koningsdag; the acknowledgements state that preset's dates; a reply threads onto
its case; an extension sends its letter; the morning digest lists the overdue case."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email.utils import make_msgid
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

import bootstrap
from casework import cases
from casework.digest import send_digests
from outbox import dutch_date
from procedures import preset_names
from storage import Case
from tests.builders import complaint, mail
from tests.conftest import MailboxAccount
from tests.pipeline_helpers import bot_for
from tests.servers import SmtpSink

pytestmark = pytest.mark.e2e
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CHRISTMAS = datetime(2025, 12, 23, 10, 0, tzinfo=AMSTERDAM)  # a Tuesday
KONINGSDAG = datetime(2026, 4, 24, 10, 0, tzinfo=AMSTERDAM)  # the Friday before Monday 27 April
D = date.fromisoformat
# (acknowledge by, answer by), worked out by hand from each preset's terms: holidays skipped in
# working days (Christmas, New Year, Koningsdag, 5 May), calendar terms as worded.
EXPECTED = {
    "awb": ((D("2025-12-30"), D("2026-02-03")), (D("2026-05-01"), D("2026-06-05"))),
    "hss": ((D("2026-01-06"), D("2026-02-03")), (D("2026-05-07"), D("2026-06-05"))),
    "kika": ((None, D("2026-01-13")), (None, D("2026-05-15"))),
    "mik-piw-kinderopvang": (
        (D("2026-01-02"), D("2026-02-03")),
        (D("2026-05-04"), D("2026-06-05")),
    ),
    "mik-piw-sociaal-werk": (
        (D("2026-01-02"), D("2026-02-03")),
        (D("2026-05-04"), D("2026-06-05")),
    ),
    "ons-welzijn": ((D("2025-12-30"), D("2026-02-23")), (D("2026-05-01"), D("2026-06-24"))),
    "vlaanderen": ((D("2026-01-02"), D("2026-02-06")), (D("2026-05-04"), D("2026-06-08"))),
    "wkkgz": ((D("2026-01-02"), D("2026-02-03")), (D("2026-05-04"), D("2026-06-05"))),
}


def test_the_table_covers_every_shipped_preset() -> None:
    assert sorted(EXPECTED) == preset_names()


@pytest.mark.parametrize("preset", sorted(EXPECTED))
def test_a_preset_from_complaint_to_digest(
    request: pytest.FixtureRequest,
    preset: str,
    mailbox: MailboxAccount,
    sqlite_url: str,
    trained_model: tuple[Path, str],
    tmp_path: Path,
    smtp: SmtpSink,
) -> None:
    bot = bot_for(request, mailbox, smtp, sqlite_url, trained_model, tmp_path, procedure=preset)
    mailer = bootstrap.mailer_of(bot.settings)
    office = bootstrap.office_of(bot.settings)

    mailbox.append(complaint(1), when=CHRISTMAS)
    mailbox.append(complaint(2), when=KONINGSDAG)
    bot.poll()
    assert bot.send().sent == 2

    acknowledgements = {r.recipients[0]: r.message for r in smtp.received}
    for n, (_, answer_by) in enumerate(EXPECTED[preset], start=1):
        text = acknowledgements[f"klager{n}@example.nl"].get_body(("plain",)).get_content()
        assert f"Uiterlijk {dutch_date(answer_by)} laten wij u" in text
        assert "bevestigen wij" not in text  # this letter is the confirmation it would promise
        assert office.procedure.escalations[0].name in text  # where to go next
    with bot.store.unit_of_work() as session:  # the acknowledgement's own term, kept in the case
        dues = {c.complainant_email: c.acknowledge_due for c in session.scalars(select(Case))}
    for n, (acknowledge_by, answer_by) in enumerate(EXPECTED[preset], start=1):
        assert dues[f"klager{n}@example.nl"] == (acknowledge_by or answer_by)

    # The complainant answers the acknowledgement: it joins the case, nothing new starts.
    letter = acknowledgements["klager1@example.nl"]
    mailbox.append(
        mail(
            f"Re: {letter['Subject']}",
            "Ik wil nog toevoegen dat ik ook vorige week niet ben teruggebeld. Dit is echt "
            "onacceptabel, ik ben het hier totaal niet mee eens.",
            sender="Klager 1 <klager1@example.nl>",
            message_id=make_msgid(domain="example.nl"),
            headers={"In-Reply-To": letter["Message-ID"], "References": letter["Message-ID"]},
        )
    )
    bot.poll()
    assert bot.send().sent == 0
    with bot.store.unit_of_work() as session:
        numbers = list(session.scalars(select(Case.number).order_by(Case.id)))
        assert session.scalar(select(func.count(Case.id))) == 2
    christmas, koningsdag = numbers
    assert len(cases.show(bot.store, office, christmas).correspondence) == 1

    # More time for the Koningsdag complaint, announced before its term ends.
    before_the_term = datetime.combine(EXPECTED[preset][1][1], datetime.min.time(), UTC)
    cases.extend(
        bot.store, office, koningsdag, actor="Ank", reason="intern: dossier nog niet compleet",
        letter_text="de medewerker is ziek", now=before_the_term.replace(hour=9),
    )  # fmt: skip
    assert bot.send().sent == 1
    extension = smtp.received[-1].message
    assert extension["To"].addresses[0].addr_spec == "klager2@example.nl"
    assert "de medewerker is ziek" in extension.get_body(("plain",)).get_content()

    # The morning digest: the Christmas complaint is long overdue.
    smtp.received.clear()
    send_digests(bot.store, office, {}, mailer, today=date(2026, 11, 23))
    (digest,) = [r.message for r in smtp.received]
    assert digest["To"] == bot.settings.organisation_address  # no officers set: the mailbox hears
    body = digest.get_body(("plain",)).get_content()
    assert christmas in body and "te laat" in body
