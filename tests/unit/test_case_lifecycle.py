"""Officers work a case through its procedure: every move allowed by the preset, kept with who,
when and why; suspension stops the clock; an extension comes once, in time, with a letter."""

from __future__ import annotations

from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import select

from casework import cases
from klachtenbus.errors import KlachtenbusError
from klachtenbus.vocabulary import CaseStatus, Closure, Outcome
from office import Office
from outbox.case_letters import PURPOSES, LetterNotComplete
from procedures import PresetError, preset_names
from procedures.lifecycle import InvalidTransition
from procedures.presets import PRESETS
from storage import Letter, Store
from tests.casework import office, register, store_at

S = CaseStatus


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


@pytest.fixture
def store(sqlite_url: str) -> Store:
    return store_at(sqlite_url)


def letters(store: Store, number: str) -> dict[str, Letter]:
    with store.unit_of_work() as session:
        rows = session.scalars(
            select(Letter).join(Letter.case).where(Letter.case.has(number=number))
        )
        found = {x.purpose: x for x in rows}
        session.expunge_all()
        return found


def text_of(letter: Letter) -> str:
    message = message_from_bytes(letter.raw, policy=policy.default)
    return message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def answer_due(store: Store, hss: Office, number: str) -> date:
    return next(s.due for s in cases.show(store, hss, number).steps if s.step.role == "answer")


def test_a_move_the_procedure_does_not_allow_says_what_is_possible(store: Store) -> None:
    hss = office("hss")
    number = register(store, hss, at("2026-03-02"))
    with pytest.raises(InvalidTransition) as refused:
        cases.move(store, hss, number, S.FINDINGS_SENT, actor="Ank", reason="te vroeg")
    assert "Mogelijk vanaf hier" in str(refused.value) and "onderzoek" in str(refused.value)
    with pytest.raises(InvalidTransition, match="kent geen ontvankelijkheidstoets"):
        cases.move(store, hss, number, S.ADMISSIBILITY, actor="Ank", reason="toets")


def test_admissibility_where_the_preset_has_it_sends_its_letter(store: Store) -> None:
    ons = office("ons-welzijn")
    number = register(store, ons, at("2026-03-02"))
    cases.move(store, ons, number, S.ADMISSIBILITY, actor="Ank", reason="toetsen")
    result = cases.move(store, ons, number, S.INVESTIGATION, actor="Ank", reason="ontvankelijk")
    assert result.letters == ["ontvankelijkheid"]
    assert "Uw klacht is ontvankelijk" in text_of(letters(store, number)["ontvankelijkheid"])


def test_every_move_is_kept_with_who_when_and_why(store: Store) -> None:
    hss = office("hss")
    number = register(store, hss, at("2026-03-02"))
    cases.move(
        store, hss, number, S.INVESTIGATION, actor="Ank Jansen", reason="hoor en wederhoor",
        now=at("2026-03-03"),
    )  # fmt: skip
    (event,) = cases.show(store, hss, number).events
    assert event["actor"] == "Ank Jansen" and event["reason"] == "hoor en wederhoor"
    assert (event["from"], event["to"]) == ("received", "investigation")
    assert event["at"].startswith("2026-03-03")


def test_suspension_stops_the_clock(store: Store) -> None:
    hss = office("hss")
    number = register(store, hss, at("2026-03-02"))
    assert answer_due(store, hss, number) == date(2026, 4, 13)
    cases.suspend(store, hss, number, actor="Ank", reason="geen reactie", now=at("2026-03-10"))
    cases.resume(store, hss, number, actor="Ank", reason="klager belde", now=at("2026-03-20"))
    view = cases.show(store, hss, number)
    assert view.case["paused_days"] == 10 and view.case["status"] == "received"
    assert answer_due(store, hss, number) == date(2026, 4, 23)


def test_an_overdue_case_cannot_hide_its_overrun_by_being_suspended(store: Store) -> None:
    hss = office("hss")
    number = register(store, hss, at("2026-03-02"))
    with pytest.raises(InvalidTransition, match="al verstreken op 2026-04-13"):
        cases.suspend(store, hss, number, actor="Ank", reason="te laat", now=at("2026-04-14"))


