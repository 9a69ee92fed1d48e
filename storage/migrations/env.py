"""Alembic runs migrations on the connection Klachtenbus hands it."""

from alembic import context

from storage.models import Base
from storage.search import in_the_models

connection = context.config.attributes.get("connection")
if connection is None:  # `alembic` from the command line: use the engine given in attributes
    raise RuntimeError("Run migrations through `klachtenbus init`.")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    include_name=in_the_models,
)
with context.begin_transaction():
    context.run_migrations()
