"""Who reaches what: 401 without a token and 403 for a role outside each operation's
``x-roles`` (every facilities operation), and the hazards' row scope (a liaison its unit's,
staff those they are responsible for)."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.facilities.conftest import OFFICER, Suite, ok
from tests.facilities.support import found
from tests.support.tokens import bearer

_DIRECT = {"/healthz", "/readyz", "/metrics", "/events"}
ROLES = ("facilities_officer", "director", "auditor", "unit_liaison", "staff", "treasury", "guard")


def _operations(client: TestClient) -> list[tuple[str, str, frozenset[str]]]:
    paths = client.get("/openapi.json").json()["paths"]
    return [
        (method.upper(), path, frozenset(op.get("x-roles", ())))
        for path, ops in paths.items()
        if path not in _DIRECT and not path.startswith("/audit")
        for method, op in ops.items()
    ]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)


def test_every_operation_refuses_the_anonymous_and_the_roles_it_does_not_name(
    suite: Suite,
) -> None:
    operations = _operations(suite.client)
    assert len(operations) >= 20
    for method, path, roles in operations:
        url = _concrete(path.replace("{kind}", "room"))
        anonymous = suite.client.request(method, url, json={})
        assert anonymous.status_code == 401, (method, path)
        refused = [r for r in ROLES if r not in roles]
        assert refused, (method, path)
        for role in refused:
            claims: dict[str, Any] = {"unit_id": str(uuid.uuid4()), "staff_id": str(uuid.uuid4())}
            response = suite.client.request(method, url, json={}, headers=bearer(role, **claims))
            assert response.status_code == 403, (method, path, role, response.text)


@pytest.mark.parametrize("role", ["director", "auditor"])
def test_the_bureau_readers_see_every_hazard(suite: Suite, role: str) -> None:
    found(suite, ("FIRE-01", "defect", {}), ("FIRE-02", "defect", {}))
    assert ok(suite.client.get("/hazards", headers=bearer(role)))["total"] == 2
    write = suite.client.post("/hazards/escalate", headers=bearer(role))
    assert write.status_code == 403


def test_a_liaison_sees_its_units_hazards_and_staff_their_own(suite: Suite) -> None:
    client = suite.client
    made = found(
        suite, ("FIRE-01", "defect", {}), ("FIRE-02", "defect", {}), ("FIRE-03", "defect", {})
    )
    unit, other_unit, person = (str(uuid.uuid4()) for _ in range(3))
    first, second, third = made["hazards"]
    ok(
        client.post(
            f"/hazards/{first['id']}/assign",
            json={"unit_id": unit, "staff_id": person},
            headers=OFFICER,
        )
    )
    ok(
        client.post(
            f"/hazards/{second['id']}/assign",
            json={"unit_id": other_unit, "staff_id": str(uuid.uuid4())},
            headers=OFFICER,
        )
    )
    liaison = bearer("unit_liaison", unit_id=unit)
    mine = ok(client.get("/hazards", headers=liaison))
    assert [h["id"] for h in mine["items"]] == [first["id"]]
    ok(client.get(f"/hazards/{first['id']}", headers=liaison))
    theirs = client.get(f"/hazards/{second['id']}", headers=liaison)
    assert theirs.status_code == 403 and theirs.json()["code"] == "OUTSIDE_OWN_UNIT"
    asked = client.get(f"/hazards?unit_id={other_unit}", headers=liaison)
    assert asked.status_code == 403 and asked.json()["code"] == "OUTSIDE_OWN_UNIT"
    staff = bearer("staff", staff_id=person)
    assert [h["id"] for h in ok(client.get("/hazards", headers=staff))["items"]] == [first["id"]]
    nobody = client.get(f"/hazards/{third['id']}", headers=staff)
    assert nobody.status_code == 403 and nobody.json()["code"] == "OUTSIDE_OWN_RECORDS"
    unlinked = client.get("/hazards", headers=bearer("staff"))
    assert unlinked.status_code == 403 and unlinked.json()["code"] == "NO_STAFF_RECORD"
