"""No message a person wrote is filed away out of every officer's sight: `other` only on
machine evidence, named as the reason; a complaint marker no rule explains away never makes a
remark on the model's word alone; a text the model was not trained for reaches an officer."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import classify
import intake
from classify import Thresholds, decide
from klachtenbus.vocabulary import Kind
from office.detection import Detection
from rules import load_rules
from tests.builders import mail

NOW = datetime(2026, 11, 23, tzinfo=UTC)
MACHINE_LIKE = {Kind.OTHER: 0.7, Kind.REMARK: 0.25, Kind.COMPLAINT: 0.05}
REMARK_LIKE = {Kind.OTHER: 0.05, Kind.REMARK: 0.9, Kind.COMPLAINT: 0.05}


def decided(probabilities: dict[Kind, float], **kwargs: object) -> classify.Decision:
    arguments: dict[str, object] = {
        "machine_reasons": (),
        "machine_by_header": False,
        "hss_marker_count": 0,
        "flags": frozenset(),
        "rule_reasons": (),
    }
    arguments.update(kwargs)
    return decide(probabilities, **arguments)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def detection(trained_model: tuple[Path, str]) -> Detection:
    return Detection(load_rules(), classify.load(*trained_model), Thresholds())


def test_the_model_alone_never_files_a_message_as_machine_mail() -> None:
    decision = decided(MACHINE_LIKE)
    assert decision.kind is Kind.UNCERTAIN
    assert any("geen kopregel" in r for r in decision.reasons)


def test_machine_mail_is_other_with_its_evidence_as_the_reason() -> None:
    reason = "Kopregel Auto-Submitted: auto-replied (RFC 3834)."
    decision = decided(MACHINE_LIKE, machine_reasons=(reason,), machine_by_header=True,
                       rule_reasons=(reason,))  # fmt: skip
    assert decision.kind is Kind.OTHER and decision.reasons[0] == reason


def test_a_complaint_marker_is_never_a_remark_on_the_models_word() -> None:
    assert decided(REMARK_LIKE, hss_marker_count=1).kind is Kind.UNCERTAIN


def test_a_marker_explained_away_gives_a_remark_with_the_explanation() -> None:
    explanation = "Een zin als 'dit is geen klacht' zonder verwijt is geen klacht."
    decision = decided(REMARK_LIKE, explained_away=(explanation,))
    assert decision.kind is Kind.REMARK
    assert f"Geen klacht volgens de regels: {explanation}" in decision.reasons


def test_words_the_model_does_not_know_go_to_an_officer() -> None:
    decision = decided(REMARK_LIKE, known_words=0.1)
    assert decision.kind is Kind.UNCERTAIN
    assert any("10%" in r for r in decision.reasons)
    assert decided(REMARK_LIKE, known_words=0.9).kind is Kind.REMARK


def test_a_language_the_model_was_not_trained_for_goes_to_an_officer() -> None:
    """The hook for a language detector: `language_known=False` is never a remark."""
    assert decided(REMARK_LIKE, language_known=False).kind is Kind.UNCERTAIN
    assert decided(REMARK_LIKE, language_known=True).kind is Kind.REMARK


def test_a_remark_the_model_is_unsure_of_goes_to_an_officer() -> None:
    unsure = {Kind.OTHER: 0.3, Kind.REMARK: 0.45, Kind.COMPLAINT: 0.2}
    assert decided(unsure).kind is Kind.UNCERTAIN


@pytest.mark.parametrize(
    "body",
    [
        "Dzień dobry, chciałabym złożyć skargę na opiekunkę mojego syna. Nikt do mnie nie "
        "oddzwonił od trzech tygodni i jestem bardzo niezadowolona.",
        "Buenos días, quiero presentar una queja sobre la atención que recibió mi madre. "
        "Nadie nos llamó y la cuidadora fue muy grosera.",
        "Добрий день, я хочу поскаржитися на працівницю, яка була дуже грубою зі мною. Ніхто "
        "мені не передзвонив.",
    ],
)
def test_a_complaint_in_an_untrained_language_reaches_an_officer(
    detection: Detection, body: str
) -> None:
    """The model calls these remarks with high confidence: it has never seen their words."""
    decision = detection.decide(intake.parse(mail("Zorg", body), received_at=NOW))
    assert decision.kind is Kind.UNCERTAIN
    assert any("van de woorden" in r for r in decision.reasons)


def test_an_ordinary_dutch_question_is_still_a_remark(detection: Detection) -> None:
    body = (
        "Hallo,\n\nIs het inloopspreekuur volgende week dinsdag gewoon open? Ik wil graag hulp "
        "bij het invullen van een formulier.\n\nAlvast bedankt!"
    )
    decision = detection.decide(intake.parse(mail("Vraag", body), received_at=NOW))
    assert decision.kind is Kind.REMARK


@pytest.mark.parametrize(
    ("subject", "body", "because"),
    [
        (
            "Factuur",
            "Goedemiddag,\n\nIk heb bezwaar tegen de administratiekosten van 25 euro op mijn "
            "factuur van oktober. Kunt u die kosten kwijtschelden?\n\nMet vriendelijke groet,\nHenk",
            "administratiekosten alleen",
        ),
        (
            "Vraag",
            "Dit is geen klacht hoor, maar kunt u de volgende keer iets eerder laten weten dat "
            "de les vervalt? Groetjes, Mieke",
            "geen klacht is",
        ),
    ],
)
def test_a_marker_a_rule_explains_away_is_a_remark_that_says_why(
    detection: Detection, subject: str, body: str, because: str
) -> None:
    decision = detection.decide(intake.parse(mail(subject, body), received_at=NOW))
    assert decision.kind is Kind.REMARK
    [reason] = [r for r in decision.reasons if r.startswith("Geen klacht volgens de regels")]
    assert because in reason
