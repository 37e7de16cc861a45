"""Property-based requests from the whole facilities OpenAPI (inspections, hazards, plans, work
orders, preventive plans, zones, fire equipment): whatever the input, never a 5xx and always
the documented answer. Bounded and derandomised; places come from a real assets app."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis

from tests.facilities.conftest import OFFICER, Suite, layout, ok
from tests.facilities.support import answer, checklists, items_of, plan_round, post
from tests.facilities.upkeep_support import order, to_status
from tests.facilities.upkeep_support import plan as preventive_plan

EXAMPLES_PER_OPERATION = 5


@pytest.fixture
def facilities_api(suite: Suite, known_places: None) -> Any:
    place = layout(suite.assets)
    checklists(suite.client)
    round_ = plan_round(suite.client, place["compound"]["id"])
    items = items_of(suite.client, round_)
    ok(post(suite.client, round_["id"], [answer(items["FIRE-01"], "defect")]))
    to_status(suite.client, order(suite.client), "in_progress")  # real rows ids can hit
    preventive_plan(suite.client)
    return schemathesis.openapi.from_asgi("/openapi.json", suite.app)


def test_no_input_makes_the_service_fail(facilities_api: Any) -> None:
    from tests.support.fuzz import assert_conforms

    assert_conforms(facilities_api, OFFICER, examples=EXAMPLES_PER_OPERATION, min_operations=60)