def test_an_extension_comes_once_before_the_term_ends_with_a_letter(store: Store) -> None:
    """The letter gives the grounds the officer wrote for the complainant; the internal reason
    stays in the history."""
    awb = office("awb")
    number = register(store, awb, at("2026-04-02"))
    assert answer_due(store, awb, number) == date(2026, 5, 18)
    # The preview shows the letter extend would send: old and new date, and the grounds.
    with pytest.raises(KlachtenbusError, match="--toelichting"):
        cases.preview(store, awb, number, "verdaging")
    shown, _ = cases.preview(store, awb, number, "verdaging", letter_text="advies volgt")
    assert "maandag 18 mei 2026" in shown and "donderdag 11 juni 2026" in shown
    assert "advies volgt" in shown
    assert answer_due(store, awb, number) == date(2026, 5, 18)  # the preview changed nothing
    with pytest.raises(cases.ExtensionRefused, match="--toelichting"):
        cases.extend(store, awb, number, actor="Ank", reason="collega ziek", now=at("2026-05-11"))
    result = cases.extend(
        store,
        awb,
        number,
        actor="Ank",
        reason="behandelaar ziek, dossier ligt stil",
        letter_text="advies van de commissie volgt",
        now=at("2026-05-11"),
    )
    assert result.letters == ["verdaging"]
    assert answer_due(store, awb, number) == date(2026, 6, 11)  # 14 May + 4 weeks
    text = text_of(letters(store, number)["verdaging"])
    assert "maandag 18 mei 2026" in text and "donderdag 11 juni 2026" in text
    assert "advies van de commissie volgt" in text
    assert "ziek" not in text
    assert cases.show(store, awb, number).events[-1]["reason"].startswith("behandelaar ziek")
    with pytest.raises(cases.ExtensionRefused, match="al eenmaal verdaagd"):
        cases.extend(
            store, awb, number, actor="Ank", reason="nog eens", letter_text="nog eens",
            now=at("2026-05-12"),
        )  # fmt: skip


def test_an_extension_after_the_term_has_passed_is_refused(store: Store) -> None:
    awb = office("awb")
    number = register(store, awb, at("2026-04-02"))
    with pytest.raises(cases.ExtensionRefused, match="verstreken"):
        cases.extend(
            store, awb, number, actor="Ank", reason="te laat", letter_text="later",
            now=at("2026-05-19"),
        )  # fmt: skip
    with pytest.raises(cases.ExtensionRefused, match="1 tot 4 weken"):
        cases.extend(
            store, awb, number, actor="Ank", reason="lang", letter_text="later", weeks=6,
            now=at("2026-05-01"),
        )  # fmt: skip


def test_the_findings_letter_is_a_frame_the_officer_completes(store: Store) -> None:
    hss = office("hss")
    number = register(store, hss, at("2026-03-02"))
    cases.move(store, hss, number, S.INVESTIGATION, actor="Ank", reason="onderzoek")
    with pytest.raises(LetterNotComplete, match="letter preview bevindingen"):
        cases.move(store, hss, number, S.FINDINGS_SENT, actor="Ank", reason="klaar")
    frame, _ = cases.preview(store, hss, number, "bevindingen")
    with pytest.raises(LetterNotComplete, match="open plekken"):
        cases.move(
            store, hss, number, S.FINDINGS_SENT, actor="Ank", reason="klaar", officer_text=frame
        )
    done = frame.replace("[VUL IN: met wie", "Wij spraken met u en de begeleider. [x").split("[")[0]
    cases.move(store, hss, number, S.FINDINGS_SENT, actor="Ank", reason="klaar", officer_text=done)
    assert "Wij spraken met u en de begeleider." in text_of(letters(store, number)["bevindingen"])


