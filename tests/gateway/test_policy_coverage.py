"""Every business route of every service has its row in the gateway's policy, every row names
a route that exists, and both admit the same roles: nothing is reachable by accident, nothing
is listed in vain, and the gateway and a service never disagree about who may call what."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI

from gateway.policy import POLICY
from services.assets.config import AssetsSettings
from services.assets.main import create_app as assets_app
from services.facilities.config import FacilitiesSettings
from services.facilities.main import create_app as facilities_app
from services.finance.config import FinanceSettings
from services.finance.main import create_app as finance_app
from services.personnel.config import PersonnelSettings
from services.personnel.main import create_app as personnel_app

# platform routes that never go through the gateway (health, peers' events) or have their
# rows from ``platform_rules`` (gateway/policy/rules.py)
_DIRECT = {"/healthz", "/readyz", "/metrics", "/events"}
_PARAM = re.compile(r"\{[^}]+\}")


def _operations(app: FastAPI) -> dict[tuple[str, str], frozenset[str]]:
    """Each operation the service answers through the gateway, with its ``x-roles``."""
    return {
        (method.upper(), _PARAM.sub("{}", path)): frozenset(operation.get("x-roles", ()))
        for path, operations in app.openapi()["paths"].items()
        if path not in _DIRECT
        for method, operation in operations.items()
    }


def _rows(service: str) -> dict[tuple[str, str], frozenset[str]]:
    prefix = f"/api/{service}"
    return {
        (r.method, r.template.removeprefix(prefix)): frozenset(str(role) for role in r.roles)
        for r in POLICY
        if r.pattern.startswith(prefix + "/")
    }


APPS = {
    "assets": lambda: assets_app(AssetsSettings()),
    "facilities": lambda: facilities_app(FacilitiesSettings()),
    "finance": lambda: finance_app(FinanceSettings()),
    "personnel": lambda: personnel_app(PersonnelSettings()),
}


@pytest.mark.parametrize("service", sorted(APPS))
def test_every_route_has_a_policy_row_and_every_row_a_route(service: str) -> None:
    routes = set(_operations(APPS[service]()))
    rows = set(_rows(service))
    assert routes - rows == set(), "routes without a policy row"
    assert rows - routes == set(), "policy rows without a route"


@pytest.mark.parametrize("service", sorted(APPS))
def test_gateway_and_service_admit_the_same_roles(service: str) -> None:
    operations = _operations(APPS[service]())
    rows = _rows(service)
    disagreements = {
        f"{method} {path}": {
            "gateway only": sorted(rows[method, path] - roles),
            "service only": sorted(roles - rows[method, path]),
        }
        for (method, path), roles in operations.items()
        if (method, path) in rows and rows[method, path] != roles
    }
    assert disagreements == {}


@pytest.mark.parametrize("service", sorted(APPS))
def test_every_operation_declares_its_roles(service: str) -> None:
    missing = [key for key, roles in _operations(APPS[service]()).items() if not roles]
    assert missing == []
