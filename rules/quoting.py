"""Split the sender's new text from quoted earlier mail, signatures and disclaimers.

The promise decides every choice here: a complaint sentence dropped as "quote" is the worst
error, a quoted line kept as "new" only costs the rules a false hit. So the split works line by
line and keeps what it cannot place:

- lines quoted with `>` are earlier mail; unquoted lines between and after them are new
  (bottom-posting, interleaved answers);
- a reply header ends the new text only when it is unmistakably a client's: an attribution
  ("Op … schreef …:", wrapped over up to three lines) with an address, or a clock time and a
  year, and no first person ("schreef ik"); a block of header fields holding the sender
  (Outlook, in any order, bold or not); an "original message" separator; GroupWise's ">>>";
- a forward under a cover note of a few words keeps what it passes on, and a header with
  nothing new above it (a forward, a web form) keeps what follows;
- mobile and client footers are single lines naming a device or mail app, dropped one by one;
- when no new text remains (a quote alone), the whole body is the new text.

The languages: Dutch and Flemish, English, German, French, Polish and Turkish, as the clients
write them (tests/quote_cases.py holds a case for each). Measured against six reply-parsing
libraries (docs/benchmarks.md, bench/quote_splitting.py): none keeps text below a quote, knows
Turkish or strips the Dutch, Polish and Turkish phone footers, so the patterns are our own.
HTML mail arrives here as intake's html2text made it: Outlook's divRplyFwdMsg becomes its
"Van:/Verzonden:" lines, Gmail's gmail_quote and Apple's blockquote type=cite become `>` lines.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

# --- attributions: "On <date>, <name> wrote:" in every language and word order -----------------
_ATTRIBUTION_VERB = re.compile(
    r"\b(schreef|schreven|geschreven|wrote|writes|schrieb|geschrieben|a\s+écrit|écrit"
    r"|napisał\(a\)|napisał|napisała|napisana|pisze|yazdı)(?!\w)",
    _I,
)
_CLOCK = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?!\d)")
_YEAR = re.compile(r"(?<!\d)((19|20)\d{2}|\d{1,2}[-./]\d{1,2}[-./]\d{2})(?!\d)")
# Gmail's old attribution has no verb: "2011/4/7 Zorggroep <info@example.nl>:"
_DATE_FIRST = re.compile(r"^\s*\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\b.*@.*>:\s*$")
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# the sender speaking of their own earlier letter: "Op 12 februari schreef ik u …"
_FIRST_PERSON = re.compile(
    r"\b(ik|wij|we|mij|ich|wir|mir|je|j'|nous|ja|my|ben)(?!\w)|yazdı[mk]", _I
)
_FIRST_PERSON_CASED = re.compile(r"\bI\b")  # English "I"; a lower-case "i" is Polish "and"
# GroupWise, common in Flemish public services: ">>> Naam 30-9-2026 15:12 >>>", no `>` below
_GROUPWISE = re.compile(r"^\s*>>>\s*\S.*\d{1,2}:\d{2}.*>>>\s*$")
_EMBEDDED = re.compile(r"\w.*(---|[.!?])\s*(on|op|am|le)\s+\S", _I)
_ENDS_WITH_COLON = re.compile(r":\s*$")
_SENTENCE_END = re.compile(r"[.!?;:]\s*$")

# --- header blocks: From/Sent/To/Subject as Outlook writes them ---------------------------------
_FIELD = re.compile(
    r"^\s*[*_]{0,2}(?P<name>van|from|von|de|od|kimden|gönderen|verzonden|sent|gesendet|envoyé"
    r"|wysłano|gönderilme\s+tarihi|gönderildi|datum|date|tarih|data|aan|to|an|à|a|do|kime|cc"
    r"|bcc|onderwerp|subject|betreff|objet|temat|konu)\s*[*_]{0,2}\s*:\s*[*_]{0,2}(?P<value>.*)$",
    _I,
)
_FIELD_KIND = {
    **dict.fromkeys(("van", "from", "von", "de", "od", "kimden", "gönderen"), "from"),
    **dict.fromkeys(("verzonden", "sent", "gesendet", "envoyé", "wysłano", "gönderildi"), "date"),
    **dict.fromkeys(("datum", "date", "tarih", "data", "gönderilme tarihi"), "date"),
    **dict.fromkeys(("aan", "to", "an", "à", "a", "do", "kime"), "to"),
    **dict.fromkeys(("cc", "bcc"), "cc"),
    **dict.fromkeys(("onderwerp", "subject", "betreff", "objet", "temat", "konu"), "subject"),
}
# a separator line that needs the header block below it to mean anything
_ONCE = frozenset(("from", "date", "subject"))
_RULE_LINE = re.compile(r"^\s*(_{10,}|-{10,}|(\*\s*){3})\s*$")
# a separator that is a reply or forward header by itself
_SEPARATOR = re.compile(
    r"""^\s*(
        -{2,}\s*(original\s+message|oorspronkelijk\s+bericht|origineel\s+bericht
          |ursprüngliche\s+nachricht|original\s+nachricht|message\s+d'origine
          |wiadomość\s+oryginalna|oryginalna\s+wiadomość|özgün\s+ileti|orijinal\s+ileti
          |orijinal\s+mesaj|reply\s+message|antwort\s+nachricht|forwarded\s+message|doorgestuurd\s+bericht
          |weitergeleitete\s+nachricht|message\s+transféré|wiadomość\s+przekazana\s+dalej
          |iletilen\s+ileti|yönlendirilen\s+ileti|yönlendirilmiş\s+ileti|ileti\s+yönlendirildi
          |przekazana\s+wiadomość)\s*-{2,}
      | (begin\s+forwarded\s+message|begin\s+doorgestuurd\s+bericht|doorgestuurd\s+bericht
          |anfang\s+der\s+weitergeleiteten\s+nachricht|début\s+du\s+message\s+réexpédié
          |początek\s+przekazywanej\s+wiadomości|iletilen\s+ileti\s+başlangıcı)\s*:
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)

