"""Facilities' scope through the gateway, with real tokens, on the real suite: a unit liaison
reaches its own unit's hazards and requests, staff their own requests, the facilities officer
everything, the security officer the zones and fire equipment (checked against assets) but not
hazards or work orders to manage, the auditor and the director read everything and write
nothing (the director only verifies work). The rules asserted are ``gateway/policy.py``'s rows
and ``services/facilities/roles.py``; the places, units and staff are made through the API.

One suite start for the module: the whole walk is one test per database backend."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Suite, bearer_of, create_user
from tests.personnel.staffing import national_id

pytestmark = pytest.mark.e2e

F = "/api/facilities"
USERS = {  # username: (role, unit key, staff key)
    "fac.officer": ("facilities_officer", None, None),
    "sec.officer": ("security_officer", None, None),
    "fac.director": ("director", None, None),
    "fac.auditor": ("auditor", None, None),
    "fin.liaison": ("unit_liaison", "fin", None),
    "edu.liaison": ("unit_liaison", "edu", None),
    "fin.one": ("staff", "fin", "fin.one"),
    "fin.two": ("staff", "fin", "fin.two"),
    "edu.one": ("staff", "edu", "edu.one"),
}


def _ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _refused(response: httpx.Response, status: int, code: str) -> None:
    assert (response.status_code, response.json().get("code")) == (status, code), response.text


def _ids(page: dict[str, Any]) -> set[str]:
    return {row["id"] for row in page["items"]}


@dataclass
class World:
    """Who is who, and the places, hazards and requests made for them."""

    http: httpx.Client
    users: dict[str, dict[str, str]] = field(default_factory=dict)  # username → headers
    units: dict[str, str] = field(default_factory=dict)  # "fin", "edu" → personnel unit id
    staff: dict[str, str] = field(default_factory=dict)  # username → personnel staff id
    places: dict[str, str] = field(default_factory=dict)  # compound, fin/edu building, room
    hazards: dict[str, str] = field(default_factory=dict)  # unit key → hazard id
    orders: dict[str, str] = field(default_factory=dict)  # username → request id

    def get(self, user: str, path: str, **params: Any) -> httpx.Response:
        return self.http.get(f"{F}{path}", params=params, headers=self.users[user])

    def post(self, user: str, path: str, body: Any = None) -> httpx.Response:
        return self.http.post(f"{F}{path}", json=body, headers=self.users[user])

    def patch(self, user: str, path: str, body: Any) -> httpx.Response:
        return self.http.patch(f"{F}{path}", json=body, headers=self.users[user])


def _people(suite: Suite, w: World) -> None:
    """Two units of personnel (``fin``, ``edu``), their staff, and the users of USERS."""
    create_user(suite, "fac.hr", "hr_officer")
    hr = bearer_of(suite, "fac.hr")
    bodies = _ok(w.http.get("/api/personnel/bodies", headers=hr))["items"]
    gov = next(b["id"] for b in bodies if b["code"] == "GOV")
    for key, code, zh in (("fin", "FSF", "设施甲局"), ("edu", "FSE", "设施乙局")):
        body = {"code": code, "name": code.title(), "name_zh": zh, "body_id": gov}
        w.units[key] = _ok(w.http.post("/api/personnel/units", headers=hr, json=body), 201)["id"]
    for n, (username, unit) in enumerate((("fin.one", "fin"), ("fin.two", "fin"),
                                          ("edu.one", "edu")), start=31):  # fmt: skip
        body = {"staff_no": f"FS{n}", "name": f"职员{n}", "national_id": national_id(n),
                "unit_id": w.units[unit], "rank_code": "clerk",
                "effective_from": "2025-01-01"}  # fmt: skip
        w.staff[username] = _ok(w.http.post("/api/personnel/staff", headers=hr, json=body), 201)[
            "id"
        ]
    for username, (role, unit, person) in USERS.items():
        claims = {"unit_id": w.units[unit]} if unit else {}
        if person:
            claims["staff_id"] = w.staff[person]
        create_user(suite, username, role, **claims)
        w.users[username] = bearer_of(suite, username)


def _estate(suite: Suite, w: World) -> None:
    """A compound in assets with a building for each unit, each with a room of that unit."""
    create_user(suite, "fac.assets", "asset_officer")
    officer = bearer_of(suite, "fac.assets")

    def made(path: str, **body: Any) -> Any:
        return _ok(w.http.post(f"/api/assets{path}", headers=officer, json=body), 201)

    compound = made("/compounds", code="FS", name="Facilities compound", name_zh="设施大院",
                    address="3 Road", land_area_m2="20000.00")  # fmt: skip
    w.places["compound"] = compound["id"]
    for n, key in enumerate(("fin", "edu"), start=1):
        block = made("/buildings", code=f"FS-0{n}", compound_id=compound["id"], name=f"Block {n}",
                     kind="office", gross_floor_area_m2="3000.00")  # fmt: skip
        level = made("/floors", building_id=block["id"], level=1)
        room = made("/rooms", code=f"FS-0{n}-101", building_id=block["id"], floor_id=level["id"],
                    number="101", use="office", area_m2="20.00", unit_id=w.units[key])  # fmt: skip
        w.places[f"{key}_building"], w.places[f"{key}_room"] = block["id"], room["id"]


def _hazards(w: World) -> None:
    """A round of the compound whose two defects, one in each unit's room, raise a hazard
    each, the room's unit responsible."""
    fire = {"category": "fire", "title": "Fire safety", "items": [
        {"code": "FIRE-01", "text": "Extinguishers in date", "severity": "critical"},
        {"code": "FIRE-02", "text": "Exits clear", "severity": "major"},
    ]}  # fmt: skip
    checklist = _ok(w.post("fac.officer", "/checklists", fire), 201)
    inspector = w.staff["fin.one"]
    planned = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    round_ = _ok(w.post("fac.officer", "/inspection-rounds", {
        "compound_id": w.places["compound"], "planned_on": planned, "inspectors": [inspector],
    }), 201)  # fmt: skip
    _ok(w.post("fac.officer", f"/inspection-rounds/{round_['id']}/start"))
    listed = _ok(w.get("fac.officer", f"/checklists/{checklist['id']}"))["items"]
    items = {i["code"]: i["id"] for i in listed}
    at = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    answers = [
        {"item_id": items[code], "outcome": "defect", "note": "found wanting",
         "inspector_id": inspector, "answered_at": at, "room_id": w.places[f"{key}_room"]}
        for code, key in (("FIRE-01", "fin"), ("FIRE-02", "edu"))
    ]  # fmt: skip
    receipt = _ok(w.post("fac.officer", f"/inspection-rounds/{round_['id']}/answers",
                         {"answers": answers}))  # fmt: skip
    assert receipt["hazards_raised"] == 2
    for hazard in _ok(w.get("fac.officer", "/hazards"))["items"]:
        unit = next(k for k, u in w.units.items() if u == hazard["responsible_unit_id"])
        w.hazards[unit] = hazard["id"]
    assert set(w.hazards) == {"fin", "edu"}


