"""A search among 50,000 messages reads the full-text index, not every message: it costs about
the same after years of mail as in the first week. Proven by the query plans, not by a clock."""

from __future__ import annotations

from sqlalchemy import event, text

from storage.search import search, search_count
from tests.accounts import store_at

MESSAGES = 50_000
RARE = 4242  # the one message with the word searched for

# The rows are made by the database itself: binding 50,000 rows from Python took ten times
# longer than indexing them. About 1,400 different words, a few on each message.
_SQLITE = """
    INSERT INTO messages (mailbox, source_key, raw, raw_size, raw_sha256, received_at,
        stored_at, status, filed_away, attempts, subject, text, sender_name)
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
    SELECT 'INBOX', 'key-' || i, x'', 0, '', '2026-03-02 09:00:00', '2026-03-02 09:00:00',
        'processed', 0, 0, 'onderwerp' || (i % 97),
        'woord' || (i % 1009) || ' tekst' || (i % 313) || ' klacht begeleider'
            || CASE WHEN i = :rare THEN ' geïrriteerd' ELSE '' END,
        'Afzender ' || i
    FROM n
"""
_POSTGRES = """
    INSERT INTO messages (mailbox, source_key, raw, raw_size, raw_sha256, received_at,
        stored_at, status, filed_away, attempts, subject, text, sender_name)
    SELECT 'INBOX', 'key-' || i, '', 0, '', timestamp '2026-03-02 09:00',
        timestamp '2026-03-02 09:00', 'processed', false, 0, 'onderwerp' || (i % 97),
        'woord' || (i % 1009) || ' tekst' || (i % 313) || ' klacht begeleider'
            || CASE WHEN i = :rare THEN ' geïrriteerd' ELSE '' END,
        'Afzender ' || i
    FROM generate_series(1, :count) AS i
"""


def test_a_search_among_50000_messages_reads_the_index(database_url: str) -> None:
    """Both the page of hits and the count find the one message through the index."""
    store = store_at(database_url)
    sqlite = store.engine.dialect.name == "sqlite"
    with store.engine.begin() as connection:
        connection.execute(
            text(_SQLITE if sqlite else _POSTGRES), {"count": MESSAGES, "rare": RARE}
        )
        connection.exec_driver_sql("ANALYZE")
    plans: list[str] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def explain(conn, cursor, statement, params, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = conn.exec_driver_sql(prefix + statement, params).fetchall()
            plans.append("\n".join(str(row[-1]) for row in rows))

    with store.unit_of_work() as session:
        (hit,) = search(session, "geirriteerd")
        assert search_count(session, "geirriteerd") == 1

    assert hit.id == RARE
    assert len(plans) == 2
    for plan in plans:
        if sqlite:
            assert "SCAN search_messages VIRTUAL TABLE INDEX" in plan, plan
            assert "SCAN messages" not in plan, plan
        else:
            assert "Bitmap Index Scan on ix_messages_search" in plan, plan
            assert "Seq Scan on messages" not in plan, plan
