"""The typed TypeScript client against the live suite: types generated from the gateway's
live ``/openapi.json`` (the document the in-process check type-checks against), the example
flow compiled and run with Node: sign in, list staff as a liaison, raise a payment that
another person approves and the treasury sandbox settles, download the ledger export."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.types import today
from tests.e2e.conftest import USER_PASSWORD, Suite, bearer_of, create_user
from tests.personnel.staffing import national_id
from tests.support.merged_openapi import merged_document
from tests.support.typescript import Project

pytestmark = pytest.mark.e2e
Compile = Callable[[dict[str, Any]], tuple[Project, Path]]


@pytest.fixture(scope="session")
def compile_flow(tmp_path_factory: pytest.TempPathFactory) -> Compile:
    """Types generated from a document and the flow compiled against them, once per document
    (each database backend's suite serves the same one)."""
    built: dict[str, tuple[Project, Path]] = {}

    def compile_for(document: dict[str, Any]) -> tuple[Project, Path]:
        key = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
        if key not in built:
            project = Project.copy_to(tmp_path_factory.mktemp("client"))
            project.generate(document)
            built[key] = (project, project.build())
        return built[key]

    return compile_for


def _ok(response: httpx.Response, status: int = 201) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _unit_with_staff_and_budget(suite: Suite) -> str:
    """A unit in personnel with two staff, and a budget line for it in finance this month."""
    create_user(suite, "hana", "hr_officer")
    create_user(suite, "fred", "finance_officer")
    hr, officer = bearer_of(suite, "hana"), bearer_of(suite, "fred")
    people, money = f"{suite.gateway}/api/personnel", f"{suite.gateway}/api/finance"
    bodies = _ok(httpx.get(f"{people}/bodies", headers=hr), 200)["items"]
    gov = next(b["id"] for b in bodies if b["code"] == "GOV")
    unit = {"code": "TSC", "name": "Typed Client Unit", "name_zh": "类型客户端单位", "body_id": gov}
    unit_id: str = _ok(httpx.post(f"{people}/units", headers=hr, json=unit))["id"]
    for n in (1, 2):
        staff = {
            "staff_no": f"T{n}",
            "name": f"职员{n}",
            "national_id": national_id(n),
            "unit_id": unit_id,
            "rank_code": "clerk",
            "effective_from": "2025-01-01",
        }
        _ok(httpx.post(f"{people}/staff", headers=hr, json=staff))
    account = {"zba_account": "ZBA-TSC-0001", "zba_bank": "Agent Bank"}
    budget_unit = {"id": unit_id, "code": "TSC", "name": "Typed Client Unit", **account}
    _ok(httpx.post(f"{money}/budget-units", headers=officer, json=budget_unit))
    line = {
        "fiscal_year": today().year,
        "unit_id": unit_id,
        "economic_class": "30201",
        "fund_source": "GEN",
        "amount": "5000.00",
    }
    line_id = _ok(httpx.post(f"{money}/appropriations", headers=officer, json=line))["id"]
    plan = f"{money}/appropriations/{line_id}/plans/{today().month}"
    _ok(httpx.put(plan, headers=officer, json={"amount": "5000.00"}), 200)
    return unit_id


def test_the_typed_client_flow_runs_against_the_live_suite(
    suite: Suite, compile_flow: Compile
) -> None:
    live = _ok(httpx.get(f"{suite.gateway}/openapi.json"), 200)
    assert live == merged_document(), "the in-process document is the one the gateway serves"
    project, flow = compile_flow(live)

    unit_id = _unit_with_staff_and_budget(suite)
    create_user(suite, "lena", "unit_liaison", unit_id=unit_id)
    create_user(suite, "abe", "finance_approver")
    env = {"FLOW_LIAISON": f"lena:{USER_PASSWORD}", "FLOW_APPROVER": f"abe:{USER_PASSWORD}"}

    # the flow checks what it gets: an auditor is no approver, and it stops at once
    wrong = project.node(
        flow, suite.gateway, env={**env, "FLOW_APPROVER": f"audrey:{USER_PASSWORD}"}
    )
    assert wrong.returncode == 1 and wrong.stdout == ""
    assert "FLOW_APPROVER must be a finance approver" in wrong.stderr

    ran = project.node(flow, suite.gateway, env={**env, "FLOW_AMOUNT": "123.45"})
    assert ran.returncode == 0, ran.stdout + ran.stderr
    summary = json.loads(ran.stdout.strip().splitlines()[-1])
    assert summary == {
        "staff": 2,
        "payment": summary["payment"],
        "amount": "123.45",
        "status": "settled",
        "refused": "FORBIDDEN",
        "approved_by": "abe",
        "ledger_lines": 2,
    }
    payments = _ok(
        httpx.get(f"{suite.gateway}/api/finance/payments", headers=bearer_of(suite, "abe")), 200
    )
    assert [(p["number"], p["status"]) for p in payments["items"]] == [
        (summary["payment"], "settled")
    ]
