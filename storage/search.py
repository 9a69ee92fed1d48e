"""Full-text search over cases and messages, inside the caller's unit of work.

What a user types is never handed to the database's query syntax: it is cut into words, and
each whitespace-separated piece is searched for literally (a quoted phrase), all pieces
required. So `"`, `*`, `-`, `:`, `NEAR(` or `'; drop table` are searched as the words they
hold, never as operators.

The two databases differ in one way officers may notice:
- PostgreSQL stems with the `dutch` configuration: "klachten" finds "klacht" and the other way
  round. Texts are indexed up to about 100,000 characters (see migration 0008).
- SQLite's FTS5 does not stem; each word is matched as a prefix instead, so "klacht" finds
  "klachten" but "klachten" does not find "klacht".
Both fold case and diacritics ("geirriteerd" finds "geïrriteerd").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Float, Integer, String, TextClause, text
from sqlalchemy.orm import Session

from storage.models import UTCDateTime
from storage.types import storable

# The snippet marks the words found with these characters: the web page escapes the snippet,
# then turns them into <mark> (see `snippet_parts`). They cannot be confused with HTML.
MARK_START = "\x02"
MARK_END = "\x03"

MAX_QUERY_LENGTH = 500
MAX_WORDS = 16
_WORD = re.compile(r"[^\W_]+")  # letters and digits, as both databases' tokenizers see words


class HitKind(StrEnum):
    """What a search hit is: a registered case, or a message (any message, case or not)."""

    CASE = "case"
    MESSAGE = "message"


@dataclass(frozen=True)
class SearchHit:
    """One case or message found; `reference` is the case number or the Message-ID header."""

    kind: HitKind
    id: int
    reference: str | None
    title: str | None
    snippet: str
    received_at: datetime
    rank: float  # higher is better; comparable within one search only


def search(session: Session, query: str, *, limit: int = 50, offset: int = 0) -> list[SearchHit]:
    """Cases and messages holding every word of the query, most relevant first, then newest."""
    if limit < 1 or offset < 0:
        raise ValueError("limit must be positive and offset not negative")
    pieces = _pieces(query)
    if not pieces:
        return []
    postgres = session.get_bind().dialect.name == "postgresql"
    statement = _POSTGRES_SEARCH if postgres else _SQLITE_SEARCH
    parameters = {
        "query": _websearch(pieces) if postgres else _fts5(pieces),
        "limit": limit,
        "offset": offset,
        "window": offset + limit,
        "start": MARK_START,
        "end": MARK_END,
    }
    if postgres:
        parameters["options"] = f"StartSel={MARK_START}, StopSel={MARK_END}, {_HEADLINE}"
    return [
        SearchHit(
            kind=HitKind(row.kind),
            id=row.id,
            reference=row.reference,
            title=row.title,
            snippet=row.snippet or "",
            received_at=row.received_at,
            rank=row.rank,
        )
        for row in session.execute(statement, parameters)
    ]


def search_count(session: Session, query: str) -> int:
    """How many cases and messages `search` would find in all, for paging."""
    pieces = _pieces(query)
    if not pieces:
        return 0
    if session.get_bind().dialect.name == "postgresql":
        return session.scalar(_POSTGRES_COUNT, {"query": _websearch(pieces)}) or 0
    return session.scalar(_SQLITE_COUNT, {"query": _fts5(pieces)}) or 0


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """The snippet as (text, found) pieces, for a template that marks the words found."""
    parts: list[tuple[str, bool]] = []
    for index, piece in enumerate(re.split(f"[{MARK_START}{MARK_END}]", snippet)):
        if piece:
            parts.append((piece, index % 2 == 1))
    return parts


def _pieces(query: str) -> list[str]:
    """The whitespace-separated pieces of the query that hold a word, at most MAX_WORDS."""
    query = unicodedata.normalize("NFC", storable(query, MAX_QUERY_LENGTH))
    return [piece for piece in query.split() if _WORD.search(piece)][:MAX_WORDS]


def _fts5(pieces: list[str]) -> str:
    """FTS5: each piece a quoted phrase of its words, its last word a prefix."""
    return " ".join('"' + " ".join(_WORD.findall(piece)) + '"*' for piece in pieces)


def _websearch(pieces: list[str]) -> str:
    """websearch_to_tsquery: each piece quoted, so `-`, `or` and the like are words in it.

    The piece keeps its punctuation, so it is parsed as the document was: K-2026-0001 gives
    the same lexemes in both.
    """
    return " ".join('"' + piece.replace('"', " ") + '"' for piece in pieces)


_COLUMNS = {
    "kind": String,
    "id": Integer,
    "reference": String,
    "title": String,
    "snippet": String,
    "received_at": UTCDateTime,
    "rank": Float,
}


def _typed(sql: str) -> TextClause:
    return text(sql).columns(**{name: kind() for name, kind in _COLUMNS.items()})


# Each side is limited to the page's end before the two are merged, so a query that matches
# thousands of messages sorts them once and builds snippets for one page only.
_SQLITE_SEARCH = _typed("""
    SELECT kind, id, reference, title, snippet, received_at, rank FROM (
        SELECT 'case' AS kind, cases.id AS id, cases.number AS reference,
            cases.subject AS title, cases.received_at AS received_at,
            -bm25(search_cases, 10.0, 5.0, 5.0, 10.0, 1.0, 5.0, 5.0, 1.0, 5.0, 1.0) AS rank,
            snippet(search_cases, -1, :start, :end, '…', 16) AS snippet
        FROM search_cases JOIN cases ON cases.id = search_cases.rowid
        WHERE search_cases MATCH :query
        ORDER BY rank DESC, cases.received_at DESC LIMIT :window
    )
    UNION ALL
    SELECT kind, id, reference, title, snippet, received_at, rank FROM (
        SELECT 'message' AS kind, messages.id AS id, messages.message_id AS reference,
            messages.subject AS title, messages.received_at AS received_at,
            -bm25(search_messages, 10.0, 5.0, 5.0, 1.0) AS rank,
            snippet(search_messages, -1, :start, :end, '…', 16) AS snippet
        FROM search_messages JOIN messages ON messages.id = search_messages.rowid
        WHERE search_messages MATCH :query
        ORDER BY rank DESC, messages.received_at DESC LIMIT :window
    )
    ORDER BY rank DESC, received_at DESC, kind, id DESC
    LIMIT :limit OFFSET :offset
