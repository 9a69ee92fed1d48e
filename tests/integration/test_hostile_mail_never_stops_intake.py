"""Generated hostile mail (broken encodings, NUL characters, huge and crafted headers) never
stops intake, on SQLite and on PostgreSQL: every message is kept raw and recorded."""

from __future__ import annotations

import base64
import quopri
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import bootstrap
from storage import Case, Letter, StoredMessage, records
from tests.builders import ORGANISATION
from tests.conftest import prepare_database, settings_for
from tests.pipeline_helpers import pipeline_for

CHARSETS = ["utf-8", "iso-8859-1", "windows-1252", "koi8-r", "utf-7", "x-unknown", "gb2312", ""]
WORDS = ["klacht", "Jan <jan@example.nl>", ",", "<", ">", "\r\n", "\x00", "Bcc: x@y", "@", '"']

nasty_text = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(WORDS) | st.text(max_size=10), max_size=30).map("".join),
    st.integers(300, 12_000).map(lambda n: "x" * n),
)


@st.composite
def encoded_word(draw: st.DrawFn) -> bytes:
    """An RFC 2047 word, well or badly formed, whose text may hold anything."""
    charset = draw(st.sampled_from(CHARSETS))
    try:
        text = draw(nasty_text).encode(charset or "utf-8", "replace")
    except LookupError:  # a charset no one knows: its bytes are whatever the sender sent
        text = draw(st.binary(max_size=60))
    if draw(st.booleans()):
        payload = base64.b64encode(text).decode()
        if draw(st.booleans()):
            payload = payload[: draw(st.integers(0, len(payload)))]  # truncated base64
        return f"=?{charset}?b?{payload}?=".encode()
    return f"=?{charset}?q?".encode() + quopri.encodestring(text, header=True) + b"?="


header_value = st.one_of(
    nasty_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(max_size=300),
    st.lists(encoded_word(), min_size=1, max_size=4).map(b" ".join),
    st.tuples(encoded_word(), nasty_text).map(lambda p: p[0] + f" <{p[1][:80]}>".encode()),
)


@st.composite
def hostile_message(draw: st.DrawFn) -> bytes:
    """A message whose every part may be wrong, with complaint words in its body now and then."""
    headers = [
        b"From: " + draw(header_value),
        b"To: " + draw(st.sampled_from([ORGANISATION.encode(), b""])) + draw(header_value),
        b"Subject: " + draw(header_value),
    ]
    if draw(st.booleans()):
        headers.append(b"Reply-To: " + draw(header_value))
    if draw(st.booleans()):
        headers.append(b"Message-ID: " + draw(header_value))
    if draw(st.booleans()):
        refs = draw(st.integers(1, 3_000))
        headers.append(b"References: " + b" ".join(b"<r%d@x>" % i for i in range(refs)))
    if draw(st.booleans()):
        headers.append(b"Date: " + draw(header_value))
    charset = draw(st.sampled_from(CHARSETS)).encode()
    kind = draw(st.sampled_from([b"text/plain", b"text/html", b"multipart/mixed", b"x/y"]))
    headers.append(b"Content-Type: " + kind + b'; charset="' + charset + b'"; boundary="b"')
    encoding = draw(st.sampled_from([b"8bit", b"base64", b"quoted-printable", b"x-uuencode"]))
    headers.append(b"Content-Transfer-Encoding: " + encoding)
    body = draw(st.one_of(st.binary(max_size=2_000), nasty_text.map(str.encode)))
    if draw(st.booleans()):
        body = b"Ik wil een klacht indienen, dit is onacceptabel.\x00 " + body
    line_end = draw(st.sampled_from([b"\r\n", b"\n", b"\r"]))
    return line_end.join(headers) + line_end + line_end + body


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI is red only for a change
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(batch=st.lists(hostile_message(), min_size=5, max_size=20))
def test_hostile_mail_is_kept_and_recorded_on_every_database(
    batch: list[bytes], database_url: str, trained_model: tuple[Path, str], tmp_path: Path
) -> None:
    """One poll over a Maildir of generated hostile messages: no exception, every message
    stored with its bytes and recorded at the first attempt, every address a letter would go
    to free of line breaks."""
    if not (tmp_path / "ready").exists():
        prepare_database(database_url, trained_model)
        (tmp_path / "ready").touch()
    maildir = tmp_path / "maildir"
    (maildir / "new").mkdir(parents=True, exist_ok=True)
    for raw in batch:
        (maildir / "new" / f"{uuid.uuid4().hex}.fuzz").write_bytes(raw)
    config = settings_for(None, None, database_url, tmp_path, maildir=maildir)
    pipeline, store = pipeline_for(config)
    try:
        summary = pipeline.poll(bootstrap.mailbox_of(config))
    finally:
        pipeline.close()
        store.engine.dispose()

    assert summary.stored == len(batch)
    assert summary.retrying == 0
    with store.unit_of_work() as session:
        rows = session.scalars(select(StoredMessage)).all()
        assert {r.status for r in rows} <= {"processed", "duplicate", "failed"}
        assert all(records.raw_bytes(r) is not None for r in rows)
        for address in session.scalars(select(Case.complainant_email)):
            assert address is None or not any(c in address for c in "\r\n\x00 <>,")
        for recipient in session.scalars(select(Letter.recipient)):
            assert recipient is None or not any(c in recipient for c in "\r\n\x00 <>,")
