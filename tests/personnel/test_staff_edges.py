"""Edges of staff and organisation writes: explicit nulls, NUL characters, racing changes."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi.testclient import TestClient

from services.personnel.config import PersonnelSettings
from services.personnel.main import create_app
from tests.personnel.conftest import HR, body_id, make_unit
from tests.personnel.staffing import hire
from tests.support.servers import serve_in_thread
from tests.support.tokens import verifier


def test_explicit_null_for_a_required_field_is_422_and_changes_nothing(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    staff = hire(client, 1, fin["id"], phone="0716-8000000")
    for url, body in (
        (f"/units/{fin['id']}", {"active": None}),
        (f"/units/{fin['id']}", {"name": None}),
        (f"/staff/{staff['id']}", {"name": None}),
    ):
        response = client.patch(url, json=body, headers=HR)
        assert response.status_code == 422, (url, body, response.text)
        assert "may not be null" in response.text
    assert client.get(f"/units/{fin['id']}", headers=HR).json()["version"] == 1
    cleared = client.patch(f"/staff/{staff['id']}", json={"phone": None}, headers=HR)
    assert cleared.status_code == 200
    assert cleared.json()["phone"] is None


def test_a_nul_character_is_refused_not_a_server_error(client: TestClient) -> None:
    data = {"code": "NUL", "name": "a\x00b", "name_zh": "甲", "body_id": body_id(client)}
    assert client.post("/units", json=data, headers=HR).status_code < 500
    assert client.get("/staff", params={"rank_code": "a\x00"}, headers=HR).status_code < 500


def test_racing_posting_changes_leave_one_open_posting(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    hru = make_unit(client, "HRU")
    staff = hire(client, 1, fin["id"])
    app = create_app(
        PersonnelSettings(),
        engine=client.app.state.engine,  # type: ignore[attr-defined]
        verifier=verifier(),
        run_relay=False,
        access_log=False,
    )
    change = {"effective_from": "2026-03-01", "unit_id": hru["id"], "reason": "transfer"}
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as http:

        def post(day: str) -> int:
            return http.post(
                f"/staff/{staff['id']}/postings",
                headers={**HR, "If-Match": '"1"'},
                json={**change, "effective_from": day},
            ).status_code

        with ThreadPoolExecutor(4) as pool:
            codes = list(pool.map(post, ["2026-03-01", "2026-04-01", "2026-05-01", "2026-06-01"]))
    assert sorted(codes) == [201, 412, 412, 412]
    history = client.get(f"/staff/{staff['id']}/history", headers=HR).json()["items"]
    assert [p["valid_to"] for p in history].count(None) == 1
    assert len(history) == 2
