"""indexes for the inbox and the triage: the day a message arrived, and each flag

The inbox filters by the day mail arrived; the triage and every page's navigation look for
meldcode signals no officer has decided on, and the inbox filters by flag. Flags are a JSON
list, so each flag gets a partial index holding only the messages that carry it: a handful
of rows, read instead of every message's flags.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

FLAGS = ("meldcode", "withdrawal", "appeal", "followup")  # klachtenbus.vocabulary.Flag


def _carries(flag: str) -> sa.TextClause:
    """The predicate `storage.inbox` writes, character for character (SQLite uses a partial
    index only for a query that names its predicate itself)."""
    return sa.text(f"CAST(flags AS TEXT) LIKE '%\"{flag}\"%'")


def upgrade() -> None:
    op.create_index("ix_messages_received_at", "messages", ["received_at"])
    for flag in FLAGS:
        op.create_index(
            f"ix_messages_flag_{flag}",
            "messages",
            ["id"],
            sqlite_where=_carries(flag),
            postgresql_where=_carries(flag),
        )


def downgrade() -> None:
    for flag in FLAGS:
        op.drop_index(f"ix_messages_flag_{flag}", table_name="messages")
    op.drop_index("ix_messages_received_at", table_name="messages")
