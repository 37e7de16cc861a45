"""A service verifies every token itself: signature, algorithm, issuer, audience, expiry."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from fastapi.testclient import TestClient

from gateway.keys import SigningKey
from services.finance.main import SPEC
from shared.migrations import head_revision
from tests.support.tokens import make_token


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["roles"] = ["auditor", "admin"]
    return f"{header}.{_b64(claims)}.{signature}"


def _alg_none(token: str) -> str:
    _, payload, _ = token.split(".")
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}."


BAD_TOKENS = {
    "expired": lambda: make_token("auditor", ttl=-60),
    "tampered": lambda: _tampered(make_token("staff")),
    "alg_none": lambda: _alg_none(make_token("auditor")),
    "wrong_key": lambda: make_token("auditor", key=SigningKey.generate()),
    "wrong_audience": lambda: make_token("auditor", aud="someone-else"),
    "wrong_issuer": lambda: make_token("auditor", iss="evil"),
    "garbage": lambda: "not-a-jwt",
}


@pytest.mark.parametrize("kind", BAD_TOKENS)
def test_bad_token_is_refused_with_401(client: TestClient, kind: str) -> None:
    response = client.get("/audit", headers={"Authorization": f"Bearer {BAD_TOKENS[kind]()}"})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == "UNAUTHENTICATED"


def test_missing_token_is_401_and_valid_token_passes(client: TestClient) -> None:
    assert client.get("/audit").status_code == 401
    assert client.get("/audit", headers={"Authorization": "Basic abc"}).status_code == 401
    ok = client.get("/audit", headers={"Authorization": f"Bearer {make_token('auditor')}"})
    assert ok.status_code == 200


def test_health_endpoints_need_no_token(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "service": "finance"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["revision"] == head_revision(
        SPEC.migrations_dir
    )
    metrics = client.get("/metrics").text
    assert "http_requests_total" in metrics
    assert 'outbox_events{service="finance",state="waiting"} 0.0' in metrics


def test_a_failed_key_fetch_is_503_and_the_next_request_tries_again() -> None:
    import asyncio

    from shared.auth import TokenVerifier
    from shared.problems import ProblemError
    from tests.support.tokens import AUDIENCE, ISSUER, signing_key_for_tests

    answers: list[object] = [httpx.ConnectError("gateway down"), signing_key_for_tests().jwks()]

    async def fetch() -> dict:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer  # type: ignore[return-value]

    verifier = TokenVerifier(issuer=ISSUER, audience=AUDIENCE, fetch_jwks=fetch)
    token = make_token("auditor")
    with pytest.raises(ProblemError) as first:
        asyncio.run(verifier.verify(token))
    assert first.value.status == 503
    assert first.value.code == "KEYS_UNAVAILABLE"
    assert asyncio.run(verifier.verify(token)).roles == frozenset({"auditor"})