""")

_SQLITE_COUNT = text("""
    SELECT (SELECT count(*) FROM search_cases WHERE search_cases MATCH :query)
        + (SELECT count(*) FROM search_messages WHERE search_messages MATCH :query)
""")

_HEADLINE = 'MaxFragments=2, MaxWords=12, MinWords=4, FragmentDelimiter=" … "'

# ts_headline parses the whole text, so it runs on the page's rows only (the outer query).
_POSTGRES_SEARCH = _typed("""
    WITH q AS (SELECT websearch_to_tsquery('dutch', :query) AS q)
    SELECT kind, id, reference, title, received_at, rank,
        ts_headline('dutch', document, q.q, :options) AS snippet
    FROM (
        SELECT * FROM (
            SELECT 'case' AS kind, cases.id AS id, cases.number AS reference,
                cases.subject AS title, cases.received_at AS received_at,
                ts_rank(cases.search_document, q.q) AS rank,
                concat_ws(' ', cases.number, cases.subject, cases.description,
                    cases.actions_taken, cases.measures, cases.complainant_name,
                    cases.category, cases.team) AS document
            FROM cases, q WHERE cases.search_document @@ q.q
            ORDER BY rank DESC, cases.received_at DESC LIMIT :window
        ) AS found_cases
        UNION ALL
        SELECT * FROM (
            SELECT 'message' AS kind, messages.id AS id, messages.message_id AS reference,
                messages.subject AS title, messages.received_at AS received_at,
                ts_rank(messages.search_document, q.q) AS rank,
                concat_ws(' ', messages.subject, messages.text, messages.sender_name)
                    AS document
            FROM messages, q WHERE messages.search_document @@ q.q
            ORDER BY rank DESC, messages.received_at DESC LIMIT :window
        ) AS found_messages
        ORDER BY rank DESC, received_at DESC, kind, id DESC
        LIMIT :limit OFFSET :offset
    ) AS page, q
    ORDER BY rank DESC, received_at DESC, kind, id DESC
""")

_POSTGRES_COUNT = text("""
    WITH q AS (SELECT websearch_to_tsquery('dutch', :query) AS q)
    SELECT (SELECT count(*) FROM cases, q WHERE cases.search_document @@ q.q)
        + (SELECT count(*) FROM messages, q WHERE messages.search_document @@ q.q)
""")


def in_the_models(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Alembic's include_name: the search tables, columns and indexes are made by migration 0008
    in each database's own terms, not by the models, and comparing them would only say so."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(("search_cases", "search_messages"))  # and FTS5's own tables
    if type_ == "column":
        return name != "search_document"
    if type_ == "index":
        return name not in ("ix_cases_search", "ix_messages_search")
    return True
