"""Every business route of every service has its row in the gateway's policy, and every row
names a route that exists: nothing is reachable by accident, nothing is listed in vain."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI

from gateway.policy import POLICY
from services.finance.config import FinanceSettings
from services.finance.main import create_app as finance_app
from services.personnel.config import PersonnelSettings
from services.personnel.main import create_app as personnel_app

# platform routes that never go through the gateway (health, peers' events) or have their
# rows from ``_platform_rules``
_DIRECT = {"/healthz", "/readyz", "/metrics", "/events"}
_PARAM = re.compile(r"\{[^}]+\}")


def _routes(app: FastAPI) -> set[tuple[str, str]]:
    return {
        (method.upper(), _PARAM.sub("{}", path))
        for path, operations in app.openapi()["paths"].items()
        if path not in _DIRECT
        for method in operations
    }


APPS = {
    "finance": lambda: finance_app(FinanceSettings()),
    "personnel": lambda: personnel_app(PersonnelSettings()),
}


@pytest.mark.parametrize("service", sorted(APPS))
def test_every_route_has_a_policy_row_and_every_row_a_route(service: str) -> None:
    routes = _routes(APPS[service]())
    prefix = f"/api/{service}"
    rows = {
        (r.method, r.template.removeprefix(prefix))
        for r in POLICY
        if r.pattern.startswith(prefix + "/")
    }
    assert routes - rows == set(), "routes without a policy row"
    assert rows - routes == set(), "policy rows without a route"
