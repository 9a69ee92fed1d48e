"""indexes on lower-cased addresses for the per-batch and follow-up lookups

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_INDEXES = (
    ("ix_letters_recipient_lower", "letters", "recipient"),
    ("ix_messages_sender_email_lower", "messages", "sender_email"),
    ("ix_cases_complainant_email_lower", "cases", "complainant_email"),
)


def upgrade() -> None:
    for name, table, column in _INDEXES:
        op.create_index(name, table, [sa.text(f"lower({column})")])


def downgrade() -> None:
    for name, table, _ in _INDEXES:
        op.drop_index(name, table_name=table)
