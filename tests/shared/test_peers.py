"""Peer clients: timeouts, retries only when safe, request id passed on, 503 when down."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from shared.context import request_id_var
from shared.peers import PeerClient, PeerUnavailable
from tests.support.tokens import StaticToken


def _client(handler: httpx.MockTransport, retries: int = 2) -> tuple[PeerClient, httpx.AsyncClient]:
    http = httpx.AsyncClient(transport=handler)
    return PeerClient(
        "personnel", "http://personnel", http, StaticToken("service"), retries=retries, backoff=0
    ), http


def test_get_is_retried_on_503_and_carries_request_id_and_token() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(503 if len(seen) < 3 else 200, json={"ok": True})

    async def go() -> object:
        request_id_var.set("req-7")
        peer, http = _client(httpx.MockTransport(handle))
        async with http:
            return await peer.get_json("/staff")

    assert asyncio.run(go()) == {"ok": True}
    assert len(seen) == 3
    assert all(r.headers["x-request-id"] == "req-7" for r in seen)
    assert seen[0].headers["authorization"].startswith("Bearer ")


def test_post_without_idempotency_key_is_not_retried() -> None:
    calls = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        raise httpx.ConnectError("refused")

    async def go() -> None:
        peer, http = _client(httpx.MockTransport(handle))
        async with http:
            await peer.request("POST", "/things", json={})

    with pytest.raises(PeerUnavailable) as caught:
        asyncio.run(go())
    assert calls == 1
    assert caught.value.status == 503 and caught.value.headers["Retry-After"] == "5"


def test_post_with_idempotency_key_is_retried_with_the_same_key() -> None:
    keys: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        keys.append(request.headers["idempotency-key"])
        if len(keys) == 1:
            raise httpx.ReadTimeout("slow")
        return httpx.Response(201, json={})

    async def go() -> int:
        peer, http = _client(httpx.MockTransport(handle))
        async with http:
            return (
                await peer.request("POST", "/events", json={}, idempotency_key="evt-1")
            ).status_code

    assert asyncio.run(go()) == 201
    assert keys == ["evt-1", "evt-1"]


def test_peer_4xx_is_not_retried_and_becomes_a_502_for_reads() -> None:
    calls = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(404, json={})

    async def go() -> None:
        peer, http = _client(httpx.MockTransport(handle))
        async with http:
            await peer.get_json("/staff/1")

    with pytest.raises(Exception) as caught:
        asyncio.run(go())
    assert calls == 1
    assert getattr(caught.value, "code", None) == "PEER_ERROR"


def test_service_token_is_fetched_once_and_refetched_after_invalidation() -> None:
    from shared.peers import ServiceTokenProvider

    grants: list[bytes] = []

    def handle(request: httpx.Request) -> httpx.Response:
        grants.append(request.content)
        return httpx.Response(200, json={"access_token": f"t{len(grants)}", "expires_in": 300})

    async def go() -> list[str]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handle)) as http:
            tokens = ServiceTokenProvider(http, "http://gw/auth/token", "finance", "s3cret")
            first = [await tokens.token() for _ in range(3)]
            tokens.invalidate()
            return [*first, await tokens.token()]

    assert asyncio.run(go()) == ["t1", "t1", "t1", "t2"]
    assert b"grant_type=client_credentials" in grants[0]
    assert b"client_id=finance" in grants[0]


def test_token_near_expiry_is_renewed_and_gateway_down_is_503(monkeypatch: Any) -> None:
    import shared.peers
    from shared.peers import ServiceTokenProvider

    clock = iter(float(t) for t in range(0, 1000, 15))  # each look at the clock: 15 s later
    monkeypatch.setattr(shared.peers.time, "monotonic", lambda: next(clock))

    calls = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        if calls > 2:
            raise httpx.ConnectError("gateway down")
        return httpx.Response(200, json={"access_token": f"t{calls}", "expires_in": 20})

    async def go() -> list[str]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handle)) as http:
            tokens = ServiceTokenProvider(http, "http://gw/auth/token", "finance", "s3cret")
            # a 20 s token is renewed halfway (10 s), as a longer one is 30 s before its end
            got = [await tokens.token(), await tokens.token()]
            try:
                await tokens.token()
            except PeerUnavailable as exc:
                got.append(exc.code)
            return got

    assert asyncio.run(go()) == ["t1", "t2", "PEER_UNAVAILABLE"]


def test_a_short_lived_token_is_used_until_halfway_not_fetched_each_call() -> None:
    from shared.peers import ServiceTokenProvider

    calls = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(200, json={"access_token": f"t{calls}", "expires_in": 20})

    async def go() -> list[str]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handle)) as http:
            tokens = ServiceTokenProvider(http, "http://gw/auth/token", "finance", "s3cret")
            return [await tokens.token() for _ in range(5)]

    assert asyncio.run(go()) == ["t1"] * 5
