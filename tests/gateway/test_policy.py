"""The policy table: each row lets an allowed role through and stops another; unlisted is denied."""

from __future__ import annotations

import re
import uuid

import pytest
from fastapi.testclient import TestClient

from gateway.identity.models import Role
from gateway.policy import POLICY, PolicyTable, Rule
from tests.gateway.conftest import auth
from tests.support.tokens import make_token

PERSON_ROLES = [r.value for r in Role]


def _concrete(rule: Rule) -> str:
    return re.sub(r"\{[a-z_]+\}", lambda _: str(uuid.uuid4()), rule.pattern)


def _call(client: TestClient, rule: Rule, role: str) -> int:
    token = make_token(role, sub=str(uuid.uuid4()))
    body = {} if rule.method in ("POST", "PATCH", "PUT") else None
    return client.request(rule.method, _concrete(rule), json=body, headers=auth(token)).status_code


@pytest.mark.parametrize("rule", POLICY, ids=lambda r: f"{r.method} {r.pattern}")
def test_allowed_role_passes_and_another_role_is_refused(gateway: TestClient, rule: Rule) -> None:
    allowed = sorted(rule.roles)[0]
    denied = next(r for r in PERSON_ROLES if r not in rule.roles)
    status = _call(gateway, rule, allowed)
    assert status not in (401, 403)
    assert status < 500
    assert _call(gateway, rule, denied) == 403


def test_every_rule_has_a_role_and_no_rule_repeats() -> None:
    seen = set()
    for rule in POLICY:
        assert rule.roles and rule.roles <= set(PERSON_ROLES)
        assert (rule.method, rule.template) not in seen
        seen.add((rule.method, rule.template))


@pytest.mark.parametrize(
    "path",
    [
        "/api/finance/secret-admin",
        "/api/admin/anything",
        "/api/finance/audit/extra",
        "/api/nosuchservice/audit",
    ],
)
def test_unlisted_path_is_denied_even_to_admin_and_auditor(gateway: TestClient, path: str) -> None:
    for role in ("admin", "auditor", "director"):
        response = gateway.get(path, headers=auth(make_token(role)))
        assert response.status_code == 403
        assert response.json()["code"] == "ROUTE_NOT_ALLOWED"


def test_unlisted_method_is_denied(gateway: TestClient) -> None:
    response = gateway.delete("/api/finance/audit", headers=auth(make_token("auditor")))
    assert response.status_code == 403


def test_patterns_match_one_segment_per_parameter() -> None:
    table = PolicyTable([Rule("GET", "/api/x/items/{item_id}", frozenset({"staff"}))])
    assert table.match("GET", "/api/x/items/42") is not None
    assert table.match("HEAD", "/api/x/items/42") is not None
    assert table.match("GET", "/api/x/items/42/more") is None
    assert table.match("GET", "/api/x/items/") is None
    assert table.match("POST", "/api/x/items/42") is None


def test_no_token_is_401_before_any_policy_decision(gateway: TestClient) -> None:
    assert gateway.get("/api/finance/audit").status_code == 401
    assert gateway.get("/api/finance/unlisted").status_code == 401