def _liaisons_reach_their_own_units_hazards(w: World) -> None:
    for own, other in (("fin", "edu"), ("edu", "fin")):
        liaison = f"{own}.liaison"
        assert _ids(_ok(w.get(liaison, "/hazards"))) == {w.hazards[own]}
        seen = _ok(w.get(liaison, f"/hazards/{w.hazards[own]}"))
        assert seen["place"]["room_id"] == w.places[f"{own}_room"]
        _refused(w.get(liaison, f"/hazards/{w.hazards[other]}"), 403, "OUTSIDE_OWN_UNIT")
        _refused(w.get(liaison, "/hazards", unit_id=w.units[other]), 403, "OUTSIDE_OWN_UNIT")
        # managing hazards is the facilities officer's (the gateway's row)
        assign = {"unit_id": w.units[own], "staff_id": w.staff["fin.one"]}
        _refused(w.post(liaison, f"/hazards/{w.hazards[own]}/assign", assign), 403, "FORBIDDEN")
        _refused(w.get(liaison, "/hazards/dashboard"), 403, "FORBIDDEN")


def _requests_are_raised(w: World) -> None:
    """A request from the fin liaison, from each member of staff, all for assets' places."""
    for user, key in (("fin.liaison", "fin"), ("fin.one", "fin"), ("fin.two", "fin"),
                      ("edu.one", "edu")):  # fmt: skip
        body = {"title": f"Tap dripping, reported by {user}",
                "building_id": w.places[f"{key}_building"],
                "room_id": w.places[f"{key}_room"]}  # fmt: skip
        order = _ok(w.post(user, "/work-orders", body), 201)
        assert (order["unit_id"], order["status"]) == (w.units[key], "requested")
        w.orders[user] = order["id"]
    for user in ("fin.liaison", "fin.one"):
        theirs = {"title": "For another unit", "unit_id": w.units["edu"]}
        _refused(w.post(user, "/work-orders", theirs), 403, "OUTSIDE_OWN_UNIT")
    unknown = {"title": "Nowhere", "building_id": str(uuid.uuid4())}
    _refused(w.post("fin.one", "/work-orders", unknown), 422, "UNKNOWN_LOCATION")


