"""messages count their failed processing attempts, so a poison message is quarantined

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("attempts")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops a column by copying the table, and the copy leaves out the index on an
        # expression that 0005 made; 0005's own downgrade drops it again.
        op.create_index(
            "ix_messages_sender_email_lower", "messages", [sa.text("lower(sender_email)")]
        )
