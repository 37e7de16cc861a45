"""Signed access tokens for tests, from a key generated once per session."""

from __future__ import annotations

import time
import uuid
from functools import cache
from typing import Any

from gateway.keys import SigningKey
from shared.auth import TokenVerifier

ISSUER = "agency-suite-gateway"
AUDIENCE = "agency-suite"


@cache
def signing_key_for_tests() -> SigningKey:
    return SigningKey.generate()


def make_token(
    *roles: str,
    sub: str | None = None,
    key: SigningKey | None = None,
    ttl: int = 4 * 3600,  # tokens made at import must outlive a whole test session
    **claims: Any,
) -> str:
    now = int(time.time())
    body: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": sub or f"user-{uuid.uuid4().hex[:8]}",
        "roles": list(roles),
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
        "jti": uuid.uuid4().hex,
    }
    body.update(claims)
    return (key or signing_key_for_tests()).sign(body)


def bearer(*roles: str, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(*roles, **claims)}"}


def verifier(key: SigningKey | None = None) -> TokenVerifier:
    signing_key = key or signing_key_for_tests()

    async def jwks() -> dict[str, Any]:
        return signing_key.jwks()

    return TokenVerifier(issuer=ISSUER, audience=AUDIENCE, fetch_jwks=jwks)


class StaticToken:
    """A ``TokenSource`` for peer clients in tests."""

    def __init__(self, *roles: str, sub: str = "service:test") -> None:
        self._token = make_token(*roles, sub=sub)

    async def token(self) -> str:
        return self._token

    def invalidate(self) -> None:
        pass
