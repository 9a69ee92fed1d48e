"""Split the sender's new text from quoted earlier mail, signatures and disclaimers."""

from __future__ import annotations

import re

# A line that starts the quoted part of a reply, as Dutch, Flemish, English, German and
# French clients write it. Everything from that line on is the earlier conversation.
_QUOTE_HEADERS = re.compile(
    r"""^\s*(
        (op|on|am|le)\s.{3,120}(schreef|wrote|schrieb|a\s+écrit)\s*.{0,120}:\s*$
      | -{2,}\s*(oorspronkelijk\s+bericht|original\s+message|ursprüngliche\s+nachricht|message\s+d'origine|doorgestuurd\s+bericht|forwarded\s+message)\s*-{2,}
      | (van|from|von|de)\s*:\s.+\n\s*(verzonden|sent|gesendet|envoyé|datum|date|aan|to|an|à|onderwerp|subject|betreff|objet)\s*:
      | _{20,}\s*$
    )""",
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)
_SIGNATURE = re.compile(
    r"""^\s*(
        --\s*$
      | (verzonden|verstuurd)\s+(vanaf|met|via)\s+(mijn\s+)?.{0,40}$
      | sent\s+from\s+my\s+.{0,40}$
      | von\s+meinem\s+.{0,40}\s+gesendet\s*$
      | envoyé\s+de\s+mon\s+.{0,40}$
      | (dit\s+e-?mail(bericht)?\s+is\s+(uitsluitend|alleen)\s+bestemd|disclaimer\s*:|this\s+e-?mail\s+(and\s+any\s+attachments\s+)?(is|are)\s+confidential)
    )""",
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)


def new_text(text: str) -> str:
    """The part of a body the sender wrote now; the whole body when no split point is found."""
    cut = len(text)
    for pattern in (_QUOTE_HEADERS, _SIGNATURE):
        found = pattern.search(text)
        if found and found.start() < cut:
            cut = found.start()
    lines = [line for line in text[:cut].splitlines() if not line.lstrip().startswith(">")]
    result = "\n".join(lines).strip()
    if result:
        return result
    # Nothing above the quote: a bottom-posted reply. Keep the unquoted lines after it.
    header = _QUOTE_HEADERS.search(text)
    if header is not None and header.start() == cut:
        below = text[header.end() :]
        signature = _SIGNATURE.search(below)
        below = below[: signature.start()] if signature else below
        lines = [line for line in below.splitlines() if not line.lstrip().startswith(">")]
        result = "\n".join(lines).strip()
    return result if result else text.strip()
