"""``/auth/*`` and the JWKS: sign-in, refresh, logout, who-am-I."""

from __future__ import annotations

import base64
import binascii
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from gateway.deps import IssuerDep, RevocationsDep, SigningKeyDep, ThrottleDep
from gateway.gate import GateDep
from gateway.identity import service
from gateway.identity.models import Me, Revocations, TokenResponse, User
from gateway.identity.revocation import RevocationRegistry
from gateway.identity.service import TokenIssuer
from gateway.ratelimit import LoginThrottle
from shared.audit import AuditDep
from shared.context import Principal
from shared.db import ReadEngineDep, SessionDep
from shared.problems import ProblemError

router = APIRouter(tags=["auth"])


async def _caller(request: Request, gate: GateDep) -> Principal:
    return await gate.principal(request)


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


def _admit(throttle: LoginThrottle, username: str | None, address: str) -> None:
    """429 while ``username`` (None: only the address) has failed too often."""
    wait = throttle.check(username, address)
    if wait:
        raise ProblemError(
            429,
            "TOO_MANY_ATTEMPTS",
            "too many sign-in attempts; wait and try again",
            headers={"Retry-After": str(wait)},
        )


async def _password_grant(
    session: Session,
    engine: Engine,
    issuer: TokenIssuer,
    throttle: LoginThrottle,
    address: str,
    username: str | None,
    password: str | None,
) -> TokenResponse:
    if not username or password is None:
        raise service.invalid_grant("username and password are required")
    _admit(throttle, username, address)
    try:
        user_id, matched = await run_in_threadpool(
            service.check_password, engine=engine, username=username, password=password
        )
        tokens = await run_in_threadpool(
            service.password_grant,
            session=session,
            issuer=issuer,
            user_id=user_id,
            password_hash=matched,
        )
    except ProblemError as problem:
        if problem.status >= 500:  # never judged (the database could not answer)
            throttle.undecided(username, address)
        raise
    except Exception:
        throttle.undecided(username, address)
        raise
    throttle.succeeded(username, address)
    return tokens


async def _client_credentials_grant(
    session: Session,
    issuer: TokenIssuer,
    throttle: LoginThrottle,
    address: str,
    client_id: str | None,
    client_secret: str | None,
) -> TokenResponse:
    if not client_id or client_secret is None:
        raise service.invalid_client()
    # per address only: a guesser must not lock a real service out of its tokens
    _admit(throttle, None, address)
    return await run_in_threadpool(
        service.client_credentials_grant,
        session=session,
        issuer=issuer,
        client_id=client_id,
        client_secret=client_secret,
    )


async def _refresh_grant(
    session: Session,
    issuer: TokenIssuer,
    throttle: LoginThrottle,
    address: str,
    revocations: RevocationRegistry,
    refresh_token: str | None,
) -> TokenResponse:
    if not refresh_token:
        raise service.invalid_grant("refresh_token is required")
    _admit(throttle, None, address)
    return await run_in_threadpool(
        service.refresh_grant,
        session=session,
        issuer=issuer,
        revocations=revocations,
        token=refresh_token,
    )


@router.post("/auth/token")
async def issue_token(
    request: Request,
    session: SessionDep,
    engine: ReadEngineDep,
    issuer: IssuerDep,
    throttle: ThrottleDep,
    revocations: RevocationsDep,
    grant_type: Annotated[str, Form(min_length=1, max_length=40)],
    username: Annotated[str | None, Form(max_length=64)] = None,
    password: Annotated[str | None, Form(max_length=200)] = None,
    client_id: Annotated[str | None, Form(max_length=64)] = None,
    client_secret: Annotated[str | None, Form(max_length=200)] = None,
    refresh_token: Annotated[str | None, Form(max_length=200)] = None,
) -> TokenResponse:
    """Issue tokens (OAuth2): ``password``, ``client_credentials`` or ``refresh_token`` grant."""
    address = request.client.host if request.client else "unknown"
    if grant_type == "password":
        return await _password_grant(session, engine, issuer, throttle, address, username, password)
    if grant_type == "client_credentials":
        basic = _basic_credentials(request)
        if basic is not None:
            client_id, client_secret = basic
        return await _client_credentials_grant(
            session, issuer, throttle, address, client_id, client_secret
        )
    if grant_type == "refresh_token":
        return await _refresh_grant(session, issuer, throttle, address, revocations, refresh_token)
    raise ProblemError(
        400,
        "UNSUPPORTED_GRANT_TYPE",
        f"grant_type {grant_type!r} is not supported",
        error="unsupported_grant_type",
    )


@router.post("/auth/logout", status_code=204)
def logout(
    session: SessionDep,
    caller: CallerDep,
    issuer: IssuerDep,
    revocations: RevocationsDep,
    audit: AuditDep,
) -> Response:
    """End the caller's sign-in: its access and refresh tokens stop working."""
    service.logout(
        session=session,
        issuer=issuer,
        revocations=revocations,
        principal=caller,
        sid=caller.session_id,
        audit=audit,
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


@router.get(
    "/auth/revocations",
    response_model=Revocations,
    responses={304: {"description": "Unchanged since the ETag sent in If-None-Match"}},
)
async def revocations_feed(
    request: Request, caller: CallerDep, revocations: RevocationsDep
) -> Response:
    """The revoked tokens and sign-ins and the users' token epochs, for services (role
    ``service``) that verify tokens themselves; ``If-None-Match`` answers ``304`` while the
    list is unchanged."""
    if "service" not in caller.roles:
        raise ProblemError(403, "FORBIDDEN", "requires one of the roles: service")
    headers = {"ETag": revocations.etag}
    if request.headers.get("if-none-match") == revocations.etag:
        return Response(status_code=304, headers=headers)
    return JSONResponse(revocations.snapshot(), headers=headers)


@router.get("/.well-known/jwks.json", tags=["auth"])
async def jwks(signing_key: SigningKeyDep) -> dict[str, Any]:
    """The public keys that verify access tokens."""
    return signing_key.jwks()
