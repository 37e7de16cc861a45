"""The real suite: five processes on free ports, talking HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import Popen

import httpx
import pytest

from deploy.components import GATEWAY, SERVICES
from tests.support.databases import Databases
from tests.support.servers import cli, free_port, start_component, stop, wait_healthy

pytestmark = pytest.mark.e2e
ADMIN_PASSWORD = "e2e admin passphrase"
USER_PASSWORD = "e2e user passphrase"


@dataclass
class Suite:
    gateway: str
    services: dict[str, str]
    processes: dict[str, Popen[bytes]] = field(default_factory=dict)

    def token(self, username: str, password: str) -> str:
        response = httpx.post(
            f"{self.gateway}/auth/token",
            data={"grant_type": "password", "username": username, "password": password},
        )
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token


@pytest.fixture(scope="module")
def suite(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Suite]:
    workdir = Path(tmp_path_factory.mktemp("suite"))
    ports = {c.name: free_port() for c in (GATEWAY, *SERVICES)}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    secrets = {c.name: f"secret-of-{c.name}-for-e2e" for c in SERVICES}
    env = {
        "GATEWAY_DATABASE_URL": databases.empty_url(),
        "GATEWAY_SIGNING_KEY_FILE": str(workdir / "signing-key.pem"),
        "GATEWAY_SERVICE_URLS": json.dumps({c.name: urls[c.name] for c in SERVICES}),
        "GATEWAY_SERVICE_CLIENT_SECRETS": json.dumps(secrets),
        "GATEWAY_ADMIN_PASSWORD": ADMIN_PASSWORD,
    }
    for c in SERVICES:
        env[f"{c.env_prefix}DATABASE_URL"] = databases.empty_url()
        env[f"{c.env_prefix}GATEWAY_URL"] = urls["gateway"]
        env[f"{c.env_prefix}CLIENT_SECRET"] = secrets[c.name]
    cli("migrate", "all", env=env)
    cli("bootstrap", env=env)
    suite = Suite(urls["gateway"], {c.name: urls[c.name] for c in SERVICES})
    try:
        for name, port in ports.items():
            suite.processes[name] = start_component(name, port, env, workdir / f"{name}.log")
        for name, url in urls.items():
            wait_healthy(f"{url}/healthz", suite.processes[name])
        admin = {"Authorization": f"Bearer {suite.token('admin', ADMIN_PASSWORD)}"}
        for username, role in (("audrey", "auditor"), ("sam", "staff")):
            created = httpx.post(
                f"{suite.gateway}/api/admin/users",
                headers=admin,
                json={
                    "username": username,
                    "display_name": username.title(),
                    "password": USER_PASSWORD,
                    "roles": [role],
                },
            )
            assert created.status_code == 201, created.text
        yield suite
    finally:
        for process in suite.processes.values():
            stop(process)


def test_people_sign_in_through_the_gateway_and_reach_services_by_role(suite: Suite) -> None:
    auditor = {"Authorization": f"Bearer {suite.token('audrey', USER_PASSWORD)}"}
    staff = {"Authorization": f"Bearer {suite.token('sam', USER_PASSWORD)}"}

    for name in suite.services:
        through = httpx.get(f"{suite.gateway}/api/{name}/audit", headers=auditor)
        assert through.status_code == 200, (name, through.text)
        assert through.json()["items"] == []
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
