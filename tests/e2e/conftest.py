"""The real suite for end-to-end tests: five processes and the treasury sandbox on free
ports, per database backend."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import Popen
from typing import Any

import httpx
import pytest

from deploy.components import GATEWAY, SERVICES, TREASURY
from shared.webhooks import new_secret
from tests.support.databases import Databases
from tests.support.servers import cli, free_port, start_component, stop, wait_healthy

ADMIN_PASSWORD = "e2e admin passphrase"
USER_PASSWORD = "e2e user passphrase"


@dataclass
class Suite:
    gateway: str
    services: dict[str, str]
    treasury: str
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
    with running_suite(databases, Path(tmp_path_factory.mktemp("suite"))) as started:
        yield started


@contextmanager
def running_suite(
    databases: Databases, workdir: Path, extra_env: dict[str, str] | None = None
) -> Iterator[Suite]:
    """The five processes and the sandbox on fresh databases, with users ``admin``,
    ``audrey`` (auditor) and ``sam`` (staff); stopped on leaving."""
    ports = {c.name: free_port() for c in (GATEWAY, *SERVICES, TREASURY)}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    secrets = {c.name: f"secret-of-{c.name}-for-e2e" for c in SERVICES}
    env = {
        "GATEWAY_DATABASE_URL": databases.empty_url(),
        "GATEWAY_SIGNING_KEY_FILE": str(workdir / "signing-key.pem"),
        "GATEWAY_SERVICE_URLS": json.dumps({c.name: urls[c.name] for c in SERVICES}),
        "GATEWAY_SERVICE_CLIENT_SECRETS": json.dumps(secrets),
        "GATEWAY_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "GATEWAY_TREASURY_CLIENT_SECRETS": json.dumps({"treasury": "treasury-secret-for-e2e"}),
        # the sandbox calls finance back through the gateway, signed in as the treasury
        "TREASURY_DATABASE_URL": f"sqlite:///{workdir / 'treasury.db'}",
        "TREASURY_CALLBACK_URL": f"{urls['gateway']}/api/finance/treasury/callbacks",
        "TREASURY_TOKEN_URL": f"{urls['gateway']}/auth/token",
        "TREASURY_CLIENT_SECRET": "treasury-secret-for-e2e",
        "TREASURY_SETTLE_DELAY_SECONDS": "0.1",
        "FINANCE_TREASURY_URL": urls["treasury"],
        **(extra_env or {}),
    }
    for variable, secret in (("INSTRUCTION", b"e2e-instructions"), ("CALLBACK", b"e2e-callbacks")):
        env[f"TREASURY_{variable}_SECRET"] = env[f"FINANCE_TREASURY_{variable}_SECRET"] = (
            new_secret(secret)
        )
    for c in SERVICES:
        env[f"{c.env_prefix}DATABASE_URL"] = databases.empty_url()
        env[f"{c.env_prefix}GATEWAY_URL"] = urls["gateway"]
        env[f"{c.env_prefix}CLIENT_SECRET"] = secrets[c.name]
        # each service's outbox reaches its peers directly, as under make run
        env[f"{c.env_prefix}PEER_URLS"] = json.dumps(
            {p.name: urls[p.name] for p in SERVICES if p is not c}
        )
    cli("migrate", "all", env=env)
    cli("bootstrap", env=env)
    suite = Suite(urls["gateway"], {c.name: urls[c.name] for c in SERVICES}, urls["treasury"])
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


def bearer_of(suite: Suite, username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {suite.token(username, USER_PASSWORD)}"}


def create_user(suite: Suite, username: str, role: str, **fields: Any) -> dict[str, Any]:
    admin = {"Authorization": f"Bearer {suite.token('admin', ADMIN_PASSWORD)}"}
    body = {
        "username": username,
        "display_name": username.title(),
        "password": USER_PASSWORD,
        "roles": [role],
        **fields,
    }
    created = httpx.post(f"{suite.gateway}/api/admin/users", headers=admin, json=body)
    assert created.status_code == 201, created.text
    user: dict[str, Any] = created.json()
    return user
