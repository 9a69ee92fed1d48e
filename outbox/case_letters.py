"""The letters of a case after its acknowledgement, one template pair (text, HTML) each.

A preset may ship its own version of any letter in `templates/<preset key>/`; the shared
version is used otherwise. The bevindingen letter is a frame: the officer completes it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from klachtenbus.errors import KlachtenbusError
from outbox.letters import (
    Envelope,
    RenderedLetter,
    compose,
    header_text,
    one_line,
    templates,
    to_complainant,
)

PURPOSES = {
    "ontvankelijkheid": "Ontvankelijkheid van uw klacht",
    "verdaging": "Meer tijd nodig voor uw klacht",
    "bevindingen": "Onze bevindingen over uw klacht",
    "afsluiting": "Afsluiting van uw klacht",
    "nazorg": "Hoe kijkt u terug op de afhandeling van uw klacht?",
}
TO_COMPLETE = "[VUL IN"  # the frame's blanks; a letter with one left is not sent


class UnknownLetter(KlachtenbusError):
    """No template by that name."""


class LetterNotComplete(KlachtenbusError):
    """The officer's letter still has blanks of the frame in it."""


@dataclass(frozen=True)
class CaseFacts:
    """What a case letter may state. Fields a letter does not use stay empty."""

    case_number: str
    complainant_name: str
    subject: str
    received_on: date
    answer_by: date
    procedure_title: str
    external_route: str
    organisation_name: str
    organisation_address: str
    admissible: bool = True
    reason: str = ""
    previous_answer_by: date | None = None
    extension_basis: str = ""
    closure: str = ""  # a Closure value
    outcome: str = ""  # an Outcome value
    measures: str = ""
    findings: str = ""  # the officer's own words


def render_text(
    purpose: str, facts: CaseFacts, *, preset: str = "", own: Path | None = None
) -> tuple[str, str]:
    """The letter's plain text and HTML, as a preview or before sending."""
    if purpose not in PURPOSES:
        raise UnknownLetter(
            f"Er is geen brief '{purpose}'. Kies uit: ontvangstbevestiging, {', '.join(PURPOSES)}."
        )
    context = vars(facts) | {"subject": one_line(facts.subject)}
    names = [f"{preset}/{purpose}" if preset else "", purpose]
    env = templates(own)
    text = env.select_template([f"{n}.txt.j2" for n in names if n]).render(context)
    page = env.select_template([f"{n}.html.j2" for n in names if n]).render(context)
    return text, page


def case_letter(
    purpose: str,
    facts: CaseFacts,
    envelope: Envelope,
    *,
    sent_at: datetime,
    preset: str = "",
    own: Path | None = None,
    officer_text: str | None = None,
) -> RenderedLetter:
    """A letter of the case, threaded onto the complaint. Written for an officer's decision,
    so not marked as an automatic reply; replies come back to the complaints mailbox."""
    if officer_text is not None:
        if TO_COMPLETE in officer_text:
            raise LetterNotComplete(
                f"De brief '{purpose}' voor {facts.case_number} heeft nog open plekken "
                f"({TO_COMPLETE} ...]). Vul ze in en probeer opnieuw."
            )
        text = officer_text
        page = "".join(
            f"<p>{html.escape(block).replace(chr(10), '<br>')}</p>\n"
            for block in officer_text.strip().split("\n\n")
        )
        page = f'<!DOCTYPE html>\n<html lang="nl">\n<body>\n{page}</body>\n</html>\n'
    else:
        text, page = render_text(purpose, facts, preset=preset, own=own)
        if TO_COMPLETE in text:
            raise LetterNotComplete(
                f"De brief '{purpose}' is een kader dat u eerst invult: "
                f"klachtenbus letter preview {purpose} --zaak {facts.case_number} > brief.txt, "
                "vul de open plekken in en geef het bestand mee met --brief brief.txt."
            )
    subject = header_text(f"{PURPOSES[purpose]} {facts.case_number}", 250)
    message_id, headers = to_complainant(envelope, subject, sent_at, facts.case_number)
    return RenderedLetter(message_id=message_id, raw=compose(headers, text, page))
