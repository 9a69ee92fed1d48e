"""full-text search over cases and messages: FTS5 on SQLite, tsvector and GIN on PostgreSQL

SQLite: an external-content FTS5 table per searched table, kept up to date by triggers and
filled from the existing rows. The tokenizer folds case and diacritics; it does not stem.

PostgreSQL: a generated tsvector column per searched table with the `dutch` configuration (its
Snowball stemmer also folds diacritics), and a GIN index on it. Long texts are cut to about
100,000 characters for the index: a tsvector holds at most 1 MB, and a longer one would make
PostgreSQL refuse the row, and with it the message.

A later migration that copies `messages` or `cases` on SQLite (batch mode drops and renames the
table) loses these triggers and must create them again.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TOKENIZER = "unicode61 remove_diacritics 2"
SEARCHED = {
    "messages": ("subject", "sender_name", "sender_email", "text"),
    "cases": (
        "number", "complainant_name", "complainant_email", "subject", "description",
        "category", "team", "actions_taken", "outcome", "measures",
    ),
}  # fmt: skip

# A-weighted (titles), B (names, addresses, labels), D (long texts), each text cut to a length
# whose tsvector stays far below PostgreSQL's 1 MB.
DOCUMENTS = {
    "messages": """
        setweight(to_tsvector('dutch', left(coalesce(subject, ''), 2000)), 'A')
        || setweight(to_tsvector('dutch',
            coalesce(sender_name, '') || ' ' || coalesce(sender_email, '')), 'B')
        || setweight(to_tsvector('dutch', left(coalesce(text, ''), 100000)), 'D')
    """,
    # The number twice: whole (K-2026-0001 parses as k, -2026, -0001) and split on its dashes,
    # so a search for 2026-0001 or 0001 finds it too.
    "cases": """
        setweight(to_tsvector('dutch', coalesce(number, '') || ' '
            || replace(coalesce(number, ''), '-', ' ') || ' '
            || left(coalesce(subject, ''), 2000)), 'A')
        || setweight(to_tsvector('dutch', coalesce(complainant_name, '') || ' '
            || coalesce(complainant_email, '') || ' ' || coalesce(category, '') || ' '
            || coalesce(team, '') || ' ' || coalesce(outcome, '')), 'B')
        || setweight(to_tsvector('dutch', left(coalesce(description, ''), 60000) || ' '
            || left(coalesce(actions_taken, ''), 20000) || ' '
            || left(coalesce(measures, ''), 20000)), 'D')
    """,
}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table, columns in SEARCHED.items():
            _sqlite_upgrade(table, columns)
    else:
        for table, document in DOCUMENTS.items():
            op.execute(
                f"ALTER TABLE {table} ADD COLUMN search_document tsvector "
                f"GENERATED ALWAYS AS ({document}) STORED"
            )
            op.execute(f"CREATE INDEX ix_{table}_search ON {table} USING gin (search_document)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in SEARCHED:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER search_{table}_{event}")
            op.execute(f"DROP TABLE search_{table}")
    else:
        for table in DOCUMENTS:
            op.execute(f"DROP INDEX ix_{table}_search")
            op.execute(f"ALTER TABLE {table} DROP COLUMN search_document")


def _sqlite_upgrade(table: str, columns: tuple[str, ...]) -> None:
    fts = f"search_{table}"
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    forget = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old});"
    learn = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});"
    op.execute(
        f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', "
        f"content_rowid='id', tokenize='{TOKENIZER}')"
    )
    op.execute(f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {learn} END")
    op.execute(f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {forget} END")
    op.execute(
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {names} ON {table} BEGIN {forget} {learn} END"
    )
    op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
