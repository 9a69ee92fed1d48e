"""the model's lifecycle: who made and promoted each version, retraining runs the worker
picks up, a candidate's verdicts on live mail beside the active model's, and settings an
admin changed in the browser

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_VERSION_COLUMNS = (
    ("created_by", sa.String(length=200)),
    ("promoted_by", sa.String(length=200)),
    ("promoted_at", sa.DateTime()),
    ("discarded_by", sa.String(length=200)),
    ("discarded_at", sa.DateTime()),
    ("labels", sa.Integer()),
    ("labels_up_to", sa.Integer()),
    ("shadow_since", sa.DateTime()),
)


def upgrade() -> None:
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        for name, type_ in _VERSION_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    # The version in force before this migration was made active by whoever trained it.
    op.execute("UPDATE model_versions SET promoted_at = trained_at WHERE active")
    op.create_table(
        "training_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("step", sa.Text(), nullable=True),
        sa.Column("percent", sa.Integer(), nullable=False),
        sa.Column("cancel", sa.Boolean(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("model_version_id", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["model_version_id"],
            ["model_versions.id"],
            name=op.f("fk_training_runs_model_version_id_model_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_runs")),
    )
    op.create_index(op.f("ix_training_runs_status"), "training_runs", ["status"])
    op.create_table(
        "shadow_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_version_id", sa.Integer(), nullable=False),
        sa.Column("message_row_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("complaint_probability", sa.Double(), nullable=False),
        sa.Column("active_kind", sa.String(length=20), nullable=True),
        sa.Column("scored_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_row_id"],
            ["messages.id"],
            name=op.f("fk_shadow_scores_message_row_id_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["model_version_id"],
            ["model_versions.id"],
            name=op.f("fk_shadow_scores_model_version_id_model_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shadow_scores")),
        sa.UniqueConstraint("model_version_id", "message_row_id", name="uq_shadow_scores_version"),
    )
    op.create_index(
        op.f("ix_shadow_scores_model_version_id"), "shadow_scores", ["model_version_id"]
    )
    op.create_table(
        "setting_overrides",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_setting_overrides")),
    )


def downgrade() -> None:
    op.drop_table("setting_overrides")
    op.drop_index(op.f("ix_shadow_scores_model_version_id"), table_name="shadow_scores")
    op.drop_table("shadow_scores")
    op.drop_index(op.f("ix_training_runs_status"), table_name="training_runs")
    op.drop_table("training_runs")
    with op.batch_alter_table("model_versions", schema=None) as batch_op:
        for name, _ in reversed(_VERSION_COLUMNS):
            batch_op.drop_column(name)
