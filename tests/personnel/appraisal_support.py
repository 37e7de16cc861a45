"""Helpers of the appraisal, accountability and grade event tests: staff inserted directly
(with effective-dated postings), schemes, cycles, scores."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from services.personnel.staff.models import Staff, StaffPeriod, StaffStatus
from shared.tables import platform_tables
from tests.personnel.conftest import HR
from tests.support.tokens import bearer

DIMS = ("morality", "ability", "diligence", "performance", "integrity", "innovation")
SCHEME: dict[str, Any] = {
    "code": "STD",
    "name": "Standard appraisal",
    "weights": {
        "morality": "15",
        "ability": "15",
        "diligence": "15",
        "performance": "30",
        "integrity": "15",
        "innovation": "10",
    },
    "thresholds": {"excellent": "90", "competent": "75", "basically_competent": "60"},
    "vetoes": {"integrity_below": "85", "penalty_caps_at": "basically_competent"},
    "excellent_cap_percent": "20",
}


def add_staff(
    client: TestClient,
    unit_id: str,
    name: str,
    *,
    since: date = date(2020, 1, 1),
    until: date | None = None,
) -> str:
    """A serving staff member posted to ``unit_id`` from ``since`` (until ``until``)."""
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        staff = Staff(
            staff_no=f"S{uuid.uuid4().hex[:8].upper()}",
            name=name,
            national_id_cipher="cipher",
            national_id_digest=uuid.uuid4().hex,
            national_id_masked="110101********0011",
        )
        session.add(staff)
        session.flush()
        session.add(
            StaffPeriod(
                staff_id=staff.id,
                valid_from=since,
                valid_to=until,
                status=StaffStatus.SERVING,
                unit_id=uuid.UUID(unit_id),
                rank_code="clerk",
                reason="appointed",
            )
        )
        session.commit()
        return str(staff.id)


def transfer(client: TestClient, staff_id: str, unit_id: str, on: date) -> None:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        current = session.exec(
            select(StaffPeriod).where(
                StaffPeriod.staff_id == uuid.UUID(staff_id), col(StaffPeriod.valid_to).is_(None)
            )
        ).one()
        current.valid_to = on
        session.add(current)
        session.add(
            StaffPeriod(
                staff_id=current.staff_id,
                valid_from=on,
                status=StaffStatus.SERVING,
                unit_id=uuid.UUID(unit_id),
                rank_code="clerk",
                reason="transfer",
            )
        )
        session.commit()


def make_scheme(client: TestClient, **changes: Any) -> dict[str, Any]:
    response = client.post("/appraisal-schemes", json={**SCHEME, **changes}, headers=HR)
    assert response.status_code == 201, response.text
    return dict(response.json())


def make_cycle(
    client: TestClient,
    scheme_id: str,
    unit_ids: list[str],
    kind: str = "annual",
    start: str = "2026-01-01",
    end: str = "2026-12-31",
) -> dict[str, Any]:
    body = {
        "name": f"{kind} {start}",
        "kind": kind,
        "period_start": start,
        "period_end": end,
        "unit_ids": unit_ids,
        "scheme_id": scheme_id,
    }
    response = client.post("/appraisal-cycles", json=body, headers=HR)
    assert response.status_code == 201, response.text
    return dict(response.json())


def all_six(value: str, **overrides: str) -> dict[str, str]:
    return {d: overrides.get(d, value) for d in DIMS}


def score(
    client: TestClient,
    cycle_id: str,
    staff_id: str,
    value: str = "80",
    headers: dict[str, str] = HR,
    **overrides: str,
) -> Any:
    return client.put(
        f"/appraisal-cycles/{cycle_id}/scores/{staff_id}",
        json=all_six(value, **overrides),
        headers=headers,
    )


def advance(client: TestClient, cycle_id: str, *actions: str) -> Any:
    response = None
    for action in actions:
        response = client.post(f"/appraisal-cycles/{cycle_id}/{action}", headers=HR)
        assert response.status_code == 200, response.text
    return response


def finalized_cycle(
    client: TestClient, scheme_id: str, unit_id: str, scores: dict[str, str], **kw: Any
) -> dict[str, Any]:
    cycle = make_cycle(client, scheme_id, [unit_id], **kw)
    for staff_id, value in scores.items():
        assert score(client, cycle["id"], staff_id, value).status_code == 200
    advance(client, cycle["id"], "submit", "review", "finalize")
    return cycle


def results_of(client: TestClient, cycle_id: str, headers: dict[str, str] = HR) -> list[dict]:
    response = client.get(f"/appraisal-cycles/{cycle_id}/results", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def outbox_rows(client: TestClient) -> int:
    table = platform_tables("personnel").outbox
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        return int(session.execute(sa_select(func.count()).select_from(table)).scalar_one())


def liaison(unit: dict[str, Any]) -> dict[str, str]:
    return bearer("unit_liaison", unit_id=unit["id"])