_FORWARD = re.compile(
    r"forward|doorgestuurd|weitergeleitet|transféré|réexpédié|przekazan|yönlendiril|iletilen", _I
)
_FORWARD_SUBJECT = re.compile(r"^\s*[*_]{0,2}\s*(fwd?|doorst|wg|tr|pd|i̇lt|ilt)\s*:", _I)
_COVER_NOTE_WORDS = 25  # above a forward, a note this short passes on what is below it

# --- footers: one line naming a device or a mail app --------------------------------------------
_DEVICE = (
    r"(iphone|ipad|ipod|android|samsung|galaxy|smartphone|smartfon|telefoon|mobiel|mobile"
    r"|phone|handy|huawei|xiaomi|oneplus|pixel|blackberry|tablet|windows|outlook|gmail|yahoo"
    r"|proton|aol|courrier|poczta|posta|mail|appareil|ios)"
)
_FOOTER = re.compile(
    r"""^\s*(
        (verzonden|verstuurd|gestuurd|sent|envoyé|gesendet|wysłane|wysłano)
          \s+(vanaf|vanuit|van|met|via|from|with|using|de|depuis|à\s+partir\s+de|avec|von|mit|aus
          |z|ze|za\s+pomocą)\s+[^.!?]{0,60}
      | von\s+meine[mr]?\s+[^.!?]{0,50}\s+gesendet
      | [^.!?]{0,60}(dan|den|tan|ten)\s+gönderildi
      | (outlook\s+(voor|for|für|pour)\s+(android|ios)\s+(downloaden|herunterladen)
          |(get|download|obtenir|télécharger)\s+outlook\s+(for|pour)\s+(android|ios)
          |pobierz\s+(aplikację\s+)?outlook\s+(dla\s+systemu\s+)?(android|ios)
          |(android|ios)\s+için\s+outlook'u\s+(edinin|indirin))
    )[.!]?\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_DEVICE_WORD = re.compile(_DEVICE, _I)
_DISCLAIMER = re.compile(
    r"^\s*(dit\s+e-?mail(bericht)?\s+(is\s+)?(uitsluitend|alleen)\s+bestemd|disclaimer\s*:"
    r"|dit\s+(e-?mail)?bericht\b[^.]{0,60}\bis\s+vertrouwelijk"
    r"|this\s+e-?mail\s+(and\s+any\s+attachments\s+)?(is|are)\s+(strictly\s+)?confidential"
    r"|diese\s+e-?mail\s+(enthält|ist)\s+vertrauliche|ce\s+(message|courriel)\s+(et\s+ses\s+"
    r"pièces\s+jointes\s+)?(est|sont)\s+confidentiel)",
    _I,
)
_SIGNATURE_DASHES = re.compile(r"^--\s?$")
_SIGNATURE_LINES = 10  # a "-- " block longer than this is more likely text than a signature

_BLOCK_LINES = 16  # a header block has at most eight fields, each wrapped once
_WRAP = 3  # an attribution wrapped by the client spans at most this many lines


def new_text(text: str) -> str:
    """The part of a body the sender wrote now; the whole body when nothing new is found."""
    if _prose_only(text):
        return text.strip()  # most complaints: four quick searches instead of every line
    lines = text.splitlines()
    keep = _kept(lines)
    result = "\n".join(line for line, kept in zip(lines, keep, strict=True) if kept).strip()
    return result if result else text.strip()


def _kept(lines: list[str]) -> list[bool]:
    """Per line: does it belong to the sender's new text."""
    keep = [True] * len(lines)
    quoted = [line.lstrip().startswith(">") for line in lines]
    colon = [line.rstrip().endswith(":") for line in lines] + [False] * _WRAP
    separators = [
        bool((ends or line.lstrip().startswith("--")) and _SEPARATOR.match(line))
        for line, ends in zip(lines, colon, strict=False)
    ]
    clear = 0  # no new text stands above this line
    i = 0
    while i < len(lines):
        line = lines[i]
        if quoted[i]:
            keep[i] = False
            if _GROUPWISE.match(line) and not _next_is_quoted(lines, quoted, i + 1):
                if _cut(keep, lines, i, i + 1, clear):  # GroupWise quotes without `>`
                    return keep
                clear = i + 1
            i += 1
            continue
        if not line.strip():
            i += 1
            continue
        if not (colon[i] or colon[i + 1] or colon[i + 2] or _maybe_special(line)):
            i += 1
            continue
        end = _attribution_end(lines, i)
        if end is not None:
            # "bla--- On … wrote:": the sender's words before a header a client glued on stay
            start = i + 1 if _EMBEDDED.search(line) else i
            if _next_is_quoted(lines, quoted, end):
                for j in range(start, end):  # the header of a `>` quote; text after it is new
                    keep[j] = False
                i = end
                continue
            if _strong_attribution(lines, i, end):
                if _cut(keep, lines, start, end, clear):
                    return keep
                i = clear = end
                continue
        block = _header_block_end(lines, i)
        separator = block is None and separators[i]
        if separator:
            block = _header_block_end(lines, _next_filled(lines, i + 1))
        if block is not None or separator:
            start = i if separator else _rule_above(lines, i)
            body = block if block is not None else i + 1
            if (
                _is_forward(lines, start, body)
                and _words(lines, keep, clear, start) < _COVER_NOTE_WORDS
            ):
                for j in range(start, body):  # "FYI" above a forward: what it passes on is new
                    keep[j] = False
                i = body
                continue
            if _cut(keep, lines, start, body, clear):
                return keep
            i = clear = body
            continue
        if len(line) <= 80 and _is_footer(line):
            keep[i] = False
        elif _DISCLAIMER.match(line):
            while i < len(lines) and lines[i].strip():
                keep[i] = False
                i += 1
            continue
        elif _SIGNATURE_DASHES.match(line):
            stop = _signature_end(lines, quoted, colon, separators, i)
            if stop - i <= _SIGNATURE_LINES:
                for j in range(i, stop):
                    keep[j] = False
                i = stop
                continue
        i += 1
    return keep


# cheap tests first: a line of prose with none of these is the sender's, whatever follows
_SPECIAL_FIRST = frozenset("-_*<")
_SPECIAL_WORDS = frozenset(
    re.split(
        r"\s+",
        "verzonden verstuurd gestuurd sent envoyé gesendet wysłane wysłano von outlook get download "
        "obtenir télécharger pobierz android ios dit disclaimer this diese ce begin anfang début "
        "początek iletilen doorgestuurd",
    )
)


# the words a footer, a disclaimer or a forward header starts with or holds, lower-cased: a
# body without any of them (and without colons or marks at line starts) is prose alone
_TELLING = (
    "verzonden", "verstuurd", "gestuurd", "sent ", "envoy", "gesendet", "wysłan", "von mein",
    "outlook", "gönderildi", "disclaimer", "bestemd", "confidential", "vertraulich",
    "confidentiel", "vertrouwelijk", "forward", "doorgestuurd", "begin ", "anfang der",
    "début du", "początek", "iletilen",
)  # fmt: skip
_MARK_AT_START = re.compile(r"\n[^\S\n]*[-_*<>]")


def _prose_only(text: str) -> bool:
    """No line of the body could be a quote, a header, a footer or a disclaimer.

    Superset of what _maybe_special and the colon test let through, in a few scans of the
    whole body that run in C: most complaints need nothing more.
    """
    lined = "\n" + "\n".join(text.splitlines())  # every line end as str.splitlines sees it
    if _MARK_AT_START.search(lined):
        return False
    at = lined.find(":")
    while at != -1:
        line_start = lined.rfind("\n", 0, at) + 1
        line_end = lined.find("\n", at)
        if (
            at - line_start <= 60
            or not lined[at + 1 : line_end if line_end != -1 else None].strip()
        ):
            return False
        at = lined.find(":", at + 1)
    lowered = lined.lower()
    return not any(word in lowered for word in _TELLING)


def _maybe_special(line: str) -> bool:
    """Could this line start a header block, a separator, a footer or a disclaimer."""
    stripped = line.strip()
    if stripped[0] in _SPECIAL_FIRST or ":" in stripped[:40]:
        return True
    first = stripped.split(None, 1)[0].lower().strip("*_")
    return first in _SPECIAL_WORDS or "gönderildi" in stripped


def _cut(keep: list[bool], lines: list[str], start: int, body: int, clear: int) -> bool:
    """Everything from `start` on is earlier mail (True), unless nothing new stands above it.

    Then the header (lines start..body) opens a forward or a form the sender fills in: the
    text below it is what they pass on, so only the header goes and reading goes on (False).
    """
    if any(keep[j] and lines[j].strip() for j in range(clear, start)):
        for j in range(start, len(lines)):
            keep[j] = False
        return True
    for j in range(start, body):
        keep[j] = False
    return False


def _is_forward(lines: list[str], start: int, body: int) -> bool:
    """A forward header: "Doorgestuurd bericht" or Outlook's block with "Onderwerp: FW: …"."""
    for line in lines[start:body]:
        field = _FIELD.match(line)
        if field is None:
            if _FORWARD.search(line):
                return True
        elif _FIELD_KIND[_field_name(field)] == "subject":
            return _FORWARD_SUBJECT.match(field.group("value")) is not None
    return False


def _words(lines: list[str], keep: list[bool], clear: int, stop: int) -> int:
    """Words of new text above line `stop`; none stands above `clear`."""
    return sum(len(lines[j].split()) for j in range(clear, stop) if keep[j])


def _attribution_end(lines: list[str], i: int) -> int | None:
    """The line after an attribution starting at line i, or None when none starts there."""
    if not any(line.rstrip().endswith(":") for line in lines[i : i + _WRAP]):
        return None  # the cheap test that lets almost every line of prose pass at once
    first = lines[i]
    if ":" not in first and _SENTENCE_END.search(first):
        return None
    for span in range(1, _WRAP + 1):
        if i + span > len(lines):
            return None
        last = lines[i + span - 1]
        if span > 1 and (not last.strip() or last.lstrip().startswith(">")):
            return None
        if not _ENDS_WITH_COLON.search(last):
            if span > 1 and _SENTENCE_END.search(last):
                return None
            continue
        candidate = " ".join(line.strip() for line in lines[i : i + span])
        if len(candidate) > 300 or not (
            _ATTRIBUTION_VERB.search(candidate) or _DATE_FIRST.match(candidate)
        ):
            return None
        if _first_person(candidate):
            return None
        if span > 1 and _starts_lower(lines, i + 1):
            return None  # the attribution starts lower; line i is the sender's own
        return i + span
    return None


def _starts_lower(lines: list[str], i: int) -> bool:
    """An attribution with its date starts at line i: the line above is not part of it."""
    end = _attribution_end(lines, i)
    return end is not None and any(c.isdigit() for c in _ADDRESS.sub("", " ".join(lines[i:end])))


def _first_person(candidate: str) -> bool:
    """An attribution never speaks as "I": "Op 12 februari schreef ik u" is the sender's own."""
    words = _ADDRESS.sub(" ", candidate)
    return bool(_FIRST_PERSON.search(words) or _FIRST_PERSON_CASED.search(words))


def _strong_attribution(lines: list[str], start: int, end: int) -> bool:
    """An attribution with an address, or a clock time and a year: a client wrote it.

    "Op 12 maart om 10:30 schreef uw medewerker:" followed by the sender's account is theirs.
    """
    candidate = " ".join(lines[start:end])
    if _ADDRESS.search(candidate):
        return True
    return bool(_CLOCK.search(candidate) and _YEAR.search(candidate))


def _next_is_quoted(lines: list[str], quoted: list[bool], end: int) -> bool:
    j = _next_filled(lines, end)
    return j < len(lines) and quoted[j]


def _next_filled(lines: list[str], j: int) -> int:
    while j < len(lines) and not lines[j].strip():
        j += 1
    return j


def _header_block_end(lines: list[str], i: int) -> int | None:
    """The line after a block of header fields starting at line i, or None.

    A block holds the sender and at least two other kinds of field (date, recipient, copy,
    subject), in any order, bold or not, a long value wrapped onto one more line; or just the
    sender with the subject, or the sender with an address and the date with a clock time.
    """
    if i >= len(lines) or ":" not in lines[i][:40]:
        return None
    kinds: set[str] = set()
    j = i
    loose = 0
    while j < min(len(lines), i + _BLOCK_LINES):
        found = _FIELD.match(lines[j])
        if found:
            kind = _FIELD_KIND[_field_name(found)]
            if kind in kinds and kind in _ONCE:
                break  # a second sender or subject: the next block, or no block at all
            kinds.add(kind)
            loose = 0
            if len(kinds) >= 3 and "from" not in kinds:
                return None  # the sender comes first or second in every client's block
        elif lines[j].strip() and kinds and loose == 0 and len(lines[j]) < 120:
            loose = 1  # a wrapped value: "<klantenservice@example.nl>" on its own line
        else:
            break
        j += 1
        if not kinds:
            return None
    end = j - loose
    if "from" not in kinds:
        return None
    if len(kinds) >= 3:
        return end
    if kinds == {"from", "subject"}:
        return end  # a short header as portals and auto-replies quote it
    block = "\n".join(lines[i:end])
    if kinds == {"from", "date"} and _CLOCK.search(block) and _ADDRESS.search(block):
        return end  # a short Outlook header: "Van: … <adres>" and "Verzonden: … 08:51"
    return None


def _field_name(found: re.Match[str]) -> str:
    return " ".join(found.group("name").lower().split())


def _rule_above(lines: list[str], i: int) -> int:
    """Start a header block at the rule or separator line just above it, if there is one."""
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    if j >= 0 and (_RULE_LINE.match(lines[j]) or _SEPARATOR.match(lines[j])):
        return j
    return i


def _is_footer(line: str) -> bool:
    stripped = line.strip()
    return (
        len(stripped) <= 80
        and _FOOTER.match(stripped) is not None
        and _DEVICE_WORD.search(stripped) is not None
    )


def _signature_end(
    lines: list[str], quoted: list[bool], colon: list[bool], separators: list[bool], i: int
) -> int:
    """Where a "-- " signature stops: at the next quote or reply header, or the end."""
    j = i + 1
    last = min(len(lines), i + _SIGNATURE_LINES + 2)  # a longer one is kept whole anyway
    while j < last:
        if quoted[j] or separators[j]:
            break
        if (colon[j] or colon[j + 1] or colon[j + 2]) and _attribution_end(lines, j) is not None:
            break
        j += 1
    while j > i + 1 and not lines[j - 1].strip():
        j -= 1
    return j
