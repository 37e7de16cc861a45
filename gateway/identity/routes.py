"""``/auth/*`` and the JWKS: sign-in, refresh, logout, who-am-I."""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from starlette.concurrency import run_in_threadpool

from gateway.identity import service
from gateway.identity.models import Me, TokenResponse, User
from gateway.ratelimit import LoginThrottle
from shared.context import Principal
from shared.db import SessionDep
from shared.problems import ProblemError

router = APIRouter(tags=["auth"])


async def _caller(request: Request) -> Principal:
    principal: Principal = await request.app.state.gate.principal(request)
    return principal


CallerDep = Annotated[Principal, Depends(_caller)]


def _basic_credentials(request: Request) -> tuple[str, str] | None:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return client_id, secret


def _throttled(wait: int) -> ProblemError:
    return ProblemError(
        429,
        "TOO_MANY_ATTEMPTS",
        "too many sign-in attempts; wait and try again",
        headers={"Retry-After": str(wait)},
    )


@router.post("/auth/token")
async def issue_token(
    request: Request,
    session: SessionDep,
    grant_type: Annotated[str, Form(max_length=40)],
    username: Annotated[str | None, Form(max_length=64)] = None,
    password: Annotated[str | None, Form(max_length=200)] = None,
    client_id: Annotated[str | None, Form(max_length=64)] = None,
    client_secret: Annotated[str | None, Form(max_length=200)] = None,
    refresh_token: Annotated[str | None, Form(max_length=200)] = None,
) -> TokenResponse:
    """Issue tokens (OAuth2): ``password``, ``client_credentials`` or ``refresh_token`` grant."""
    state = request.app.state
    throttle: LoginThrottle = state.login_throttle
    address = request.client.host if request.client else "unknown"
    issuer = state.token_issuer
    if grant_type == "password":
        if not username or password is None:
            raise service.invalid_grant("username and password are required")
        wait = throttle.check(username, address)
        if wait:
            raise _throttled(wait)
        tokens = await run_in_threadpool(
            service.password_grant,
            session=session,
            issuer=issuer,
            username=username,
            password=password,
        )
        throttle.succeeded(username)
        return tokens
    if grant_type == "client_credentials":
        basic = _basic_credentials(request)
        if basic is not None:
            client_id, client_secret = basic
        if not client_id or client_secret is None:
            raise service.invalid_client()
        # per address only: a guesser must not lock a real service out of its tokens
        wait = throttle.check(None, address)
        if wait:
            raise _throttled(wait)
        return await run_in_threadpool(
            service.client_credentials_grant,
            session=session,
            issuer=issuer,
            client_id=client_id,
            client_secret=client_secret,
        )
    if grant_type == "refresh_token":
        if not refresh_token:
            raise service.invalid_grant("refresh_token is required")
        wait = throttle.check(None, address)
        if wait:
            raise _throttled(wait)
        return await run_in_threadpool(
            service.refresh_grant,
            session=session,
            issuer=issuer,
            revocations=state.revocations,
            token=refresh_token,
        )
    raise ProblemError(
        400,
        "UNSUPPORTED_GRANT_TYPE",
        f"grant_type {grant_type!r} is not supported",
        error="unsupported_grant_type",
    )


@router.post("/auth/logout", status_code=204)
def logout(request: Request, session: SessionDep, caller: CallerDep) -> Response:
    """End the caller's sign-in: its access and refresh tokens stop working."""
    state = request.app.state
    service.logout(
        session=session,
        issuer=state.token_issuer,
        revocations=state.revocations,
        principal=caller,
        sid=caller.session_id,
        audit=state.audit,
    )
    return Response(status_code=204)


@router.get("/auth/me")
def me(session: SessionDep, caller: CallerDep) -> Me:
    """Who the token belongs to."""
    username = None
    if not caller.sub.startswith("service:"):
        user = session.get(User, _uuid_or_none(caller.sub))
        username = user.username if user else None
    return Me(
        sub=caller.sub,
        username=username,
        roles=sorted(caller.roles),
        unit_id=caller.unit_id,
        staff_id=caller.staff_id,
    )


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@router.get("/.well-known/jwks.json", tags=["auth"])
async def jwks(request: Request) -> dict[str, Any]:
    """The public keys that verify access tokens."""
    keys: dict[str, Any] = request.app.state.signing_key.jwks()
    return keys
