"""officers' labels

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_row_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("flags", sa.JSON(), nullable=True),
        sa.Column("officer", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("labelled_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_row_id"], ["messages.id"], name=op.f("fk_labels_message_row_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labels")),
    )
    with op.batch_alter_table("labels", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_labels_message_row_id"), ["message_row_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("labels", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_labels_message_row_id"))
    op.drop_table("labels")
