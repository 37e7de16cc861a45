"""The gate every ``/api/...`` request passes: valid, unrevoked token and a policy row."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import URL
from starlette.types import Scope

from gateway.identity.revocation import RevocationRegistry
from gateway.paths import checked_raw_path
from gateway.policy import PolicyTable
from shared.auth import TokenVerifier, unauthenticated
from shared.context import Principal, principal_var
from shared.deps import from_app_state
from shared.problems import ProblemError

# characters ``request.url.path`` drops (tab, CR, LF) or escapes (? # \): a path holding one is
# judged as Starlette's URL reads it, so the answer is the same as before the gate read the scope
_LONG_WAY = re.compile(r"[\t\r\n?#\\]")


def _authorization(scope: Scope) -> str:
    """The first ``Authorization`` header of the request, or ``""``."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            authorization: str = value.decode("latin-1")
            return authorization
    return ""


def policy_path(scope: Scope) -> str:
    """The path the policy judges: the request's decoded path (as ``request.url.path``)."""
    path: str = scope["path"]
    if scope.get("root_path") or _LONG_WAY.search(path):
        return URL(scope=scope).path  # the rare shapes: built the long way, same answer
    return path


class Gate:
    """Verifies the caller (signature checks are cached per token by ``TokenVerifier``) and
    judges the request against the policy; works on the ASGI scope, so the proxy's fast path
    and the gateway's own routes pass the same checks."""

    def __init__(
        self, policy: PolicyTable, verifier: TokenVerifier, revocations: RevocationRegistry
    ) -> None:
        self.policy = policy
        self.verifier = verifier
        self.revocations = revocations

    async def principal(self, request: Request) -> Principal:
        """The verified caller; 401 for a missing, invalid, expired or revoked token."""
        return await self.scope_principal(request.scope)

    async def scope_principal(self, scope: Scope) -> Principal:
        scheme, _, token = _authorization(scope).partition(" ")
        token = token.strip()
        if not token or scheme.lower() != "bearer":
            raise unauthenticated("a bearer token is required")
        principal = await self.verifier.verify(token)
        if self.revocations.is_revoked(
            sub=principal.sub,
            jti=principal.token_id,
            sid=principal.session_id,
            epoch=principal.epoch,
        ):
            raise unauthenticated("token has been revoked")
        principal_var.set(principal)
        scope.setdefault("state", {})["principal"] = principal  # request.state.principal
        return principal

    async def check(self, request: Request) -> Principal:
        return await self.check_scope(request.scope)

    async def check_scope(self, scope: Scope) -> Principal:
        """The caller, when a policy row lets one of its roles make this request; 401, 400
        (an ambiguous path) or 403 otherwise, in that order."""
        return (await self._judge(scope))[0]

    async def admit(self, scope: Scope) -> str:
        """``check_scope``, answering the raw path it judged (what the proxy forwards)."""
        return (await self._judge(scope))[1]

    async def _judge(self, scope: Scope) -> tuple[Principal, str]:
        principal = await self.scope_principal(scope)
        path = policy_path(scope)
        raw = checked_raw_path(scope.get("raw_path") or path.encode())
        method: str = scope["method"]
        rule = self.policy.match(method, path)
        if rule is None:
            raise ProblemError(403, "ROUTE_NOT_ALLOWED", f"{method} {path} is not open to any role")
        if principal.roles.isdisjoint(rule.roles):
            raise ProblemError(
                403, "FORBIDDEN", f"requires one of the roles: {', '.join(sorted(rule.roles))}"
            )
        return principal, raw


GateDep = Annotated[Gate, Depends(from_app_state("gate", Gate))]


async def gate_check(request: Request, gate: GateDep) -> Principal:
    """Dependency for the gateway's own ``/api`` routes."""
    return await gate.check(request)
