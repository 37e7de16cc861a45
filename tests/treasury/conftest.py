"""The treasury sandbox on a temporary SQLite file, a receiver that records its callbacks,
and helpers to sign what finance would send."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx import Response as HttpxResponse
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from deploy.treasury.app import create_app
from deploy.treasury.config import TreasurySettings
from deploy.treasury.tables import callbacks
from shared.webhooks import SignatureError, new_secret, sign, verify
from tests.support.servers import serve_in_thread

INSTRUCTION_SECRET = new_secret(b"i" * 32)
CALLBACK_SECRET = new_secret(b"c" * 32)
TOKEN = "token-for-callbacks"
# fast enough for tests, slow enough to see each state
FAST: dict[str, Any] = {
    "accept_delay_seconds": 0.02,
    "settle_delay_seconds": 0.05,
    "callback_backoff_seconds": 0.05,
    "callback_delay_seconds": 0.5,
    "callback_timeout_seconds": 2.0,
}


@dataclass
class Received:
    headers: dict[str, str]
    body: dict[str, Any]
    verified: bool
    at: float


@dataclass
class Receiver:
    """Stands in for finance behind the gateway: records every callback, checks signatures,
    and answers 503 to the next ``fail_next`` ones."""

    url: str = ""
    token_url: str = ""
    calls: list[Received] = field(default_factory=list)
    fail_next: int = 0
    fail_status: int = 503
    grants: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self) -> None:
        with self.lock:
            self.calls.clear()
            self.grants.clear()
            self.fail_next = 0
            self.fail_status = 503

    async def token(self, request: Request) -> Response:
        """A gateway's token endpoint: ``tok-<n>`` for the n-th client-credentials grant."""
        form = await request.form()
        with self.lock:
            self.grants.append({k: str(v) for k, v in form.items()})
            token = f"tok-{len(self.grants)}"
        return JSONResponse({"access_token": token, "token_type": "Bearer", "expires_in": 300})

    async def endpoint(self, request: Request) -> Response:
        raw = await request.body()
        try:
            verify([CALLBACK_SECRET], request.headers, raw)
            verified = True
        except SignatureError:
            verified = False
        with self.lock:
            self.calls.append(
                Received(dict(request.headers), json.loads(raw), verified, time.time())
            )
            failing = self.fail_next > 0
            if failing:
                self.fail_next -= 1
        return Response(status_code=self.fail_status if failing else 204)

    def events(self) -> list[dict[str, Any]]:
        with self.lock:
            return [c.body for c in self.calls]

    def statuses(self, instruction_id: str) -> list[str]:
        return [e["status"] for e in self.events() if e["instruction_id"] == instruction_id]


@pytest.fixture(scope="session")
def _receiver_server() -> Iterator[Receiver]:
    receiver = Receiver()
    app = Starlette(
        routes=[
            Route("/callbacks", receiver.endpoint, methods=["POST"]),
            Route("/auth/token", receiver.token, methods=["POST"]),
        ]
    )
    with serve_in_thread(app) as url:
        receiver.url = f"{url}/callbacks"
        receiver.token_url = f"{url}/auth/token"
        yield receiver


@pytest.fixture
def receiver(_receiver_server: Receiver) -> Receiver:
    _receiver_server.reset()
    return _receiver_server


SandboxFactory = Callable[..., TestClient]


@pytest.fixture
def make_sandbox(tmp_path: Any, receiver: Receiver) -> Iterator[SandboxFactory]:
    """Start a sandbox (settings overridable) on ``tmp_path/treasury.db``; several calls
    share that file, as restarts of one sandbox would. Each is stopped at the end of the test
    (or earlier with ``client.__exit__``)."""
    opened: list[TestClient] = []

    def build(**overrides: Any) -> TestClient:
        params: dict[str, Any] = {
            "database_url": f"sqlite:///{tmp_path / 'treasury.db'}",
            "instruction_secret": INSTRUCTION_SECRET,
            "callback_secret": CALLBACK_SECRET,
            "callback_url": receiver.url,
            "static_token": TOKEN,
            **FAST,
            **overrides,
        }
        settings = TreasurySettings(**params)
        client = TestClient(create_app(settings, access_log=False))
        client.__enter__()
        opened.append(client)
        return client

    yield build
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def sandbox(make_sandbox: SandboxFactory) -> TestClient:
    return make_sandbox()


def instruction(**overrides: Any) -> dict[str, Any]:
    """A valid payment instruction with a fresh id."""
    body: dict[str, Any] = {
        "instruction_id": f"PAY-{uuid.uuid4().hex[:12]}",
        "kind": "payment",
        "method": "direct",
        "debtor": {"name": "市机关事务管理局", "account": "110060149018000123"},
        "creditor": {"name": "Office Supplies Ltd", "account": "6222020200112233", "bank": "ICBC"},
        "amount": "1234.50",
        "currency": "CNY",
        "purpose": "办公用品采购",
        "requested_on": "2025-03-14",
    }
    body.update(overrides)
    return body


def remittance(**overrides: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {
        "instruction_id": f"RMT-{uuid.uuid4().hex[:12]}",
        "kind": "remittance",
        "method": None,
        "debtor": {"name": "Parking revenue account", "account": "3100998877"},
        "creditor": {"name": "市财政局国库", "account": "TSA-0001", "bank": "PBOC"},
        "purpose": "非税收入上缴",
    }
    return instruction(**{**defaults, **overrides})


def submit(
    client: TestClient, body: dict[str, Any] | bytes, *, secret: str = INSTRUCTION_SECRET
) -> HttpxResponse:
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    headers = {"content-type": "application/json", **sign(secret, uuid.uuid4().hex, raw)}
    return client.post("/instructions", content=raw, headers=headers)


def signed_get(client: TestClient, url: str, *, secret: str = INSTRUCTION_SECRET) -> HttpxResponse:
    return client.get(url, headers=sign(secret, uuid.uuid4().hex, b""))


def status_of(client: TestClient, instruction_id: str) -> dict[str, Any]:
    response = signed_get(client, f"/instructions/{instruction_id}")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def stored_callbacks(client: TestClient) -> list[dict[str, Any]]:
    """The sandbox's callback table, oldest first."""
    store = client.app.state.store  # type: ignore[attr-defined]
    with store.engine.connect() as conn:
        rows = conn.execute(select(callbacks).order_by(callbacks.c.seq)).mappings().all()
    return [dict(row) for row in rows]


def wait_for(check: Callable[[], Any], seconds: float = 10.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def wait_status(client: TestClient, instruction_id: str, status: str) -> dict[str, Any]:
    result: dict[str, Any] = wait_for(
        lambda: (s := status_of(client, instruction_id))["status"] == status and s,
        what=f"{instruction_id} to be {status}",
    )
    return result
