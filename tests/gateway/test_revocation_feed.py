"""The revocation feed services poll: who may read it, what it holds, and its ETag."""

from __future__ import annotations

import jwt
from fastapi.testclient import TestClient

from tests.gateway.conftest import PASSWORD, SERVICE_SECRET, auth, login


def _service_token(gateway: TestClient) -> str:
    response = gateway.post(
        "/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "finance",
            "client_secret": SERVICE_SECRET,
        },
    )
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def test_only_services_read_the_feed(gateway: TestClient) -> None:
    user = login(gateway)["access_token"]
    assert gateway.get("/auth/revocations").status_code == 401
    refused = gateway.get("/auth/revocations", headers=auth(user))
    assert refused.status_code == 403 and refused.json()["code"] == "FORBIDDEN"
    assert (
        gateway.get("/auth/revocations", headers=auth(_service_token(gateway))).status_code == 200
    )


def test_the_feed_lists_logouts_and_disabled_users_and_changes_its_etag(
    gateway: TestClient,
) -> None:
    service = auth(_service_token(gateway))
    first = gateway.get("/auth/revocations", headers=service)
    etag = first.headers["etag"]
    unchanged = gateway.get("/auth/revocations", headers={**service, "If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""

    signed_in = login(gateway)
    gateway.post("/auth/logout", headers=auth(signed_in["access_token"]))
    after_logout = gateway.get("/auth/revocations", headers={**service, "If-None-Match": etag})
    assert after_logout.status_code == 200
    assert after_logout.headers["etag"] != etag
    me = gateway.get("/auth/me", headers=auth(login(gateway)["access_token"])).json()
    claims = jwt.decode(signed_in["access_token"], options={"verify_signature": False})
    assert {claims["jti"], claims["sid"]} <= set(after_logout.json()["token_ids"])

    admin = auth(login(gateway, "root", PASSWORD)["access_token"])
    assert gateway.post(f"/api/admin/users/{me['sub']}/disable", headers=admin).status_code == 200
    epochs = gateway.get("/auth/revocations", headers=service).json()["user_epochs"]
    assert epochs[me["sub"]] >= 1