def test_closing_sends_the_closing_letter_and_plans_the_aftercare(store: Store) -> None:
    hss = office("hss")
    first = register(store, hss, at("2026-03-02"))
    cases.move(store, hss, first, S.INVESTIGATION, actor="Ank", reason="onderzoek")
    with pytest.raises(InvalidTransition, match="--oordeel"):
        cases.move(store, hss, first, S.CLOSED, actor="Ank", reason="x", closure=Closure.RULED)
    cases.move(
        store, hss, first, S.CLOSED, actor="Ank", reason="excuses gemaakt",
        closure=Closure.RULED, outcome=Outcome.PARTLY_WELL_FOUNDED, now=at("2026-03-20"),
    )  # fmt: skip
    sent = letters(store, first)
    assert "deels gegrond" in text_of(sent["afsluiting"])
    assert sent["nazorg"].next_attempt_at.date() == date(2026, 5, 1)  # six weeks later
    second = register(store, hss, at("2026-03-02"), email="b@example.nl")
    cases.move(
        store, hss, second, S.CLOSED, actor="Ank", reason="klager trekt in",
        closure=Closure.WITHDRAWN,
    )  # fmt: skip
    assert set(letters(store, second)) == {"afsluiting"}  # no aftercare after a withdrawal


def test_the_reason_for_the_history_never_reaches_the_complainant(store: Store) -> None:
    """`--reden` is kept in the case; only `--toelichting` goes into the letter, and a case
    declared not admissible must say why to the complainant."""
    hss = office("hss")
    number = register(store, hss, at("2026-03-02"))
    cases.move(
        store, hss, number, S.CLOSED, actor="Ank", reason="klager is lastig, snel afsluiten",
        closure=Closure.RESOLVED, letter_text="In ons gesprek van 3 maart is het opgelost.",
        skip_reason="opgelost in een gesprek",
    )  # fmt: skip
    text = text_of(letters(store, number)["afsluiting"])
    assert "In ons gesprek van 3 maart is het opgelost." in text
    assert "lastig" not in text
    assert cases.show(store, hss, number).events[-1]["reason"].startswith("klager is lastig")
    other = register(store, hss, at("2026-03-03"), email="b@example.nl")
    with pytest.raises(KlachtenbusError, match="--toelichting"):
        cases.move(
            store, hss, other, S.CLOSED, actor="Ank", reason="buiten termijn",
            closure=Closure.NOT_ADMISSIBLE,
        )  # fmt: skip


def test_registration_fields_are_filled_in_and_each_change_is_kept(store: Store) -> None:
    hss = office("hss")
    first = register(store, hss, at("2026-03-02"))
    second = register(store, hss, at("2026-06-02"))
    cases.edit(
        store, second, {"category": "bejegening", "team": "Ambulant", "municipality": "Tilburg"},
        actor="Ank",
    )  # fmt: skip
    with pytest.raises(KlachtenbusError, match="Oordeel"):
        cases.edit(store, second, {"outcome": "heel erg"}, actor="Ank")
    # satisfied: ja, nee or onbekend; "misschien" is refused, never stored as "niet tevreden"
    assert [cases.satisfaction(w) for w in ("ja", "Nee", "onbekend", "")] == [
        True, False, None, None,
    ]  # fmt: skip
    with pytest.raises(KlachtenbusError, match="kies ja, nee of onbekend"):
        cases.satisfaction("misschien")
    with pytest.raises(KlachtenbusError, match="Tevreden"):
        cases.edit(store, second, {"satisfied": "misschien"}, actor="Ank")
    view = cases.show(store, hss, second)
    assert view.case["municipality"] == "Tilburg"
    assert view.events[-1]["details"]["team"] == [None, "Ambulant"]
    assert view.earlier_cases == [first]


def test_complainant_input_cannot_inject_headers_or_html(store: Store) -> None:
    hss = office("hss")
    number = register(
        store, hss, at("2026-03-02"), name="<script>alert(1)</script>",
        subject="Klacht\r\nBcc: iedereen@example.org",
    )  # fmt: skip
    cases.move(store, hss, number, S.CLOSED, actor="Ank", reason="opgelost",
                  closure=Closure.RESOLVED, skip_reason="opgelost in een gesprek")  # fmt: skip
    raw = letters(store, number)["afsluiting"].raw
    message = message_from_bytes(raw, policy=policy.default)
    assert message["Bcc"] is None
    page = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<script>" not in page and "&lt;script&gt;" in page


