"""`klachtenbus evaluate` gives its figures per kind of hard case as well (issue 12): which
kind a corpus message is follows from the message itself, so a new corpus part needs no
extra labels."""

from __future__ import annotations

import pytest

from casework.evaluation import hard_cases
from classify import LabelledMessage
from klachtenbus.vocabulary import Flag, Kind
from office.detection import as_message
from rules import judge, load_rules

RULES = load_rules()
LETTER = "Geachte heer, mevrouw, " + "ik schrijf u over de begeleiding van mijn zoon. " * 4


def kinds(subject: str, body: str, kind: Kind = Kind.COMPLAINT, **extra: object) -> set[str]:
    entry = LabelledMessage(id="x", kind=kind, subject=subject, body=body, **extra)  # type: ignore[arg-type]
    return set(hard_cases(entry, judge(as_message(entry), RULES)))


@pytest.mark.parametrize(
    ("subject", "body", "expected"),
    [
        ("Klacht", "Zie bijlage.", {"bijlage", "heel kort"}),
        (
            "Fwd: klacht van een cliënt",
            LETTER + "\n---------- Doorgestuurd bericht ---------\n",
            {"doorgestuurd"},
        ),
        ("Re: uw brief", LETTER, {"draad"}),
        (
            "Over de begeleiding",
            LETTER + "\n\nOp 3 maart schreef Klachtenbus:\n> Geachte heer",
            {"draad"},
        ),
        ("Over de begeleiding", LETTER + " En verder. " * 400, {"heel lang"}),
        ("Over de begeleiding", LETTER, set()),
    ],
)
def test_a_message_is_the_hard_case_it_looks_like(
    subject: str, body: str, expected: set[str]
) -> None:
    assert kinds(subject, body) == expected


def test_a_meldcode_signal_is_a_hard_case_of_its_own() -> None:
    assert "meldcode" in kinds("Zorgen", LETTER, flags=frozenset({Flag.MELDCODE}))


def test_machine_mail_without_headers_and_a_person_writing_like_a_machine_look_alike() -> None:
    absent = "Ik ben tot en met 30 november afwezig en lees mijn e-mail niet. " * 3
    assert "lijkt automatisch" in kinds("Afwezig", absent, kind=Kind.OTHER)
    headers = {"Auto-Submitted": "auto-replied"}
    assert "lijkt automatisch" not in kinds("Afwezig", absent, kind=Kind.OTHER, headers=headers)
