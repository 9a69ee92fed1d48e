"""Full-text search over cases and messages, inside the caller's unit of work."""

from __future__ import annotations

from typing import Any


def in_the_models(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Alembic's include_name: the search tables, columns and indexes are made by migration 0008
    in each database's own terms, not by the models, and comparing them would only say so."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(("search_cases", "search_messages"))  # and FTS5's own tables
    if type_ == "column":
        return name != "search_document"
    if type_ == "index":
        return name not in ("ix_cases_search", "ix_messages_search")
    return True
