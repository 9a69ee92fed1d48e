"""health: a heartbeat per mailbox and the problems admins are alarmed about

The worker records every fetch attempt per mailbox (last success, last error, backlog,
quarantine, oldest unsent letter, token expiry); `/healthz`, `/metrics`, `klachtenbus doctor`
and the alarm job read it from any process. An open problem holds its key in `open_key`
(unique, NULL once solved), so each problem is alarmed once, whichever worker sees it first.
Indexes for `/metrics`, which counts messages by kind and status and letters by purpose and
status at every scrape.

Revision ID: 0013
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mailbox_heartbeats",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("mailbox", sa.String(100), nullable=False),
        sa.Column("source", sa.String(500)),
        sa.Column("last_attempt_at", sa.DateTime()),
        sa.Column("last_success_at", sa.DateTime()),
        sa.Column("failing_since", sa.DateTime()),
        sa.Column("last_error", sa.Text()),
        sa.Column("last_error_at", sa.DateTime()),
        sa.Column("attempts", sa.BigInteger(), nullable=False),
        sa.Column("errors", sa.BigInteger(), nullable=False),
        sa.Column("backlog", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.Column("oldest_unsent_at", sa.DateTime()),
        sa.Column("token_expires_at", sa.DateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_mailbox_heartbeats"),
        sa.UniqueConstraint("mailbox", name="uq_mailbox_heartbeats_mailbox"),
    )
    op.create_table(
        "health_problems",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("open_key", sa.String(200)),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("alarm_letter_id", sa.Integer()),
        sa.Column("resolved_at", sa.DateTime()),
        sa.Column("all_clear_letter_id", sa.Integer()),
        sa.Column("measure", sa.Integer()),
        sa.PrimaryKeyConstraint("id", name="pk_health_problems"),
        sa.UniqueConstraint("open_key", name="uq_health_problems_open_key"),
    )
    op.create_index("ix_health_problems_key", "health_problems", ["key"])
    # /metrics counts by these at every scrape
    op.create_index("ix_messages_kind_status", "messages", ["kind", "status"])
    op.create_index("ix_letters_purpose_status", "letters", ["purpose", "status"])


def downgrade() -> None:
    op.drop_index("ix_letters_purpose_status", table_name="letters")
    op.drop_index("ix_messages_kind_status", table_name="messages")
    op.drop_index("ix_health_problems_key", table_name="health_problems")
    op.drop_table("health_problems")
    op.drop_table("mailbox_heartbeats")
