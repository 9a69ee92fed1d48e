"""the audit trail is append-only: the database refuses UPDATE, DELETE and TRUNCATE on it

The app never changes or removes an audit entry; this makes sure nothing that connects as the
app's role can either, whatever the code does. PostgreSQL: a trigger function raises on every
UPDATE and DELETE row and on TRUNCATE (a trigger holds for the table's owner too, where a
REVOKE would not). SQLite: triggers that abort an UPDATE or DELETE. Dropping the table (a
downgrade past 0007) is still possible for whoever may change the schema.

Also indexes on who and what, for the admins' audit page filters.

Revision ID: 0011
Revises: 0010
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

REFUSAL = "Het auditspoor kan niet worden gewijzigd of verwijderd; er kan alleen iets bij."


def upgrade() -> None:
    op.create_index(op.f("ix_audit_actor"), "audit", ["actor"])
    op.create_index(op.f("ix_audit_action"), "audit", ["action"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'insufficient_privilege';
            END;
            $$
            """
        )
        op.execute(
            "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit "
            "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_no_{event.lower()} BEFORE {event} ON audit "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_no_truncate ON audit")
        op.execute("DROP TRIGGER audit_no_change ON audit")
        op.execute("DROP FUNCTION audit_append_only()")
    else:
        for event in ("update", "delete"):
            op.execute(f"DROP TRIGGER audit_no_{event}")
    op.drop_index(op.f("ix_audit_action"), table_name="audit")
    op.drop_index(op.f("ix_audit_actor"), table_name="audit")
