"""Address headers: split into mailboxes first, decode the display names after.

Decoding RFC 2047 words before splitting lets a display name become an address: the name
`=?iso-8859-1?q?Fran=E7ois_=3Cfrancois@old.example=3E?=` decodes to `François
<francois@old.example>`. So the email package's header registry splits the raw value, and only
an addr-spec the sender wrote as one is ever used; it must look like a real mailbox.
"""

from __future__ import annotations

import email.charset
import email.header
import email.headerregistry
import email.policy
import email.utils
import functools
import re

from klachtenbus.mail import Address

# A run of what may not stand in a header line: controls (C0, DEL, C1), Unicode line breaks
# and other whitespace.
_UNPRINTABLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # a byte no charset could decode
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[bBqQ]\?[^?\s]*\?=")
_ENCODED_RUN = re.compile(rf"{_ENCODED_WORD.pattern}(?:\s+{_ENCODED_WORD.pattern})*")
# The local part of a mailbox as SMTP can deliver it: no whitespace, controls or specials
# (a quoted local part is refused too); non-ASCII is allowed (SMTPUTF8).
_LOCAL_PART = re.compile(r"[^\s\x00-\x1f\x7f-\x9f\ud800-\udfff()<>\[\]:;@\\,\"]+")
# A domain on the internet: at least two labels of letters, digits, '-' or '_'.
_DOMAIN = re.compile(r"[\w-]+(?:\.[\w-]+)+")
MAX_ADDRESS = 254  # RFC 5321's 256-octet path less the angle brackets
MAX_LOCAL_PART = 64  # RFC 5321 section 4.5.3.1.1
MAX_NAME = 300  # characters of a display name kept: a name, not a payload (and storage's width)
MAX_CACHED = 300  # longer header values are parsed each time, not remembered


def addresses(name: str, values: list[object]) -> list[Address]:
    """Every mailbox in these values of one address header (From, Reply-To, To, Cc), in order.

    A mailbox whose addr-spec is not plausible keeps its name with email "": nothing is sent
    to it, and nothing found in a display name takes its place. Never raises.
    """
    found: list[Address] = []
    for value in values:
        text = _undecoded(value)
        found += (_usual if len(text) <= MAX_CACHED else _mailboxes)(name.lower(), text)
    return found


def plausible_mailbox(address: str) -> bool:
    """Whether an addr-spec looks like a mailbox a letter can go to (not whether it exists)."""
    local, at, domain = address.rpartition("@")
    return (
        bool(at)
        and len(address) <= MAX_ADDRESS
        and len(local) <= MAX_LOCAL_PART
        and _LOCAL_PART.fullmatch(local) is not None
        and _DOMAIN.fullmatch(domain) is not None
    )


def mailbox_key(address: str) -> str:
    """The mailbox an address delivers to: lower case, without a `+tag` in the local part."""
    local, at, domain = address.strip().lower().rpartition("@")
    if not at:
        return domain
    return f"{local.split('+', 1)[0]}@{domain}"


def same_mailbox(one: str, other: str) -> bool:
    """Whether two addresses reach the same mailbox (`Klachten+x@Org.nl` is `klachten@org.nl`)."""
    return bool(one.strip() and other.strip()) and mailbox_key(one) == mailbox_key(other)


def display_name(text: str) -> str:
    """A decoded name made safe for a header line: every control or line break one space,
    at most `MAX_NAME` characters."""
    return _UNPRINTABLE.sub(" ", _SURROGATE.sub("\ufffd", text)).strip()[:MAX_NAME].rstrip()


def _undecoded(value: object) -> str:
    """The header as the sender wrote it, unfolded: encoded words still encoded, raw 8-bit
    bytes read as UTF-8 (else cp1252).

    compat32 gives a header with 8-bit bytes as an `email.header.Header` of unknown-8bit
    chunks, or a str with surrogate escapes; either way the bytes are got back unchanged.
    """
    try:
        chunks = email.header.decode_header(value) if isinstance(value, email.header.Header) else []
    except Exception:  # a Header built by hand in a charset its text does not fit
        chunks = []
    if chunks:
        raw = b"".join(
            chunk if isinstance(chunk, bytes) else chunk.encode("utf-8", "surrogateescape")
            for chunk, _charset in chunks
        )
    else:
        raw = str(value).encode("utf-8", "surrogateescape")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    return re.sub(r"[\r\n]", "", text)  # unfold, as the email package itself does