def _staff_see_only_their_own_requests(w: World) -> None:
    for user in ("fin.one", "fin.two", "edu.one"):
        assert _ids(_ok(w.get(user, "/work-orders"))) == {w.orders[user]}
        assert _ok(w.get(user, f"/work-orders/{w.orders[user]}"))["id"] == w.orders[user]
    for user, other in (("fin.one", "fin.two"), ("fin.two", "edu.one")):
        _refused(w.get(user, f"/work-orders/{w.orders[other]}"), 403, "OUTSIDE_OWN_RECORDS")
    _refused(w.post("fin.one", f"/work-orders/{w.orders['fin.one']}/triage", {"priority": "high"}),
             403, "FORBIDDEN")  # fmt: skip
    _refused(w.get("fin.one", "/safety-zones"), 403, "FORBIDDEN")


def _liaisons_see_their_units_requests(w: World) -> None:
    fin = {w.orders[u] for u in ("fin.liaison", "fin.one", "fin.two")}
    assert _ids(_ok(w.get("fin.liaison", "/work-orders"))) == fin
    assert _ids(_ok(w.get("edu.liaison", "/work-orders"))) == {w.orders["edu.one"]}
    _refused(w.get("fin.liaison", f"/work-orders/{w.orders['edu.one']}"), 403, "OUTSIDE_OWN_UNIT")
    assert (
        _ok(w.get("edu.liaison", f"/work-orders/{w.orders['edu.one']}"))["unit_id"]
        == (w.units["edu"])
    )


def _the_facilities_officer_sees_and_manages_everything(w: World) -> None:
    assert _ids(_ok(w.get("fac.officer", "/hazards"))) == set(w.hazards.values())
    assert _ids(_ok(w.get("fac.officer", "/work-orders"))) == set(w.orders.values())
    order = w.orders["fin.one"]
    assert (
        _ok(w.post("fac.officer", f"/work-orders/{order}/triage", {"priority": "high"}))["status"]
        == "triaged"
    )
    assign = {"unit_id": w.units["fin"], "staff_id": w.staff["fin.one"]}
    assigned = _ok(w.post("fac.officer", f"/hazards/{w.hazards['fin']}/assign", assign))
    assert (assigned["status"], assigned["responsible_staff_id"]) == (
        "assigned",
        w.staff["fin.one"],
    )
    # staff see the hazards they are made responsible for, and only those
    assert _ids(_ok(w.get("fin.one", "/hazards"))) == {w.hazards["fin"]}
    assert _ok(w.get("fin.two", "/hazards"))["total"] == 0
    _refused(w.get("fin.two", f"/hazards/{w.hazards['fin']}"), 403, "OUTSIDE_OWN_RECORDS")
    # zones and fire equipment are the security officer's
    zone = {"code": "FS-OFFICER", "name": "Not mine", "area_name": "Car park"}
    _refused(w.post("fac.officer", "/safety-zones", zone), 403, "FORBIDDEN")


