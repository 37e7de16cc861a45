"""The gateway app on a fresh database, with an echo server standing in for every service."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from gateway.config import SERVICES, GatewaySettings
from gateway.identity.service import ensure_user
from gateway.main import create_app
from gateway.policy import PolicyTable
from shared.db import make_engine
from tests.support.databases import Databases
from tests.support.servers import serve_in_thread
from tests.support.tokens import signing_key_for_tests

PASSWORD = "correct horse battery"
SERVICE_SECRET = "s3rvice-secret-for-tests"


BIG = 200 * 1024
# the echo server answers 404 for an id ending so: a unit or person personnel does not know
UNKNOWN_ID = "0000deadbeef"


async def _echo(request: Request) -> Response:
    body = await request.body()
    if request.url.path == "/slow":
        await asyncio.sleep(2)
    if request.url.path == "/big":
        return Response(b"z" * BIG, media_type="application/octet-stream")
    if request.url.path in ("/chunked", "/broken"):
        return StreamingResponse(_pieces(broken=request.url.path == "/broken"))
    if request.url.path == "/cookie":
        return Response(b"{}", headers={"Set-Cookie": "session=for-whoever-asked; Path=/"})
    if request.url.path.endswith(UNKNOWN_ID):
        return JSONResponse({"code": "NOT_FOUND"}, status_code=404)
    if request.url.path == "/moved":
        return Response(status_code=307, headers={"Location": f"{request.base_url}audit"})
    return JSONResponse(
        {
            "method": request.method,
            "path": request.url.path,
            "query": request.url.query,
            "headers": dict(request.headers),
            "body_bytes": len(body),
        },
        headers={"X-Upstream": "echo", "Connection": "keep-alive"},
    )


async def _pieces(broken: bool) -> AsyncIterator[bytes]:
    """``BIG`` bytes in pieces, without a length; ``broken``: the answer ends halfway."""
    for n in range(8):
        if broken and n == 4:
            raise ConnectionResetError("the service died halfway through its answer")
        yield b"c" * (BIG // 8)
        await asyncio.sleep(0)


ECHO = Starlette(
    routes=[Route("/{path:path}", _echo, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])]
)


@pytest.fixture(scope="session")
def echo_url() -> Iterator[str]:
    with serve_in_thread(ECHO) as url:
        yield url


GatewayFactory = Callable[..., TestClient]
GatewayAppFactory = Callable[..., FastAPI]


@pytest.fixture
def make_gateway_app(databases: Databases, echo_url: str) -> GatewayAppFactory:
    """Build a gateway app (settings overridable) whose services all point at the echo server,
    with users ``alice`` (finance_officer, unit-1) and ``root`` (admin)."""

    def build(policy: PolicyTable | None = None, **overrides: Any) -> FastAPI:
        url = databases.fresh_url("gateway")
        params: dict[str, Any] = {
            "database_url": url,
            "service_urls": dict.fromkeys(SERVICES, echo_url),
            "service_client_secrets": {"finance": SERVICE_SECRET},
            **overrides,
        }
        engine = make_engine(url)
        with Session(engine) as session:
            ensure_user(
                session,
                username="alice",
                password=PASSWORD,
                roles=["finance_officer"],
                display_name="Alice",
                unit_id="unit-1",
            )
            ensure_user(
                session, username="root", password=PASSWORD, roles=["admin"], display_name="Admin"
            )
        return create_app(
            GatewaySettings(**params),
            engine=engine,
            signing_key=signing_key_for_tests(),
            access_log=False,
            policy=policy,
        )

    return build


@pytest.fixture
def make_gateway(make_gateway_app: GatewayAppFactory) -> Iterator[GatewayFactory]:
    """Like ``make_gateway_app``, wrapped in a started test client."""
    opened: list[TestClient] = []

    def build(policy: PolicyTable | None = None, **overrides: Any) -> TestClient:
        client = TestClient(make_gateway_app(policy, **overrides))
        client.__enter__()
        opened.append(client)
        return client

    yield build
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def gateway(make_gateway: GatewayFactory) -> TestClient:
    return make_gateway()


def login(client: TestClient, username: str = "alice", password: str = PASSWORD) -> dict[str, Any]:
    response = client.post(
        "/auth/token", data={"grant_type": "password", "username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def password_status(client: TestClient, username: str, password: str) -> int:
    data = {"grant_type": "password", "username": username, "password": password}
    return client.post("/auth/token", data=data).status_code


def refresh_status(client: TestClient, refresh_token: str) -> int:
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return client.post("/auth/token", data=data).status_code
