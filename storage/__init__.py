"""Storage: SQLAlchemy models, Alembic migrations, and the records the pipeline keeps."""

from storage import records
from storage.database import Store, check_migrated, connect, migrate
from storage.models import Case, Label, Letter, MailboxState, ModelVersion, StoredMessage

__all__ = [
    "Case",
    "Label",
    "Letter",
    "MailboxState",
    "ModelVersion",
    "Store",
    "StoredMessage",
    "check_migrated",
    "connect",
    "migrate",
    "records",
]
