"""The registration fields officers fill in (KiKa's list, ONS welzijn's registratieformulier,
the Flemish guide's elements), as a form speaks them: Dutch names, text in, checked values out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from casework.cases import Result, edit, satisfaction
from klachtenbus.errors import KlachtenbusError
from klachtenbus.vocabulary import Outcome
from storage import Store


class FieldInvalid(KlachtenbusError):
    """A value a field does not take; the message names the values it does take."""

    def __init__(self, word: str, message: str) -> None:
        self.word = word
        super().__init__(message)


@dataclass(frozen=True)
class Field:
    """One registration field: its column, its name in forms and URLs, its label, its kind."""

    name: str
    word: str
    label: str
    kind: str = "text"  # text, textarea, outcome, satisfied


FIELDS = (
    Field("category", "categorie", "Categorie"),
    Field("team", "team", "Team of afdeling"),
    Field("municipality", "gemeente", "Gemeente"),
    Field("actions_taken", "acties", "Ondernomen acties", "textarea"),
    Field("outcome", "oordeel", "Oordeel", "outcome"),
    Field("measures", "maatregelen", "Maatregelen", "textarea"),
    Field("improvements", "verbeteracties", "Verbeteracties", "textarea"),
    Field("satisfied", "tevreden", "Klager tevreden", "satisfied"),
    Field("referred_to", "extern", "Extern verwezen naar"),
    Field("complainant_address", "postadres", "Postadres van de klager", "textarea"),
)
SATISFIED_WORDS = {True: "ja", False: "nee", None: "onbekend"}


def words_of(case: Any) -> dict[str, str]:
    """A case's registration as the form shows it."""
    shown = {}
    for f in FIELDS:
        value = getattr(case, f.name)
        shown[f.word] = SATISFIED_WORDS[value] if f.kind == "satisfied" else (value or "")
    return shown


def changes_from_words(words: dict[str, str]) -> dict[str, Any]:
    """Checked values from a form; a field the form did not send is left alone."""
    changes: dict[str, Any] = {}
    for f in FIELDS:
        if f.word not in words:
            continue
        text = words[f.word].strip()
        if f.kind == "satisfied":
            try:
                changes[f.name] = satisfaction(text)
            except KlachtenbusError as exc:
                raise FieldInvalid(f.word, str(exc)) from None
        elif f.kind == "outcome":
            if text and text not in set(Outcome):
                choices = ", ".join(Outcome)
                raise FieldInvalid(f.word, f"Oordeel '{text}' bestaat niet; kies uit {choices}.")
            changes[f.name] = text or None
        else:
            changes[f.name] = text or None
    return changes


def edit_from_words(
    store: Store, number: str, words: dict[str, str], *, actor: str, now: datetime | None = None
) -> Result:
    """Fill in the registration from a form; only what changed is recorded (before and after)."""
    return edit(store, number, changes_from_words(words), actor=actor, now=now)


def changed_labels(result_fields: list[str]) -> str:
    """'categorie, team' for a notice after saving."""
    labels = {f.name: f.label.lower() for f in FIELDS}
    return ", ".join(labels.get(name, name) for name in result_fields)
