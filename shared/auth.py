"""Verifying the gateway's access tokens inside a service, and role checks on routes."""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from typing import Annotated, Any

import httpx
import jwt
from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from shared.context import Principal, principal_var
from shared.problems import ProblemError
from shared.revocations import RevocationList

ALGORITHM = "RS256"
_BEARER = {"WWW-Authenticate": "Bearer"}


def unauthenticated(detail: str) -> ProblemError:
    return ProblemError(401, "UNAUTHENTICATED", detail, headers=_BEARER)


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    roles = claims.get("roles") or []
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise unauthenticated("token roles claim is malformed")
    return Principal(
        sub=str(claims["sub"]),
        roles=frozenset(roles),
        unit_id=claims.get("unit_id"),
        staff_id=claims.get("staff_id"),
        token_id=claims.get("jti"),
        session_id=claims.get("sid"),
        epoch=int(claims.get("ep", 0)),
    )


def keys_unavailable(reason: str) -> ProblemError:
    return ProblemError(
        503,
        "KEYS_UNAVAILABLE",
        f"cannot fetch the signing keys: {reason}",
        headers={"Retry-After": "5"},
    )


JwksFetcher = Callable[[], Awaitable[dict[str, Any]]]


class TokenVerifier:
    """Checks signature (JWKS by ``kid``), issuer, audience and expiry of a bearer token.

    Keys are fetched from the gateway's JWKS and refetched when an unknown ``kid`` shows up
    (at most every ``refetch_interval`` seconds, so a flood of forged kids costs nothing).
    Verified tokens are remembered until they expire: a token string includes its signature,
    so a cache hit is exactly as trustworthy as a fresh check. With ``revocations`` (the list
    a service learns from the gateway's feed, ``shared.revocations``) a revoked token is
    refused, cached or not.
    """

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        fetch_jwks: JwksFetcher,
        refetch_interval: float = 30.0,
        cache_size: int = 4096,
        leeway: float = 5.0,
        revocations: RevocationList | None = None,
    ) -> None:
        self.revocations = revocations
        self.issuer = issuer
        self.audience = audience
        self._fetch_jwks = fetch_jwks
        self._refetch_interval = refetch_interval
        self._keys: dict[str, Any] = {}
        self._fetched_at = -1e9
        self._lock = asyncio.Lock()
        self._cache: OrderedDict[str, tuple[Principal, float]] = OrderedDict()
        self._cache_size = cache_size
        self._leeway = leeway

    @classmethod
    def from_url(cls, url: str, *, issuer: str, audience: str) -> TokenVerifier:
        async def fetch() -> dict[str, Any]:
            async with httpx.AsyncClient(timeout=5.0) as client:
                response = await client.get(url)
                response.raise_for_status()
                data: dict[str, Any] = response.json()
                return data

        return cls(issuer=issuer, audience=audience, fetch_jwks=fetch)

    async def _refresh_keys(self) -> None:
        async with self._lock:
            if time.monotonic() - self._fetched_at < self._refetch_interval:
                return
            try:
                jwks = await self._fetch_jwks()
            except (httpx.HTTPError, ValueError) as exc:
                raise keys_unavailable(type(exc).__name__) from exc
            keys = {}
            for jwk in jwks.get("keys", []):
                if jwk.get("kid") and jwk.get("kty") == "RSA":
                    keys[jwk["kid"]] = jwt.PyJWK(jwk, algorithm=ALGORITHM).key
            # only a successful fetch starts the quiet interval: after a failure the next
            # request tries again rather than calling valid tokens unknown
            self._keys = keys
            self._fetched_at = time.monotonic()

    async def _key_for(self, kid: str) -> Any:
        if kid not in self._keys:
            await self._refresh_keys()
        key = self._keys.get(kid)
        if key is None:
            if not self._keys:
                raise keys_unavailable("the key set is empty")
            raise unauthenticated("token signed by an unknown key")
        return key

    async def verify(self, token: str) -> Principal:
        cached = self._cache.get(token)
        now = time.time()
        if cached is not None and cached[1] > now:
            self._cache.move_to_end(token)
            return self._unless_revoked(cached[0])
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise unauthenticated("malformed token") from exc
        if header.get("alg") != ALGORITHM:
            raise unauthenticated("token algorithm not accepted")
        key = await self._key_for(str(header.get("kid", "")))
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self._leeway,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise unauthenticated("token expired") from exc
        except jwt.PyJWTError as exc:
            raise unauthenticated(f"invalid token: {exc}") from exc
        principal = principal_from_claims(claims)
        self._cache[token] = (principal, float(claims["exp"]))
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return self._unless_revoked(principal)

    def _unless_revoked(self, principal: Principal) -> Principal:
        if self.revocations is not None and self.revocations.is_revoked(principal):
            raise unauthenticated("token has been revoked")
        return principal


BEARER_SCHEME = "HTTPBearer"  # the OpenAPI security scheme every role-checked operation names
BEARER_SECURITY_SCHEME = {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


async def authenticate(request: Request) -> Principal:
    """Dependency: the verified caller; 401 without a valid token.

    It reads the ``Authorization`` header itself rather than through FastAPI's ``HTTPBearer``
    (one dependency node less on every request; the OpenAPI security scheme is declared by
    ``declare_roles`` instead). The principal is kept on the request, so every later call in
    the same request answers it at once.
    """
    scope_state = request.scope.get("state")
    if scope_state is not None:
        known = scope_state.get("principal")
        if known is not None:
            return known  # type: ignore[no-any-return]
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise unauthenticated("a bearer token is required")
    verifier: TokenVerifier = request.app.state.token_verifier
    principal = await verifier.verify(token)
    request.state.principal = principal
    principal_var.set(principal)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]


ROLES_ATTRIBUTE = "allowed_roles"


def require_roles(*roles: str) -> Callable[..., Awaitable[Principal]]:
    """Dependency factory: the caller must hold one of ``roles``, else 403.

    The roles are also the operation's ``x-roles`` in the OpenAPI (``declare_roles``), which
    the gateway's policy table is tested against: one source for who may call what.
    """
    allowed = frozenset(roles)

    async def check(request: Request) -> Principal:
        # authenticates itself (one dependency node a route, not three), kept on the request
        principal = await authenticate(request)
        if principal.roles.isdisjoint(allowed):
            raise ProblemError(
                403, "FORBIDDEN", f"requires one of the roles: {', '.join(sorted(allowed))}"
            )
        return principal

    setattr(check, ROLES_ATTRIBUTE, allowed)
    return check


def _required_roles(dependant: Dependant) -> frozenset[str] | None:
    """The roles every ``require_roles`` in a dependency tree admits (their intersection)."""
    found: frozenset[str] | None = getattr(dependant.call, ROLES_ATTRIBUTE, None)
    for sub in dependant.dependencies:
        roles = _required_roles(sub)
        if roles is not None:
            found = roles if found is None else found & roles
    return found


def declare_roles(routes: Iterable[BaseRoute]) -> list[str]:
    """Write each operation's ``require_roles`` into its OpenAPI as ``x-roles``; return the
    paths of operations that declare none (a service's app refuses to start with any)."""
    undeclared = []
    for route in routes:
        if not isinstance(route, APIRoute):
            continue
        roles = _required_roles(route.dependant)
        if roles is None:
            undeclared.append(f"{','.join(sorted(route.methods or ()))} {route.path}")
            continue
        route.openapi_extra = {
            **(route.openapi_extra or {}),
            "x-roles": sorted(roles),
            "security": [{BEARER_SCHEME: []}],
        }
    return undeclared
