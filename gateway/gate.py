"""The gate every ``/api/...`` request passes: valid, unrevoked token and a policy row."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from gateway.identity.revocation import RevocationRegistry
from gateway.paths import checked_raw_path
from gateway.policy import PolicyTable
from shared.auth import TokenVerifier, unauthenticated
from shared.context import Principal, principal_var
from shared.deps import from_app_state
from shared.problems import ProblemError


class Gate:
    def __init__(
        self, policy: PolicyTable, verifier: TokenVerifier, revocations: RevocationRegistry
    ) -> None:
        self.policy = policy
        self.verifier = verifier
        self.revocations = revocations

    async def principal(self, request: Request) -> Principal:
        """The verified caller; 401 for a missing, invalid, expired or revoked token."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthenticated("a bearer token is required")
        principal = await self.verifier.verify(token.strip())
        if self.revocations.is_revoked(
            sub=principal.sub,
            jti=principal.token_id,
            sid=principal.session_id,
            epoch=principal.epoch,
        ):
            raise unauthenticated("token has been revoked")
        principal_var.set(principal)
        request.state.principal = principal
        return principal

    async def check(self, request: Request) -> Principal:
        principal = await self.principal(request)
        checked_raw_path(request.scope.get("raw_path") or request.url.path.encode())
        rule = self.policy.match(request.method, request.url.path)
        if rule is None:
            raise ProblemError(
                403,
                "ROUTE_NOT_ALLOWED",
                f"{request.method} {request.url.path} is not open to any role",
            )
        if principal.roles.isdisjoint(rule.roles):
            raise ProblemError(
                403, "FORBIDDEN", f"requires one of the roles: {', '.join(sorted(rule.roles))}"
            )
        return principal


GateDep = Annotated[Gate, Depends(from_app_state("gate", Gate))]


async def gate_check(request: Request, gate: GateDep) -> Principal:
    """Dependency for the gateway's own ``/api`` routes."""
    return await gate.check(request)
