"""The five rights' routes: recording holdings (periods close, never overlap), their history,
and who holds which right over a room or asset on a day, inherited from its building."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from services.assets.register.models import AssetEvent, EventKind
from services.assets.rights.service import room_before
from tests.assets.conftest import OFFICER, layout
from tests.assets.factories import insert_asset
from tests.support.tokens import bearer

DIRECTOR = bearer("director")
CITY = "Municipal People's Government"


def hold(
    client: TestClient, kind: str, subject_id: str, right: str, holder: str, start: str, **more: Any
) -> Any:
    data = {
        "subject_kind": kind,
        "subject_id": subject_id,
        "right": right,
        "holder_name": holder,
        "valid_from": start,
        **more,
    }
    return client.post("/rights", json=data, headers=OFFICER)


def held(client: TestClient, kind: str, subject_id: str, day: str) -> dict[str, Any]:
    params = {"subject_kind": kind, "subject_id": subject_id, "day": day}
    response = client.get("/rights/holders", params=params, headers=DIRECTOR)
    assert response.status_code == 200, response.text
    return {r["right"]: r for r in response.json()["rights"]}


def test_a_new_holding_ends_the_open_one_the_day_it_starts(client: TestClient) -> None:
    b = layout(client)["building"]["id"]
    first = hold(client, "building", b, "management", "Bureau", "2020-01-01")
    assert first.status_code == 201, first.text
    assert first.json()["valid_to"] is None
    unit = str(uuid.uuid4())
    second = hold(client, "building", b, "management", "Service centre", "2024-07-01",
                  holder_unit_id=unit, basis="Decision 2024/17")  # fmt: skip
    assert second.status_code == 201, second.text
    history = client.get(
        "/rights", params={"subject_kind": "building", "subject_id": b}, headers=DIRECTOR
    ).json()
    assert history["total"] == 2
    latest, ended = history["items"]
    assert (latest["holder_name"], latest["valid_to"], latest["basis"]) == (
        "Service centre",
        None,
        "Decision 2024/17",
    )
    assert (ended["holder_name"], ended["valid_to"], ended["version"]) == (
        "Bureau",
        "2024-07-01",
        2,
    )
    # another right of the same building is its own history
    assert hold(client, "building", b, "ownership", CITY, "2000-01-01").status_code == 201
    on_day = held(client, "building", b, "2024-06-30")
    assert on_day["management"]["holding"]["holder_name"] == "Bureau"
    later = held(client, "building", b, "2024-07-01")
    assert later["management"]["holding"]["holder_unit_id"] == unit


@pytest.mark.parametrize("start", ["2019-12-31", "2020-01-01", "2023-06-30"])
def test_a_start_on_or_before_the_open_one_or_inside_a_closed_one_is_refused(
    client: TestClient, start: str
) -> None:
    b = layout(client)["building"]["id"]
    assert hold(client, "building", b, "use", "Unit A", "2020-01-01").status_code == 201
    assert hold(client, "building", b, "use", "Unit B", "2023-07-01").status_code == 201
    # 2019-12-31 and 2020-01-01: before or inside Unit A's closed period; 2023-06-30 too
    response = hold(client, "building", b, "use", "Unit C", start)
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "RIGHT_PERIOD_OVERLAP"
    query = {"subject_kind": "building", "subject_id": b}
    assert client.get("/rights", params=query, headers=OFFICER).json()["total"] == 2


def test_a_start_on_the_open_ones_start_is_refused(client: TestClient) -> None:
    b = layout(client)["building"]["id"]
    assert hold(client, "building", b, "use", "Unit A", "2020-01-01").status_code == 201
    again = hold(client, "building", b, "use", "Unit B", "2020-01-01")
    assert again.status_code == 409
    assert again.json()["code"] == "RIGHT_PERIOD_OVERLAP"


def test_an_unknown_subject_is_refused(client: TestClient) -> None:
    layout(client)
    for kind in ("building", "room", "asset"):
        response = hold(client, kind, str(uuid.uuid4()), "use", "Unit A", "2020-01-01")
        assert response.status_code == 422
        assert response.json()["code"] == "UNKNOWN_SUBJECT"
    params = {"subject_kind": "room", "subject_id": str(uuid.uuid4())}
    response = client.get("/rights/holders", params=params, headers=OFFICER)
    assert response.json()["code"] == "UNKNOWN_SUBJECT"
    assert client.get("/rights", headers=OFFICER).json()["total"] == 0


def test_who_holds_which_right_over_an_asset_on_a_day_in_one_read(
    client: TestClient, engine: Engine
) -> None:
    made = layout(client)
    b, r = made["building"]["id"], made["rooms"][0]["id"]
    unit = uuid.uuid4()
    asset = insert_asset(engine, unit_id=unit, room_id=uuid.UUID(r))
    a = str(asset.id)
    for right, holder in (
        ("ownership", CITY),
        ("management", "Bureau"),
        ("operation", "Service centre"),
        ("disposal", "Bureau"),
    ):
        assert hold(client, "building", b, right, holder, "2020-01-01").status_code == 201
    assert hold(client, "room", r, "use", "Unit A", "2021-01-01",
                holder_unit_id=str(unit)).status_code == 201  # fmt: skip
    assert hold(client, "asset", a, "disposal", "Unit A", "2025-01-01").status_code == 201

    day = held(client, "asset", a, "2025-03-01")
    assert list(day) == ["ownership", "management", "operation", "use", "disposal"]
    assert day["ownership"]["holding"]["holder_name"] == CITY
    assert (day["ownership"]["recorded_on_kind"], day["ownership"]["recorded_on_id"]) == (
        "building",
        b,
    )
    assert day["ownership"]["inherited"] is True
    assert (day["use"]["recorded_on_kind"], day["use"]["holding"]["holder_name"]) == (
        "room",
        "Unit A",
    )
    # the asset's own holding wins over its building's
    assert day["disposal"]["recorded_on_kind"] == "asset"
    assert day["disposal"]["inherited"] is False

    before = held(client, "asset", a, "2020-06-01")
    assert before["use"]["holding"] is None and before["use"]["recorded_on_kind"] is None
    assert before["disposal"]["holding"]["holder_name"] == "Bureau"
    assert all(v["holding"] is None for v in held(client, "asset", a, "2019-12-31").values())

    room_day = held(client, "room", r, "2025-03-01")
    assert room_day["use"]["inherited"] is False
    assert room_day["disposal"]["recorded_on_kind"] == "building"


def test_recording_a_holding_is_audited(client: TestClient) -> None:
    b = layout(client)["building"]["id"]
    hold(client, "building", b, "use", "Unit A", "2020-01-01")
    hold(client, "building", b, "use", "Unit B", "2022-01-01")
    audit = client.get("/audit", params={"action": "right.recorded"}, headers=bearer("auditor"))
    assert audit.status_code == 200, audit.text
    entries = audit.json()["items"]
    assert len(entries) == 2
    closing = next(e for e in entries if e["before"] is not None)
    assert closing["before"]["holder_name"] == "Unit A"
    assert closing["after"]["holder_name"] == "Unit B"


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/rights"), ("GET", "/rights"), ("GET", "/rights/holders")],
)
@pytest.mark.parametrize("role", ["staff", "unit_liaison", "facilities_officer", None])
def test_roles(client: TestClient, method: str, path: str, role: str | None) -> None:
    headers = bearer(role) if role else {}
    params = {"subject_kind": "room", "subject_id": str(uuid.uuid4())} if method == "GET" else {}
    response = client.request(method, path, params=params, json={}, headers=headers)
    assert response.status_code == (403 if role else 401)


def test_the_director_and_peers_read_but_do_not_record(client: TestClient) -> None:
    b = layout(client)["building"]["id"]
    data = {"subject_kind": "building", "subject_id": b, "right": "use",
            "holder_name": "X", "valid_from": "2020-01-01"}  # fmt: skip
    assert client.post("/rights", json=data, headers=DIRECTOR).status_code == 403
    assert client.get("/rights", headers=bearer("service")).status_code == 200


def test_an_asset_inherits_from_the_room_it_lay_in_on_the_day(
    client: TestClient, engine: Engine
) -> None:
    made = layout(client)
    r0, r1, r2 = (room["id"] for room in made["rooms"])
    for r, holder in ((r0, "Unit A"), (r1, "Unit B"), (r2, "Unit C")):
        assert hold(client, "room", r, "use", holder, "2020-01-01").status_code == 201
    asset = insert_asset(engine, unit_id=uuid.uuid4(), room_id=uuid.UUID(r0))
    a = str(asset.id)
    steps = (
        ("moves", {"room_id": r1, "occurred_on": "2025-06-01"}),
        ("moves", {"custodian_id": str(uuid.uuid4()), "occurred_on": "2025-07-01"}),
        (
            "transfers",
            {"to_unit_id": str(uuid.uuid4()), "room_id": r2, "occurred_on": "2025-09-01"},
        ),
    )
    for path, body in steps:
        done = client.post(f"/assets/{a}/{path}", json={**body, "reason": "x"}, headers=OFFICER)
        assert done.status_code == 200, done.text

    def user(day: str) -> str:
        found = held(client, "asset", a, day)["use"]
        assert found["recorded_on_kind"] == "room" and found["inherited"] is True
        return str(found["holding"]["holder_name"])

    assert [user(d) for d in ("2025-03-01", "2025-05-31")] == ["Unit A", "Unit A"]
    assert [user(d) for d in ("2025-06-01", "2025-07-15", "2025-08-31")] == ["Unit B"] * 3
    assert [user(d) for d in ("2025-09-01", "2026-01-01")] == ["Unit C", "Unit C"]


def test_a_stocktake_relocation_and_an_acquisition_tell_theroom_before() -> None:
    room_a, room_b = uuid.uuid4(), uuid.uuid4()
    relocated = AssetEvent(
        asset_id=uuid.uuid4(),
        kind=EventKind.MOVED,
        occurred_on=date(2025, 1, 1),
        by="x",
        reason="stocktake: found elsewhere",
        unit_id=uuid.uuid4(),
        details={"stocktake_id": "s", "from_room_id": str(room_a), "room_id": str(room_b)},
    )
    assert room_before(relocated) == (True, str(room_a))
    acquired = relocated.model_copy(update={"kind": EventKind.ACQUIRED, "details": {}})
    assert room_before(acquired) == (True, None)
    custodian = relocated.model_copy(
        update={"details": {"before": {"custodian_id": "c"}, "after": {"custodian_id": "d"}}}
    )
    assert room_before(custodian) == (False, None)
