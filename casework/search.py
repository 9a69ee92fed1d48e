"""Officers search cases and messages by any word in them (`storage.search`), a page at a
time, each hit with where to open it and its snippet with the words found marked."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from storage import Store
from storage.search import HitKind, search, search_count, snippet_parts

PAGE_SIZE = 50
KIND_LABELS = {HitKind.CASE: "zaak", HitKind.MESSAGE: "bericht"}


@dataclass(frozen=True)
class Found:
    """One hit as a results page shows it."""

    kind: str  # zaak or bericht
    link: str  # /zaken/K-2026-0001 or /berichten/17
    reference: str  # the case number, or the message's number in the inbox
    title: str
    parts: list[tuple[str, bool]]  # the snippet; True where a word of the query was found
    received_at: datetime


@dataclass(frozen=True)
class Results:
    query: str
    hits: list[Found]
    total: int
    page: int
    pages: int


def find(store: Store, query: str, *, page: int = 1) -> Results:
    """One page of what matches every word of `query`, most relevant first."""
    query = query.strip()
    page = max(1, page)
    if not query:
        return Results(query, [], 0, 1, 1)
    with store.unit_of_work() as session:
        total = search_count(session, query)
        hits = search(session, query, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return Results(
        query=query,
        hits=[
            Found(
                kind=KIND_LABELS[h.kind],
                link=f"/zaken/{h.reference}" if h.kind is HitKind.CASE else f"/berichten/{h.id}",
                reference=(h.reference or "") if h.kind is HitKind.CASE else f"bericht {h.id}",
                title=h.title or "(geen onderwerp)",
                parts=snippet_parts(h.snippet),
                received_at=h.received_at,
            )
            for h in hits
        ],
        total=total,
        page=page,
        pages=max(1, math.ceil(total / PAGE_SIZE)),
    )
