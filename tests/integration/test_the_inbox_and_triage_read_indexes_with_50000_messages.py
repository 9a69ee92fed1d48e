"""Among 50,000 messages the triage and every page's navigation find the few meldcode signals
through the flag's partial index, and the inbox's filters by flag, kind and date read an
index: they cost about the same after years of mail as in the first week. Proven by the
query plans, not by a clock."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import event, text

from casework import inbox
from tests.casework import office, store_at

MESSAGES = 50_000
SIGNAL_EVERY = 5_000  # ten meldcode signals among them

_SQLITE = """
    INSERT INTO messages (mailbox, source_key, raw, raw_size, raw_sha256, received_at,
        stored_at, status, filed_away, attempts, subject, text, sender_email, kind, flags)
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
    SELECT 'INBOX', 'key-' || i, x'', 0, '',
        datetime('2023-01-02 09:00:00', '+' || (i * 30) || ' minutes') || '.000000',
        '2026-03-02 09:00:00.000000', 'processed', 0, 0, 'onderwerp ' || i, 'tekst ' || i,
        'afzender' || (i % 7000) || '@example.nl',
        CASE i % 10 WHEN 0 THEN 'uncertain' WHEN 1 THEN 'complaint' WHEN 2 THEN 'complaint'
            WHEN 3 THEN 'other' WHEN 4 THEN 'other' ELSE 'remark' END,
        CASE WHEN i % :every = 0 THEN '["meldcode"]' ELSE '[]' END
    FROM n
"""
_POSTGRES = """
    INSERT INTO messages (mailbox, source_key, raw, raw_size, raw_sha256, received_at,
        stored_at, status, filed_away, attempts, subject, text, sender_email, kind, flags)
    SELECT 'INBOX', 'key-' || i, '', 0, '',
        timestamp '2023-01-02 09:00' + i * interval '30 minutes',
        timestamp '2026-03-02 09:00', 'processed', false, 0, 'onderwerp ' || i, 'tekst ' || i,
        'afzender' || (i % 7000) || '@example.nl',
        CASE i % 10 WHEN 0 THEN 'uncertain' WHEN 1 THEN 'complaint' WHEN 2 THEN 'complaint'
            WHEN 3 THEN 'other' WHEN 4 THEN 'other' ELSE 'remark' END,
        CAST(CASE WHEN i % :every = 0 THEN '["meldcode"]' ELSE '[]' END AS json)
    FROM generate_series(1, :count) AS i
"""


def whole_table(plan: str, sqlite: bool) -> bool:
    """Whether a plan reads every message (no index to start from or stop at)."""
    if sqlite:
        return any(line.strip() == "SCAN messages" for line in plan.splitlines())
    return "Seq Scan on messages" in plan


def test_the_triage_and_the_inbox_read_their_indexes(database_url: str) -> None:
    store, ours = store_at(database_url), office()
    sqlite = store.engine.dialect.name == "sqlite"
    with store.engine.begin() as connection:
        connection.execute(
            text(_SQLITE if sqlite else _POSTGRES), {"count": MESSAGES, "every": SIGNAL_EVERY}
        )
        if not sqlite:  # as autovacuum does; Klachtenbus never runs ANALYZE on SQLite, whose
            # statistics (without STAT4) would rate a rare status as common as any other
            connection.exec_driver_sql("ANALYZE")
    plans: list[tuple[str, str]] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def explain(conn, cursor, statement, params, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT") and "FROM messages" in statement:
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = conn.exec_driver_sql(prefix + statement, params).fetchall()
            plans.append((statement, "\n".join(str(row[-1]) for row in rows)))

    counts = inbox.navigation_counts(store, ours)
    queue = inbox.triage_queue(store, ours)
    assert (counts.spoed, len(queue.spoed)) == (MESSAGES // SIGNAL_EVERY,) * 2
    assert all(m.meldcode for m in queue.spoed)
    assert any("meldcode" in statement for statement, _ in plans)
    for statement, plan in plans:
        if "meldcode" in statement:
            assert "ix_messages_flag_meldcode" in plan, plan
        assert not whole_table(plan, sqlite), (statement, plan)

    plans.clear()
    flagged = inbox.inbox(store, ours, inbox.inbox_filter(flag="meldcode"))
    in_march = inbox.inbox(store, ours, inbox.inbox_filter(since="2023-03-01", until="2023-03-31"))
    assert flagged.total == 10 and len(in_march.messages) == 50
    assert in_march.total == (31 * 24 - 1) * 2  # March in Amsterdam: an hour shorter
    for statement, plan in plans:
        index = "flag_meldcode" if "meldcode" in statement else "received_at"
        assert f"ix_messages_{index}" in plan, plan
        assert not whole_table(plan, sqlite), (statement, plan)
    newest = in_march.messages[0].received_at.astimezone(ZoneInfo("Europe/Amsterdam"))
    assert (newest.date(), newest.hour, newest.minute) == (date(2023, 3, 31), 23, 30)