def _mailboxes(name: str, value: str) -> tuple[Address, ...]:
    """One header value's mailboxes: the header registry, else the older `getaddresses`."""
    value = _name_with_comma(value)
    try:
        header = _header_class(name)(name, _ENCODED_RUN.sub(_one_word, value))
        pairs = [(a.display_name, a.username, a.domain) for a in header.addresses]
        defective = bool(header.defects)
    except Exception:  # the registry raises on some broken values (a lone '"', 'a@')
        pairs = []
        for text, addr in email.utils.getaddresses([value]):
            local, _at, domain = addr.rpartition("@")
            pairs.append((_decoded(text), local, domain))
        defective = True
    written = _ENCODED_WORD.sub(" ", value).lower()
    bracketed = re.sub(r"\s", "", written)
    found = []
    for text, local, domain in pairs:
        addr = f"{local}@{domain}".lower()
        label = display_name(text or _comment_name(value, addr))
        # An addr-spec is taken only as the sender wrote it, outside any encoded word (the
        # registry would decode `=?utf-8?q?x?=@example.nl`). In a header the parsers had to
        # guess at (`alice@example.com <bob@example.com>` gives alice), only one written in
        # angle brackets is.
        trusted = addr in written and (
            not defective
            or f"<{addr}>" in bracketed
            or "<" not in bracketed
            or re.search(rf"(?:^|,)\s*{re.escape(addr)}\s*(?:,|$)", written) is not None
        )
        if not (trusted and plausible_mailbox(addr)):
            addr = ""
        if label or addr:
            found.append(Address(name=label, email=addr))
    return tuple(found)


_ONE_MAILBOX = re.compile(r"\s*([^\"<>@]*,[^\"<>@]*?)\s*(<[^<>]*@[^<>]*>)\s*")


def _name_with_comma(value: str) -> str:
    """`Öztürk, Ayşe <ayse@example.nl>` is one person, whose mail program did not quote her
    name: read unquoted, the comma would split it into a name without an address and
    `Ayşe <ayse@example.nl>`. One angle address, no quotes, no other `@`: the name is
    quoted."""
    found = _ONE_MAILBOX.fullmatch(value)
    if not found or not found.group(1).strip(" ,"):
        return value
    name = found.group(1).strip().replace("\\", "\\\\")
    return f'"{name}" {found.group(2)}'


# A mailbox's To: is mostly the same few values, and the registry takes some 0.1 ms a header.
_usual = functools.lru_cache(maxsize=1024)(_mailboxes)


@functools.cache
def _header_class(name: str) -> type[email.headerregistry.AddressHeader]:
    """The registry's class for an address header, made once: making it costs a parse."""
    return email.policy.default.header_factory[name]


def _comment_name(value: str, addr: str) -> str:
    """The name in an old-style `jan@example.nl (Jan de Vries)`, which the registry drops."""
    if "(" not in value:
        return ""
    for text, found in email.utils.getaddresses([value]):
        if found.lower() == addr.lower():
            return _decoded(text)
    return ""


def _one_word(run: re.Match[str]) -> str:
    """A run of encoded words as one encoded word, without the controls it decodes to.

    The same text in the same place, so the split does not change; but the registry puts a
    space between adjacent encoded words of a name (RFC 2047 says to drop it), and refuses a
    name with CR or LF in it (`Jan\\r\\nBcc: x@y`), leaving the header to the weaker fallback.
    """
    text = _decoded(run.group())
    if _ENCODED_WORD.fullmatch(run.group()) and not _CONTROL.search(text):
        return run.group()
    return email.charset.Charset("utf-8").header_encode(_CONTROL.sub(" ", text))


def _decoded(text: str) -> str:
    """Text with its encoded words decoded, charset errors and all; never raises."""
    try:
        chunks = email.header.decode_header(text)
    except Exception:
        return text
    out = []
    for chunk, charset in chunks:
        if isinstance(chunk, str):
            out.append(chunk)
        elif charset is None:  # text between encoded words, as decode_header hands it back
            out.append(chunk.decode("raw-unicode-escape", errors="replace"))
        else:
            out.append(_text(chunk, charset))
    return "".join(out)


def _text(data: bytes, charset: str) -> str:
    for candidate in (charset, "utf-8"):
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")
