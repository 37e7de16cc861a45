"""The real suite: five processes on free ports, talking HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import time

import httpx
import pytest

from tests.e2e.conftest import ADMIN_PASSWORD, USER_PASSWORD, Suite, bearer_of, create_user
from tests.support.servers import stop

pytestmark = pytest.mark.e2e


def test_people_sign_in_through_the_gateway_and_reach_services_by_role(suite: Suite) -> None:
    auditor = {"Authorization": f"Bearer {suite.token('audrey', USER_PASSWORD)}"}
    staff = {"Authorization": f"Bearer {suite.token('sam', USER_PASSWORD)}"}

    for name in suite.services:
        through = httpx.get(f"{suite.gateway}/api/{name}/audit", headers=auditor)
        assert through.status_code == 200, (name, through.text)
        assert through.json()["items"] == []
        # the service's headers are not doubled on the way through the gateway
        assert len(through.headers.get_list("x-request-id")) == 1
        assert through.headers.get_list("x-content-type-options") == ["nosniff"]
        assert through.headers.get_list("cache-control") == ["no-store"]
        assert (
            httpx.get(f"{suite.gateway}/api/{name}/audit/verify", headers=auditor).json()["ok"]
            is True
        )
        assert httpx.get(f"{suite.gateway}/api/{name}/audit", headers=staff).status_code == 403
        # the service refuses a caller without a token and checks one by the gateway JWKS
        direct = httpx.get(f"{suite.services[name]}/audit")
        assert direct.status_code == 401 and direct.json()["code"] == "UNAUTHENTICATED"
        assert httpx.get(f"{suite.services[name]}/audit", headers=auditor).status_code == 200
        assert httpx.get(f"{suite.services[name]}/readyz").status_code == 200


def test_merged_docs_show_gateway_and_service_paths(suite: Suite) -> None:
    doc = httpx.get(f"{suite.gateway}/openapi.json").json()
    paths = doc["paths"]
    assert "/auth/token" in paths and "/api/admin/users" in paths
    for name in suite.services:
        assert paths[f"/api/{name}/audit"]["get"]["x-roles"] == ["auditor"]
    assert "/api/finance/healthz" not in paths, "only what the policy opens is documented"
    assert any(n.startswith("Finance_") for n in doc["components"]["schemas"])
    refs = set(re.findall(r'"\$ref": ?"#/components/schemas/([^"]+)"', json.dumps(doc)))
    assert refs, "the document uses shared schemas"
    assert refs <= set(doc["components"]["schemas"]), "every $ref resolves in the merged document"
    schemes = doc["components"]["securitySchemes"]
    for path, ops in paths.items():
        for method, op in ops.items():
            for requirement in op.get("security", []):
                assert set(requirement) <= set(schemes), (method, path)
            if path.startswith("/api/"):
                assert op["security"] == [{"HTTPBearer": []}], (method, path)
    assert "swagger" in httpx.get(f"{suite.gateway}/docs").text.lower()


def test_service_token_by_client_credentials(suite: Suite) -> None:
    response = httpx.post(
        f"{suite.gateway}/auth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "personnel",
            "client_secret": "secret-of-personnel-for-e2e",
        },
    )
    assert response.status_code == 200
    token = response.json()["access_token"]
    assert (
        httpx.get(
            f"{suite.services['finance']}/audit", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 403
    )


def test_a_disabled_users_token_stops_working_on_every_service_port_within_5_s(
    suite: Suite,
) -> None:
    """Services verify tokens offline; the gateway's revocation feed reaches them."""
    user = create_user(suite, "rita", "auditor")
    token = bearer_of(suite, "rita")
    for url in suite.services.values():
        assert httpx.get(f"{url}/audit", headers=token).status_code == 200
    admin = {"Authorization": f"Bearer {suite.token('admin', ADMIN_PASSWORD)}"}
    disabled = httpx.post(f"{suite.gateway}/api/admin/users/{user['id']}/disable", headers=admin)
    assert disabled.status_code == 200, disabled.text
    started = time.monotonic()
    pending = dict(suite.services)
    while pending and time.monotonic() - started < 5.0:
        for name, url in list(pending.items()):
            answer = httpx.get(f"{url}/audit", headers=token)
            if answer.status_code == 401:
                assert answer.json()["detail"] == "token has been revoked"
                del pending[name]
        time.sleep(0.1)
    assert pending == {}, f"still accepted after 5 s by {sorted(pending)}"


def test_a_stopped_service_gives_a_clear_503(suite: Suite) -> None:
    auditor = {"Authorization": f"Bearer {suite.token('audrey', USER_PASSWORD)}"}
    stop(suite.processes["assets"])
    response = httpx.get(f"{suite.gateway}/api/assets/audit", headers=auditor, timeout=10)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "SERVICE_UNAVAILABLE"
    health = httpx.get(f"{suite.gateway}/healthz").json()
    assert health["status"] == "degraded" and health["services"]["assets"] == "down"
    assert health["services"]["finance"] == "up"
