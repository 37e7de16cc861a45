"""Concurrent approvals never overspend: many approvers at once over real HTTP, on SQLite
and PostgreSQL, against a line that can take only some of them."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.finance.conftest import AUDITOR, grant_quota, make_line, make_unit, ok, raise_payment
from tests.support.servers import serve_in_thread
from tests.support.tokens import bearer

WORKERS = 12


def test_concurrent_approvals_never_exceed_availability(app: FastAPI, client: TestClient) -> None:
    unit = make_unit(client)
    line = make_line(client, unit["id"], "1000.00")
    grant_quota(client, unit["id"], "700.00")
    # 24 requests of 100.00: the quota (700) lets exactly 7 through, whatever the order
    payments = [
        raise_payment(client, unit["id"], line["id"], "100.00", method="authorized")
        for _ in range(24)
    ]
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as http:

        def approve(n_payment: tuple[int, str]) -> int:
            n, payment_id = n_payment
            approver = bearer("finance_approver", sub=f"approver-{n % 5}")
            return http.post(f"/payments/{payment_id}/approve", headers=approver).status_code

        with ThreadPoolExecutor(WORKERS) as pool:
            codes = list(pool.map(approve, enumerate(p["id"] for p in payments)))
    assert sorted(set(codes)) == [200, 409], codes
    assert codes.count(200) == 7
    row = ok(client.get("/budget/execution", headers=AUDITOR))["rows"][0]
    assert Decimal(row["committed"]) == Decimal("700.00")
    quota = client.get("/quotas", headers=AUDITOR).json()["items"][0]
    assert (quota["committed"], quota["available"]) == ("700.00", "0.00")
    approved = ok(client.get("/payments", params={"status": "approved"}, headers=AUDITOR))
    assert approved["total"] == 7
