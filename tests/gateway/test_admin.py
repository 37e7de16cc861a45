"""User administration: create, update roles and unit scope, disable, reset password."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from tests.gateway.conftest import (
    PASSWORD,
    UNKNOWN_ID,
    GatewayFactory,
    auth,
    login,
    password_status,
    refresh_status,
)

NEW_PASSWORD = "another long passphrase"
UNIT_9 = str(uuid.UUID(int=9))
UNKNOWN = f"00000000-0000-0000-0000-{UNKNOWN_ID}"


def _admin(gateway: TestClient) -> dict[str, str]:
    return auth(login(gateway, "root")["access_token"])


def _create(gateway: TestClient, admin: dict[str, str], **fields: object) -> dict:
    body = {
        "username": "bob",
        "display_name": "Bob",
        "password": PASSWORD,
        "roles": ["staff"],
        **fields,
    }
    response = gateway.post("/api/admin/users", json=body, headers=admin)
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/api/admin/users/{response.json()['id']}"
    assert response.headers["etag"] == '"1"'
    return response.json()


def test_created_user_can_sign_in_with_its_roles(gateway: TestClient) -> None:
    admin = _admin(gateway)
    user = _create(gateway, admin, roles=["unit_liaison", "staff"], unit_id=UNIT_9)
    assert "password" not in user and "password_hash" not in user
    me = gateway.get("/auth/me", headers=auth(login(gateway, "bob")["access_token"])).json()
    assert me["roles"] == ["staff", "unit_liaison"] and me["unit_id"] == UNIT_9


def test_bad_users_are_refused_and_nothing_is_stored(gateway: TestClient) -> None:
    admin = _admin(gateway)
    _create(gateway, admin)
    assert (
        gateway.post(
            "/api/admin/users",
            json={"username": "bob", "display_name": "B", "password": PASSWORD},
            headers=admin,
        ).json()["code"]
        == "USERNAME_TAKEN"
    )
    for bad in (
        {"roles": ["emperor"]},
        {"roles": ["service"]},
        {"password": "short"},
        {"username": "Has Spaces"},
    ):
        body = {"username": "carol", "display_name": "Carol", "password": PASSWORD, **bad}
        response = gateway.post("/api/admin/users", json=body, headers=admin)
        assert response.status_code == 422, bad
    listing = gateway.get("/api/admin/users", headers=admin).json()
    assert [u["username"] for u in listing["items"]] == ["alice", "bob", "root"]


def test_list_filters_by_role_and_pages(gateway: TestClient) -> None:
    admin = _admin(gateway)
    _create(gateway, admin)
    staff = gateway.get("/api/admin/users", params={"role": "staff"}, headers=admin).json()
    assert [u["username"] for u in staff["items"]] == ["bob"]
    page = gateway.get("/api/admin/users", params={"limit": 1, "offset": 1}, headers=admin).json()
    assert page["total"] == 3 and [u["username"] for u in page["items"]] == ["bob"]
    assert (
        gateway.get("/api/admin/users", params={"role": "nonsense"}, headers=admin).status_code
        == 422
    )


def test_role_change_revokes_tokens_with_old_roles(gateway: TestClient) -> None:
    admin = _admin(gateway)
    user = _create(gateway, admin)
    old = login(gateway, "bob")
    response = gateway.patch(
        f"/api/admin/users/{user['id']}",
        json={"roles": ["auditor"]},
        headers={**admin, "If-Match": '"1"'},
    )
    assert response.status_code == 200 and response.json()["roles"] == ["auditor"]
    assert response.headers["etag"] == '"2"'
    assert gateway.get("/auth/me", headers=auth(old["access_token"])).status_code == 401
    assert login(gateway, "bob")  # signs in again with the new roles


def test_stale_if_match_is_412_and_changes_nothing(gateway: TestClient) -> None:
    admin = _admin(gateway)
    user = _create(gateway, admin)
    gateway.patch(f"/api/admin/users/{user['id']}", json={"display_name": "Robert"}, headers=admin)
    stale = gateway.patch(
        f"/api/admin/users/{user['id']}",
        json={"display_name": "Bobby"},
        headers={**admin, "If-Match": '"1"'},
    )
    assert stale.status_code == 412 and stale.json()["code"] == "STALE_VERSION"
    assert (
        gateway.get(f"/api/admin/users/{user['id']}", headers=admin).json()["display_name"]
        == "Robert"
    )
    assert (
        gateway.patch(
            f"/api/admin/users/{user['id']}", json={}, headers={**admin, "If-Match": "junk"}
        ).status_code
        == 400
    )


def test_disabled_user_cannot_sign_in_refresh_or_use_tokens(gateway: TestClient) -> None:
    admin = _admin(gateway)
    user = _create(gateway, admin)
    tokens = login(gateway, "bob")
    assert (
        gateway.post(f"/api/admin/users/{user['id']}/disable", headers=admin).json()["disabled"]
        is True
    )
    assert password_status(gateway, "bob", PASSWORD) == 400
    assert refresh_status(gateway, tokens["refresh_token"]) == 400
    assert gateway.get("/auth/me", headers=auth(tokens["access_token"])).status_code == 401
    gateway.post(f"/api/admin/users/{user['id']}/enable", headers=admin)
    assert login(gateway, "bob")


def test_password_reset_ends_sign_ins(gateway: TestClient) -> None:
    admin = _admin(gateway)
    user = _create(gateway, admin)
    tokens = login(gateway, "bob")
    assert (
        gateway.post(
            f"/api/admin/users/{user['id']}/password",
            json={"password": NEW_PASSWORD},
            headers=admin,
        ).status_code
        == 200
    )
    assert refresh_status(gateway, tokens["refresh_token"]) == 400
    assert login(gateway, "bob", NEW_PASSWORD)


def test_unknown_user_is_404_and_bad_id_is_422(gateway: TestClient) -> None:
    admin = _admin(gateway)
    missing = gateway.get(f"/api/admin/users/{uuid.uuid4()}", headers=admin)
    assert missing.status_code == 404 and missing.json()["code"] == "USER_NOT_FOUND"
    assert gateway.get("/api/admin/users/not-a-uuid", headers=admin).status_code == 422


def test_admin_actions_are_in_the_gateway_audit_chain(gateway: TestClient) -> None:
    admin = _admin(gateway)
    user = _create(gateway, admin)
    gateway.post(f"/api/admin/users/{user['id']}/disable", headers=admin)
    auditor_token = auth(login(gateway, "root")["access_token"])
    assert gateway.get("/api/admin/audit", headers=auditor_token).status_code == 403, (
        "admin is not auditor"
    )
    from tests.support.tokens import make_token

    auditor = auth(make_token("auditor"))
    entries = gateway.get("/api/admin/audit", headers=auditor).json()["items"]
    assert [e["action"] for e in entries] == ["user.disable", "user.create"]
    assert entries[0]["before"]["disabled"] is False and entries[0]["after"]["disabled"] is True
    assert gateway.get("/api/admin/audit/verify", headers=auditor).json()["ok"] is True


def test_a_user_names_only_units_and_people_personnel_knows(gateway: TestClient) -> None:
    admin = _admin(gateway)
    user = _create(gateway, admin, roles=["staff"], unit_id=UNIT_9, staff_id=str(uuid.UUID(int=1)))
    path = f"/api/admin/users/{user['id']}"
    for bad, code in (
        ({"unit_id": ""}, "VALIDATION_FAILED"),
        ({"staff_id": ""}, "VALIDATION_FAILED"),
        ({"roles": []}, "VALIDATION_FAILED"),
        ({"unit_id": UNKNOWN}, "UNKNOWN_UNIT"),
        ({"staff_id": UNKNOWN}, "UNKNOWN_STAFF"),
    ):
        answer = gateway.patch(path, json=bad, headers=admin)
        assert answer.status_code == 422, (bad, answer.text)
        assert answer.json()["code"] == code, (bad, answer.json())
    # another person's staff id: a member of staff has one account at most
    _create(gateway, admin, username="carol", roles=["staff"], staff_id=str(uuid.UUID(int=2)))
    taken = gateway.patch(path, json={"staff_id": str(uuid.UUID(int=2))}, headers=admin)
    assert taken.status_code == 409 and taken.json()["code"] == "STAFF_ID_TAKEN"
    refused = gateway.post(
        "/api/admin/users",
        json={
            "username": "dave",
            "display_name": "Dave",
            "password": PASSWORD,
            "roles": ["staff"],
            "staff_id": str(uuid.UUID(int=2)),
        },
        headers=admin,
    )
    assert refused.status_code == 409
    stored = gateway.get(path, headers=admin).json()
    assert stored["unit_id"] == UNIT_9 and stored["staff_id"] == str(uuid.UUID(int=1))
    assert stored["roles"] == ["staff"] and stored["version"] == 1, "nothing was changed"


def test_personnel_down_means_503_and_no_change(make_gateway: GatewayFactory) -> None:
    gateway = make_gateway(
        service_urls={
            "finance": "http://127.0.0.1:9",
            "assets": "http://127.0.0.1:9",
            "facilities": "http://127.0.0.1:9",
            "personnel": "http://127.0.0.1:9",
        }
    )
    admin = _admin(gateway)
    answer = gateway.post(
        "/api/admin/users",
        json={
            "username": "erin",
            "display_name": "Erin",
            "password": PASSWORD,
            "roles": ["unit_liaison"],
            "unit_id": UNIT_9,
        },
        headers=admin,
    )
    assert answer.status_code == 503 and answer.json()["code"] == "PERSONNEL_UNAVAILABLE"
    users = gateway.get("/api/admin/users", headers=admin).json()["items"]
    assert "erin" not in {u["username"] for u in users}
    # an account that names no unit or person needs no personnel
    assert (
        gateway.post(
            "/api/admin/users",
            json={
                "username": "erin",
                "display_name": "Erin",
                "password": PASSWORD,
                "roles": ["auditor"],
            },
            headers=admin,
        ).status_code
        == 201
    )