def _the_security_officer_keeps_zones_and_equipment(w: World) -> None:
    sec = "sec.officer"
    zone = _ok(w.post(sec, "/safety-zones", {
        "code": "FS-ZONE", "name": "Compound FS", "compound_id": w.places["compound"],
        "building_ids": [w.places["fin_building"], w.places["edu_building"]],
        "unit_ids": [w.units["fin"], w.units["edu"]],
    }), 201)  # fmt: skip
    liaison = {"staff_id": w.staff["fin.one"], "name": "Fin One", "phone": "025-8400 1000"}
    _ok(w.http.put(f"{F}/safety-liaisons/{w.units['fin']}", json=liaison, headers=w.users[sec]))
    entrance = {"building_id": w.places["edu_building"], "label": "Entrance 1"}
    _ok(w.post(sec, "/entrances", entrance), 201)
    # an item in a room: its building filled in from assets, its zone the building's
    item = _ok(w.post(sec, "/fire-equipment", {
        "code": "EXT-FS-1", "kind": "extinguisher", "check_interval_days": 30,
        "in_service_from": "2026-01-01", "room_id": w.places["fin_room"],
    }), 201)  # fmt: skip
    assert (item["building_id"], item["zone_id"]) == (w.places["fin_building"], zone["id"])
    mismatch = {"code": "EXT-FS-2", "kind": "extinguisher", "check_interval_days": 30,
                "in_service_from": "2026-01-01", "building_id": w.places["edu_building"],
                "room_id": w.places["fin_room"]}  # fmt: skip
    _refused(w.post(sec, "/fire-equipment", mismatch), 422, "LOCATION_MISMATCH")
    unknown = {**mismatch, "building_id": str(uuid.uuid4()), "room_id": None}
    _refused(w.post(sec, "/fire-equipment", unknown), 422, "UNKNOWN_LOCATION")
    moved = w.http.patch(f"{F}/fire-equipment/{item['id']}", json={"description": "By the lift"},
                         headers={**w.users[sec], "If-Match": '"1"'})  # fmt: skip
    assert _ok(moved)["version"] == 2
    check = {"check_id": str(uuid.uuid4()), "equipment_id": item["id"], "result": "ok",
             "checked_at": datetime.now(UTC).isoformat(), "checked_by": "Guard Chen"}  # fmt: skip
    assert _ok(w.post(sec, "/fire-equipment/checks", {"checks": [check]}))["new"] == 1
    # it reads hazards (a bureau-wide reader) but does not manage them, nor work orders
    assert _ids(_ok(w.get(sec, "/hazards"))) == set(w.hazards.values())
    edu = w.hazards["edu"]
    assign = {"unit_id": w.units["edu"], "staff_id": w.staff["edu.one"]}
    _refused(w.post(sec, f"/hazards/{edu}/assign", assign), 403, "FORBIDDEN")
    order = w.orders["edu.one"]
    _refused(w.post(sec, f"/work-orders/{order}/triage", {"priority": "low"}), 403, "FORBIDDEN")
    _refused(w.patch(sec, f"/work-orders/{order}", {"title": "Mine now"}), 403, "FORBIDDEN")
    plan = {"code": "FS-LIFT", "title": "Lift", "interval_months": 1, "anchor_on": "2026-01-05",
            "compound_id": w.places["compound"]}  # fmt: skip
    _refused(w.post(sec, "/preventive-plans", plan), 403, "FORBIDDEN")
    # a security officer may raise a request like any requester (REQUESTERS)
    raised = _ok(w.post(sec, "/work-orders", {"title": "Hydrant cover loose"}), 201)
    w.orders[sec] = raised["id"]


def _auditor_and_director_read_and_do_not_write(w: World) -> None:
    for reader in ("fac.auditor", "fac.director"):
        assert _ids(_ok(w.get(reader, "/hazards"))) == set(w.hazards.values())
        assert _ids(_ok(w.get(reader, "/work-orders"))) == set(w.orders.values())
        assert _ok(w.get(reader, "/safety-zones"))["total"] == 1
        assert _ok(w.get(reader, "/fire-equipment"))["total"] == 1
        assert _ok(w.get(reader, f"/hazards/{w.hazards['edu']}"))["id"] == w.hazards["edu"]
        writes = [
            w.post(reader, "/work-orders", {"title": "Reader's request"}),
            w.post(reader, f"/work-orders/{w.orders['fin.two']}/triage", {"priority": "low"}),
            w.post(reader, f"/hazards/{w.hazards['edu']}/assign",
                   {"unit_id": w.units["edu"], "staff_id": w.staff["edu.one"]}),
            w.post(reader, "/safety-zones", {"code": "FS-R", "name": "R", "area_name": "Yard"}),
            w.post(reader, "/fire-equipment/checks", {"checks": []}),
            w.patch(reader, f"/work-orders/{w.orders['fin.two']}", {"title": "Changed"}),
        ]  # fmt: skip
        for answer in writes:
            _refused(answer, 403, "FORBIDDEN")
    assert _ok(w.get("fac.auditor", "/work-orders"))["total"] == len(w.orders)
    # the one write the director has: verifying work done (a requested order is not yet done)
    verify = w.post("fac.director", f"/work-orders/{w.orders['fin.two']}/verify", {})
    _refused(verify, 409, "INVALID_TRANSITION")
    _refused(w.post("fac.auditor", f"/work-orders/{w.orders['fin.two']}/verify", {}), 403,
             "FORBIDDEN")  # fmt: skip


def test_facilities_scope_through_the_gateway(suite: Suite) -> None:
    with httpx.Client(base_url=suite.gateway, timeout=30) as http:
        w = World(http)
        _people(suite, w)
        _estate(suite, w)
        _hazards(w)
        _liaisons_reach_their_own_units_hazards(w)
        _requests_are_raised(w)
        _staff_see_only_their_own_requests(w)
        _liaisons_see_their_units_requests(w)
        _the_facilities_officer_sees_and_manages_everything(w)
        _the_security_officer_keeps_zones_and_equipment(w)
        _auditor_and_director_read_and_do_not_write(w)
