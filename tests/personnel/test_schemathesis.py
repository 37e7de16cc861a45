"""Property-based requests from the personnel OpenAPI: whatever the input, never a 5xx.

Bounded: a fixed number of examples per operation, derandomised so a run is repeatable.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from sqlmodel import Session

from services.personnel import demo
from services.personnel.config import PersonnelSettings
from services.personnel.main import create_app
from services.personnel.staff.identity_numbers import IdVault
from tests.personnel.conftest import HR
from tests.support.databases import Databases
from tests.support.tokens import verifier

EXAMPLES_PER_OPERATION = 25


@pytest.fixture
def personnel_api(databases: Databases) -> Iterator[Any]:
    engine = databases.fresh_engine("personnel")
    with Session(engine) as session:  # real data, so ids and codes in requests can hit rows
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
    failures: list[str] = []
    statuses: list[int] = []
    operations = [result.ok() for result in personnel_api.get_all_operations()]
    assert len(operations) > 10

    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def call(case: Any) -> None:
            response = case.call(headers=HR)
            statuses.append(response.status_code)
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path}: " + (response.text[:300])
            )

        try:
            call()
        except AssertionError as exc:
            failures.append(str(exc).splitlines()[0])
    assert failures == []
    assert len(statuses) >= len(operations) * 5, "every operation was exercised"
    assert any(200 <= s < 300 for s in statuses), "some generated requests succeeded"
    assert any(400 <= s < 500 for s in statuses), "and some were refused as bad input"
