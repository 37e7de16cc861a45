"""Property-based requests from the finance OpenAPI on demo books: never a 5xx.

Bounded (a fixed number of examples per operation) and derandomised, so a run is repeatable.
The caller holds every finance role, so generated requests get past the role checks and
into the rules; the treasury sandbox answers over real HTTP (its callbacks switched off).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis

from deploy.treasury.app import create_app as create_sandbox
from deploy.treasury.config import TreasurySettings
from services.finance import demo
from services.finance.config import FinanceSettings
from services.finance.main import create_app
from shared.db import unit_of_work
from tests.finance.treasury_support import INSTRUCTION_SECRET
from tests.support.databases import Databases
from tests.support.fuzz import assert_conforms
from tests.support.servers import serve_in_thread
from tests.support.tokens import bearer, verifier

EXAMPLES_PER_OPERATION = 10
EVERY_FINANCE_ROLE = bearer(
    "finance_officer", "finance_approver", "director", "auditor", "treasury", sub="fuzzer"
)


@pytest.fixture
def finance_api(databases: Databases, tmp_path: Path) -> Iterator[Any]:
    engine = databases.fresh_engine("finance")
    with unit_of_work(engine) as session:  # real books, so ids in requests can hit rows
        demo.seed(session)
    sandbox = create_sandbox(
        TreasurySettings(
            database_url=f"sqlite:///{tmp_path / 'treasury.db'}",
            instruction_secret=INSTRUCTION_SECRET,
            callback_mode="drop",
        ),
        access_log=False,
    )
    with serve_in_thread(sandbox) as treasury_url:
        app = create_app(
            FinanceSettings(
                treasury_url=treasury_url, treasury_instruction_secret=INSTRUCTION_SECRET
            ),
            engine=engine,
            verifier=verifier(),
            run_relay=False,
            access_log=False,
        )
        yield schemathesis.openapi.from_asgi("/openapi.json", app)
        app.state.treasury_client.close()
    engine.dispose()


def test_no_input_makes_the_service_fail(finance_api: Any) -> None:
    assert_conforms(
        finance_api, EVERY_FINANCE_ROLE, examples=EXAMPLES_PER_OPERATION, min_operations=40
    )
