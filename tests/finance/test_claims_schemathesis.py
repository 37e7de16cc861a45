"""Property-based requests to the claims operations: whatever the input, never a 5xx.

Bounded and derandomised. The caller is a member of staff of the first unit who is also its
liaison and holds every finance role, so generated requests get past the roles and into the
rules; personnel is faked at the client boundary, the treasury is unreachable."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient

from services.finance import main
from tests.finance.claims_support import (
    FakePersonnel,
    claim_body,
    line,
    open_office,
    raise_claim,
    trip,
)
from tests.finance.conftest import finance_app
from tests.support.databases import Databases
from tests.support.fuzz import assert_conforms
from tests.support.tokens import bearer

EXAMPLES_PER_OPERATION = 8


@pytest.fixture
def claims_api(databases: Databases, monkeypatch: pytest.MonkeyPatch) -> Any:
    # personnel as the app's lifespan makes it: schemathesis starts the app again
    fake = FakePersonnel()
    peers = {"personnel": fake.client_class()}
    monkeypatch.setattr(main, "SPEC", dataclasses.replace(main.SPEC, peer_clients=peers))
    app = finance_app(databases, peer_urls={"personnel": "http://personnel"})
    with TestClient(app) as client:  # real rows, so ids in requests can hit them
        office = open_office(client, fake=fake)
        staff = office.staff(office.clerk)
        body = claim_body([trip("北京", "2026-03-10", "2026-03-12")], [line("meals", "9.00", 0)])
        raise_claim(client, staff, body)
    caller = bearer(
        "staff",
        "unit_liaison",
        "finance_officer",
        "finance_approver",
        "director",
        "auditor",
        sub="fuzzer",
        staff_id=str(office.clerk.id),
        unit_id=office.unit["id"],
    )
    yield (
        schemathesis.openapi.from_asgi("/openapi.json", app).include(path_regex="^/claims"),
        caller,
    )
    app.state.treasury_client.close()
    app.state.engine.dispose()


def test_no_input_makes_the_claims_fail(claims_api: Any) -> None:
    api, caller = claims_api
    assert_conforms(api, caller, examples=EXAMPLES_PER_OPERATION, min_operations=13)
