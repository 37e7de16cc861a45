"""Test helpers: valid national ID numbers and hiring through the API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.personnel.conftest import HR

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def national_id(n: int) -> str:
    """A well-formed ID number (Jingzhou area code, born 1980) with a correct check digit."""
    body = f"421002198001{n % 100:02d}{n % 1000:03d}"[:17].ljust(17, "0")
    total = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def hire(client: TestClient, n: int, unit_id: str, **fields: Any) -> dict[str, Any]:
    data = {
        "staff_no": f"S{n:05d}",
        "name": f"职员{n}",
        "national_id": national_id(n),
        "unit_id": unit_id,
        "rank_code": "clerk",
        "effective_from": "2025-01-01",
        **fields,
    }
    response = client.post("/staff", json=data, headers=HR)
    assert response.status_code == 201, response.text
    staff: dict[str, Any] = response.json()
    return staff
