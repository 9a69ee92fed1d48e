"""letters may be internal alerts about a message without a case

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.alter_column("case_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("message_row_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_letters_message_row_id_messages"), "messages", ["message_row_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("letters", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_letters_message_row_id_messages"), type_="foreignkey"
        )
        batch_op.drop_column("message_row_id")
        batch_op.alter_column("case_id", existing_type=sa.Integer(), nullable=False)
