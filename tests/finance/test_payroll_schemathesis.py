"""Property-based requests over the payroll operations only (tag ``payroll``), on the demo
books with the demo standards in force and a computed run: never a 5xx, every refusal a
rule's. Bounded and derandomised."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis

from services.finance import demo
from services.finance.config import FinanceSettings
from services.finance.main import create_app
from shared.db import unit_of_work
from tests.finance.conftest import UNREACHABLE_TREASURY
from tests.support.databases import Databases
from tests.support.fuzz import assert_conforms
from tests.support.tokens import bearer, verifier

EXAMPLES_PER_OPERATION = 8
EVERY_PAYROLL_ROLE = bearer(
    "finance_officer", "finance_approver", "director", "auditor", "staff", sub="fuzzer"
)


@pytest.fixture
def payroll_api(databases: Databases) -> Iterator[Any]:
    engine = databases.fresh_engine("finance")
    with unit_of_work(engine) as session:
        demo.seed(session)
    app = create_app(
        FinanceSettings(treasury_url=UNREACHABLE_TREASURY),
        engine=engine,
        verifier=verifier(),
        run_relay=False,
        access_log=False,
    )
    yield schemathesis.openapi.from_asgi("/openapi.json", app).include(tag="payroll")
    app.state.treasury_client.close()
    engine.dispose()


def test_no_input_makes_payroll_fail(payroll_api: Any) -> None:
    assert_conforms(
        payroll_api, EVERY_PAYROLL_ROLE, examples=EXAMPLES_PER_OPERATION, min_operations=20
    )
