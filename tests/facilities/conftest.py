"""The facilities service on a fresh, migrated database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from services.facilities.config import FacilitiesSettings
from services.facilities.main import create_app
from tests.support.databases import Databases
from tests.support.tokens import verifier


@pytest.fixture
def engine(databases: Databases) -> Iterator[Engine]:
    engine = databases.fresh_engine("facilities")
    yield engine
    engine.dispose()


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    app = create_app(
        FacilitiesSettings(), engine=engine, verifier=verifier(), run_relay=False, access_log=False
    )
    with TestClient(app) as c:
        yield c
