"""Property-based requests from the facilities OpenAPI (work orders, plans, zones, fire
equipment): whatever the input, never a 5xx and never an answer its schema does not state.

Bounded: a fixed number of examples per operation, derandomised so a run is repeatable.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from services.facilities.config import FacilitiesSettings
from services.facilities.main import create_app
from tests.facilities.upkeep_support import OFFICER, order, plan, to_status
from tests.support.fuzz import assert_conforms
from tests.support.tokens import verifier

EXAMPLES_PER_OPERATION = 6


@pytest.fixture
def facilities_api(engine: Engine) -> Any:
    app = create_app(
        FacilitiesSettings(), engine=engine, verifier=verifier(), run_relay=False, access_log=False
    )
    with TestClient(app) as client:  # real rows, so ids in requests can hit them
        to_status(client, order(client), "in_progress")
        plan(client)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_no_input_makes_the_service_fail(facilities_api: Any) -> None:
    assert_conforms(facilities_api, OFFICER, examples=EXAMPLES_PER_OPERATION, min_operations=40)
