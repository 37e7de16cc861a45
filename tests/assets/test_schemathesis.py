"""Property-based requests from the assets OpenAPI: whatever the input, never a 5xx.

Bounded: a fixed number of examples per operation, derandomised so a run is repeatable.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from services.assets.config import AssetsSettings
from services.assets.main import create_app
from tests.assets.conftest import OFFICER, layout
from tests.support.fuzz import assert_conforms
from tests.support.tokens import verifier

EXAMPLES_PER_OPERATION = 10


@pytest.fixture
def assets_api(engine: Engine) -> Any:
    app = create_app(
        AssetsSettings(), engine=engine, verifier=verifier(), run_relay=False, access_log=False
    )
    with TestClient(app) as client:  # real rows, so ids and codes in requests can hit them
        layout(client)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


def test_no_input_makes_the_service_fail(assets_api: Any) -> None:
    assert_conforms(assets_api, OFFICER, examples=EXAMPLES_PER_OPERATION, min_operations=17)
