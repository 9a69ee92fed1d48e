"""Every web test gets the app on a fresh database: SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.casework import store_at
from tests.web_helpers import Web, web_for


@pytest.fixture
def web(database_url: str) -> Web:
    return web_for(store_at(database_url))