@pytest.mark.parametrize("preset", preset_names())
def test_every_preset_can_preview_every_letter(store: Store, preset: str) -> None:
    its = office(preset)
    number = register(store, its, at("2026-11-13"))
    for purpose in PURPOSES:
        text, page = cases.preview(store, its, number, purpose, letter_text="omdat")
        assert number in text and number in page
        assert text.startswith("Beste Anna de Wit,")


def test_an_unknown_case_says_where_to_look(store: Store) -> None:
    with pytest.raises(cases.CaseNotFound, match="klachtenbus cases"):
        cases.show(store, office(), "K-2026-9999")


def test_officers_are_warned_by_the_earlier_of_the_legal_term_and_the_own_target(
    store: Store,
) -> None:
    awb = office("awb")
    number = register(store, awb, at("2026-04-02"))
    answer = next(s for s in cases.show(store, awb, number).steps if s.step.role == "answer")
    assert answer.due == date(2026, 5, 18)  # Ascension Day and a decree day move the legal end
    assert answer.target == date(2026, 5, 14)  # the plain six weeks, kept as the own target
    assert answer.warn_by == date(2026, 5, 14)


def test_a_withheld_letter_goes_out_only_when_an_officer_releases_it(store: Store) -> None:
    hss = office("hss")
    number = register(store, hss, at("2026-03-02"), email=None)
    cases.move(store, hss, number, S.CLOSED, actor="Ank", reason="opgelost",
                  closure=Closure.RESOLVED, skip_reason="opgelost in een gesprek")  # fmt: skip
    assert letters(store, number)["afsluiting"].status == "withheld"
    with pytest.raises(KlachtenbusError, match="--aan ADRES"):
        cases.release(store, number, "afsluiting", actor="Ank", reason="adres gevonden")
    for wrong in ("Anna <anna@example.nl>", "anna@example.nl\r\nBcc: x@y.nl", "anna"):
        with pytest.raises(KlachtenbusError, match="geen bruikbaar e-mailadres"):
            cases.release(store, number, "afsluiting", actor="Ank", reason="adres", recipient=wrong)
    cases.release(
        store, number, "afsluiting", actor="Ank", reason="adres via de telefoon",
        recipient="anna@example.nl",
    )  # fmt: skip
    released = letters(store, number)["afsluiting"]
    assert released.status == "pending"
    assert message_from_bytes(released.raw, policy=policy.default)["To"] == "anna@example.nl"
    assert cases.show(store, hss, number).events[-1]["kind"] == "release"
    with pytest.raises(KlachtenbusError, match="niet tegengehouden"):
        cases.release(store, number, "afsluiting", actor="Ank", reason="nog eens")


def test_an_organisation_writes_its_own_letters(store: Store, tmp_path: Path) -> None:
    own = tmp_path / "brieven"
    own.mkdir()
    (own / "afsluiting.txt.j2").write_text("Eigen afsluiting van {{ case_number }}.\n")
    preset = tmp_path / "onze-procedure.toml"
    hss = (PRESETS / "hss.toml").read_text(encoding="utf-8")
    preset.write_text(hss.replace('key = "hss"', 'key = "hss"\nletters = "brieven"'))
    ours = office(str(preset))
    number = register(store, ours, at("2026-03-02"))
    text, page = cases.preview(store, ours, number, "afsluiting")
    assert text == f"Eigen afsluiting van {number}.\n"
    assert "Wij sluiten uw klacht" in page  # the HTML falls back to the shipped letter
    preset.write_text(hss.replace('key = "hss"', 'key = "hss"\nletters = "weg"'))
    with pytest.raises(PresetError, match=r"regel 5: letters = .weg.: die map bestaat niet"):
        office(str(preset))
