"""Property-based requests from the personnel OpenAPI: whatever the input, never a 5xx.

Bounded: a fixed number of examples per operation, derandomised so a run is repeatable.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis

from services.personnel import demo
from services.personnel.config import PersonnelSettings
from services.personnel.main import create_app
from services.personnel.staff.identity_numbers import IdVault
from shared.db import unit_of_work
from tests.personnel.conftest import HR
from tests.support.databases import Databases
from tests.support.fuzz import assert_conforms
from tests.support.tokens import verifier

EXAMPLES_PER_OPERATION = 10


@pytest.fixture
def personnel_api(databases: Databases) -> Iterator[Any]:
    engine = databases.fresh_engine("personnel")
    with unit_of_work(engine) as session:  # real data, so ids and codes in requests can hit rows
        demo.seed(session, IdVault("fuzz-secret"))
    app = create_app(
        PersonnelSettings(id_secret="fuzz-secret"),
        engine=engine,
        verifier=verifier(),
        run_relay=False,
        access_log=False,
    )
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    engine.dispose()


def test_no_input_makes_the_service_fail(personnel_api: Any) -> None:
    assert_conforms(personnel_api, HR, examples=EXAMPLES_PER_OPERATION, min_operations=10)
