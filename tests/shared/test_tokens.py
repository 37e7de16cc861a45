"""A service verifies every token itself: signature, algorithm, issuer, audience, expiry."""

from __future__ import annotations

import base64
import json

import pytest
from fastapi.testclient import TestClient

from gateway.keys import SigningKey
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
    assert ready.status_code == 200 and ready.json()["revision"] == "finance_0001"
    assert "http_requests_total" in client.get("/metrics").text
