"""Fixtures every test tier shares: the database backend(s) and fresh databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

import gateway.identity.passwords
from tests.support.databases import Databases, postgres_available

# Production argon2 costs ~50 ms a hash by design; tests hash hundreds of passwords. Hashes
# carry their parameters, so verification is unchanged; only new hashes are cheaper here.
gateway.identity.passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

BACKENDS = ["sqlite", *(["postgresql"] if postgres_available() else [])]


@pytest.fixture(scope="session", params=BACKENDS)
def databases(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Databases]:
    """Fresh databases on each available backend (SQLite always, PostgreSQL when it answers)."""
    dbs = Databases(request.param, Path(tmp_path_factory.mktemp(f"db_{request.param}")))
    yield dbs
    dbs.close()
