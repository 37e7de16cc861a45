"""Payroll tests' helpers: a fake personnel at the client's HTTP boundary (an
``httpx.MockTransport`` answering ``/staff/bulk``, ``/grades/bulk`` and ``/staff/{id}`` from
plain lists, and able to go down after a number of requests), the books a run needs (a 301
budget line with its month's plan per unit), and the steps of a run."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.finance.clients.personnel import PersonnelClient
from shared.db import unit_of_work
from tests.finance.conftest import APPROVER, OFFICER, make_unit, ok
from tests.support.tokens import StaticToken


@dataclass
class Staff:
    staff_no: str
    name: str
    unit_id: uuid.UUID
    rank_code: str
    posted_since: date
    status: str = "serving"
    grade: str | None = None
    grade_year: int = 2025
    staff_id: uuid.UUID = field(default_factory=uuid.uuid4)
    cycle_id: uuid.UUID = field(default_factory=uuid.uuid4)
    result_id: uuid.UUID = field(default_factory=uuid.uuid4)
    revision: int = 0


@dataclass
class FakePersonnel:
    people: list[Staff] = field(default_factory=list)
    fail_after: int | None = None  # requests answered before it goes down
    requests: int = 0

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.fail_after is not None and self.requests > self.fail_after:
            raise httpx.ConnectError("personnel is down", request=request)
        q = request.url.params
        path = request.url.path
        if path == "/staff/bulk":
            return self._staff(q)
        if path == "/grades/bulk":
            return self._grades(q)
        staff_id = uuid.UUID(path.rsplit("/", 1)[1])
        for s in self.people:
            if s.staff_id == staff_id:
                return httpx.Response(200, json={"id": str(s.staff_id), **self._item(s)})
        return httpx.Response(404, json={"code": "NOT_FOUND"})

    @staticmethod
    def _item(s: Staff) -> dict[str, Any]:
        return {
            "id": str(s.staff_id),
            "staff_no": s.staff_no,
            "name": s.name,
            "posting": {
                "valid_from": s.posted_since.isoformat(),
                "unit_id": str(s.unit_id),
                "rank_code": s.rank_code,
                "status": s.status,
            },
        }

    def _sorted(self, q: httpx.QueryParams) -> list[Staff]:
        after = q.get("after")
        return [
            s
            for s in sorted(self.people, key=lambda s: s.staff_no)
            if after is None or s.staff_no > after
        ]

    def _staff(self, q: httpx.QueryParams) -> httpx.Response:
        units = set(q.get_list("unit_id"))
        chosen = [
            s
            for s in self._sorted(q)
            if s.status == q["status"] and (not units or str(s.unit_id) in units)
        ]
        limit = int(q["limit"])
        items = [self._item(s) for s in chosen[:limit]]
        more = len(chosen) > limit
        return httpx.Response(
            200, json={"items": items, "next_after": items[-1]["staff_no"] if more else None}
        )

    def _grades(self, q: httpx.QueryParams) -> httpx.Response:
        through = q.get("through")
        ended = date.fromisoformat(q["ended_before"])
        items = [
            {
                "staff_id": str(s.staff_id),
                "staff_no": s.staff_no,
                "cycle_id": str(s.cycle_id),
                "year": s.grade_year,
                "result_id": str(s.result_id),
                "revision": s.revision,
                "grade": s.grade,
            }
            for s in self._sorted(q)
            if s.grade is not None
            and date(s.grade_year, 12, 31) < ended
            and (through is None or s.staff_no <= through)
        ]
        return httpx.Response(200, json={"items": items, "next_after": None})


def attach(app: FastAPI, fake: FakePersonnel) -> None:
    """Make ``fake`` the app's personnel (after the app started: its lifespan sets peers)."""
    http = httpx.AsyncClient(transport=httpx.MockTransport(fake.handler))
    app.state.peers["personnel"] = PersonnelClient(
        "personnel", "http://personnel", http, StaticToken("service"), retries=0
    )


def open_books(
    client: TestClient, year: int, month: int, code: str, amount: str, month_plan: str | None = None
) -> str:
    """A budget unit with a 301 line of ``year`` and its plan for ``month`` (the whole line
    unless ``month_plan``); its id."""
    unit = make_unit(client, code)
    line = ok(
        client.post(
            "/appropriations",
            json={
                "fiscal_year": year,
                "unit_id": unit["id"],
                "economic_class": "301",
                "fund_source": "GEN",
                "amount": amount,
            },
            headers=OFFICER,
        ),
        201,
    )
    plan(client, line["id"], month, month_plan or amount)
    return str(unit["id"])


def plan(client: TestClient, line_id: str, month: int, amount: str) -> None:
    ok(
        client.put(
            f"/appropriations/{line_id}/plans/{month}", json={"amount": amount}, headers=OFFICER
        )
    )


def new_run(client: TestClient, year: int, month: int, **body: Any) -> dict[str, Any]:
    return ok(
        client.post("/payroll-runs", json={"year": year, "month": month, **body}, headers=OFFICER),
        201,
    )


def computed(client: TestClient, year: int, month: int) -> dict[str, Any]:
    run = new_run(client, year, month)
    return ok(client.post(f"/payroll-runs/{run['id']}/compute", headers=OFFICER))


def approved(client: TestClient, year: int, month: int) -> dict[str, Any]:
    run = computed(client, year, month)
    return ok(client.post(f"/payroll-runs/{run['id']}/approve", headers=APPROVER))


def slips(client: TestClient, run_id: str) -> dict[str, dict[str, Any]]:
    """The run's payslips by staff number."""
    page = ok(client.get(f"/payroll-runs/{run_id}/payslips?limit=200", headers=OFFICER))
    return {s["staff_no"]: s for s in page["items"]}


def lines(slip: dict[str, Any]) -> dict[str, str]:
    return {line["code"]: line["amount"] for line in slip["lines"]}


def report(app: FastAPI, instruction_id: str, status: str, reason_code: str | None = None) -> None:
    """The treasury's word on an instruction, applied as a callback or a poll applies it."""
    from services.finance.treasury.client import StatusReport
    from services.finance.treasury.status import lock_row

    with unit_of_work(app.state.write_engine) as session:
        row = lock_row(session, instruction_id)
        assert row is not None
        app.state.treasury_statuses.apply(
            session,
            row,
            StatusReport(instruction_id, status, reason_code, reason_code and "refused"),
            "system:test",
        )
