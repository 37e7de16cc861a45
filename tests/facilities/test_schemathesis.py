"""Property-based requests from the facilities OpenAPI: whatever the input, never a 5xx and
always the documented answer. Bounded and derandomised; places come from a real assets app."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis

from tests.facilities.conftest import OFFICER, Suite, layout, ok
from tests.facilities.support import answer, checklists, items_of, plan_round, post

EXAMPLES_PER_OPERATION = 5


@pytest.fixture
def facilities_api(suite: Suite) -> Any:
    place = layout(suite.assets)
    checklists(suite.client)
    round_ = plan_round(suite.client, place["compound"]["id"])
    items = items_of(suite.client, round_)
    ok(post(suite.client, round_["id"], [answer(items["FIRE-01"], "defect")]))
    return schemathesis.openapi.from_asgi("/openapi.json", suite.app)


def test_no_input_makes_the_service_fail(facilities_api: Any) -> None:
    from tests.support.fuzz import assert_conforms

    assert_conforms(facilities_api, OFFICER, examples=EXAMPLES_PER_OPERATION, min_operations=21)
