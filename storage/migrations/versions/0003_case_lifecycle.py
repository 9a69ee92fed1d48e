"""case lifecycle: registration fields, the clock, events, correspondence

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CASE_COLUMNS = [
    sa.Column("category", sa.String(length=200), nullable=True),
    sa.Column("team", sa.String(length=200), nullable=True),
    sa.Column("municipality", sa.String(length=200), nullable=True),
    sa.Column("officer", sa.String(length=320), nullable=True),
    sa.Column("actions_taken", sa.Text(), nullable=True),
    sa.Column("outcome", sa.String(length=20), nullable=True),
    sa.Column("measures", sa.Text(), nullable=True),
    sa.Column("improvements", sa.Text(), nullable=True),
    sa.Column("satisfied", sa.Boolean(), nullable=True),
    sa.Column("referred_to", sa.Text(), nullable=True),
    sa.Column("closure", sa.String(length=30), nullable=True),
    sa.Column("closed_at", sa.DateTime(), nullable=True),
    sa.Column("paused_days", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("suspended_since", sa.DateTime(), nullable=True),
    sa.Column("resume_to", sa.String(length=20), nullable=True),
    sa.Column("extension_weeks", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("extension_reason", sa.Text(), nullable=True),
]


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for column in CASE_COLUMNS:
            batch_op.add_column(column)
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_events_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_events_case_id"), ["case_id"], unique=False)
    op.create_table(
        "correspondence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("message_row_id", sa.Integer(), nullable=False),
        sa.Column("matched_by", sa.String(length=30), nullable=False),
        sa.Column("attached_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_correspondence_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["message_row_id"],
            ["messages.id"],
            name=op.f("fk_correspondence_message_row_id_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correspondence")),
        sa.UniqueConstraint("message_row_id", name=op.f("uq_correspondence_message_row_id")),
    )
    with op.batch_alter_table("correspondence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_correspondence_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("correspondence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_correspondence_case_id"))
    op.drop_table("correspondence")
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_events_case_id"))
    op.drop_table("case_events")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        for column in reversed(CASE_COLUMNS):
            batch_op.drop_column(column.name)
