"""Standards for finance tests: the demo set drafted and approved through the API."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from tests.finance.conftest import APPROVER, OFFICER, ok


def as_json(draft: dict[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(draft, default=str))
    return loaded


def issue(client: TestClient, draft: dict[str, Any]) -> dict[str, Any]:
    """Draft ``draft`` as the officer and approve it as the approver."""
    row = ok(client.post("/standards", json=as_json(draft), headers=OFFICER), 201)
    return ok(client.post(f"/standards/{row['id']}/approve", headers=APPROVER))


def issue_demo_set(client: TestClient) -> list[dict[str, Any]]:
    """Every kind of standard in force, as the demo ships them."""
    from services.finance.standards.demo import drafts

    return [issue(client, draft) for draft in drafts()]
