"""Identity use cases: sign-in, token issuing, refresh rotation with reuse detection, logout,
user administration. The only place in the gateway that commits."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select, update

from gateway.identity.models import (
    RefreshToken,
    Role,
    ServiceClient,
    TokenResponse,
    User,
)
from gateway.identity.passwords import hash_password, verify_password
from gateway.identity.revocation import RevocationRegistry
from gateway.keys import SigningKey
from shared.audit import AuditLog
from shared.context import Principal
from shared.problems import ProblemError
from shared.types import utcnow


def invalid_grant(detail: str) -> ProblemError:
    return ProblemError(400, "INVALID_GRANT", detail, error="invalid_grant")


def invalid_client() -> ProblemError:
    return ProblemError(
        401,
        "INVALID_CLIENT",
        "client authentication failed",
        error="invalid_client",
        headers={"WWW-Authenticate": 'Basic realm="token"'},
    )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class TokenIssuer:
    key: SigningKey
    issuer: str
    audience: str
    access_seconds: int
    refresh_seconds: int

    def access_token(self, sub: str, roles: list[str], extra: dict[str, Any]) -> tuple[str, str]:
        now = int(utcnow().timestamp())
        jti = uuid.uuid4().hex
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": sub,
            "roles": sorted(roles),
            "iat": now,
            "nbf": now,
            "exp": now + self.access_seconds,
            "jti": jti,
            **extra,
        }
        return self.key.sign(claims), jti


# ---- sign-in and tokens ------------------------------------------------------------------


def _user_claims(user: User, family_id: uuid.UUID) -> dict[str, Any]:
    return {
        "name": user.username,
        "unit_id": user.unit_id,
        "staff_id": user.staff_id,
        "sid": family_id.hex,
        "ep": user.token_epoch,
    }


def _new_refresh(session: Session, issuer: TokenIssuer, user: User, family_id: uuid.UUID) -> str:
    token = "rt_" + secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        RefreshToken(
            family_id=family_id,
            user_id=user.id,
            token_hash=_digest(token),
            issued_at=now,
            expires_at=now + timedelta(seconds=issuer.refresh_seconds),
        )
    )
    return token


def _issue_for_user(
    session: Session, issuer: TokenIssuer, user: User, family_id: uuid.UUID
) -> TokenResponse:
    refresh = _new_refresh(session, issuer, user, family_id)
    access, _ = issuer.access_token(str(user.id), user.roles, _user_claims(user, family_id))
    return TokenResponse(
        access_token=access, expires_in=issuer.access_seconds, refresh_token=refresh
    )


def check_password(*, engine: Engine, username: str, password: str) -> tuple[uuid.UUID, str]:
    """The account the password opens: its id and the hash it matched.

    Read in a reading transaction of its own, so the deliberately slow hash is checked
    outside the write lock (on SQLite a burst of sign-ins would otherwise queue one hash at a
    time behind it, past the database's busy timeout)."""
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == username)).first()
        ok = verify_password(user.password_hash if user else None, password)
        if user is None or not ok or user.disabled:
            raise invalid_grant("wrong username or password, or the account is disabled")
        return user.id, user.password_hash


def password_grant(
    *, session: Session, issuer: TokenIssuer, user_id: uuid.UUID, password_hash: str
) -> TokenResponse:
    """Tokens for the account ``check_password`` opened, unless it was disabled or its
    password changed in between."""
    user = session.get(User, user_id)
    if user is None or user.disabled or user.password_hash != password_hash:
        raise invalid_grant("wrong username or password, or the account is disabled")
    tokens = _issue_for_user(session, issuer, user, uuid.uuid4())
    session.commit()
    return tokens


def client_credentials_grant(
    *, session: Session, issuer: TokenIssuer, client_id: str, client_secret: str
) -> TokenResponse:
    client = session.get(ServiceClient, client_id)
    ok = verify_password(client.secret_hash if client else None, client_secret)
    if client is None or not ok or client.disabled:
        raise invalid_client()
    access, _ = issuer.access_token(f"service:{client.client_id}", client.roles, {})
    return TokenResponse(access_token=access, expires_in=issuer.access_seconds)


def refresh_grant(
    *, session: Session, issuer: TokenIssuer, revocations: RevocationRegistry, token: str
) -> TokenResponse:
    """Rotate: the presented token is spent and a new one issued in the same family.

    Presenting a spent token again means it leaked: the whole family (every refresh token and
    access token of that sign-in) is revoked.
    """
    now = utcnow()
    record = session.exec(
        select(RefreshToken).where(RefreshToken.token_hash == _digest(token))
    ).first()
    if record is None or record.revoked_at is not None or record.expires_at <= now:
        raise invalid_grant("refresh token is invalid, expired or revoked")
    if record.used_at is not None:
        _revoke_family(session, issuer, revocations, record.family_id)
        raise invalid_grant("refresh token was already used; the sign-in has been revoked")
    user = session.get(User, record.user_id)
    if user is None or user.disabled:
        raise invalid_grant("the account is disabled")
    spent = session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.id) == record.id, col(RefreshToken.used_at).is_(None))
        .values(used_at=now)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        # a concurrent request spent it first: the same reuse as above
        session.rollback()
        _revoke_family(session, issuer, revocations, record.family_id)
        raise invalid_grant("refresh token was already used; the sign-in has been revoked")
    tokens = _issue_for_user(session, issuer, user, record.family_id)
    session.commit()
    return tokens


def _revoke_family(
    session: Session,
    issuer: TokenIssuer,
    revocations: RevocationRegistry,
    family_id: uuid.UUID,
) -> None:
    now = utcnow()
    session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.family_id) == family_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    until = now + timedelta(seconds=issuer.access_seconds + 60)
    revocations.revoke_ids(session, [family_id.hex], until)
    session.commit()
    revocations.remember([family_id.hex], until)


def logout(
    *,
    session: Session,
    issuer: TokenIssuer,
    revocations: RevocationRegistry,
    principal: Principal,
    sid: str | None,
    audit: AuditLog,
) -> None:
    """End this sign-in: its refresh tokens and access tokens stop working at once."""
    ids = [i for i in (principal.token_id, sid) if i]
    until = utcnow() + timedelta(seconds=issuer.access_seconds + 60)
    if sid is not None:
        session.execute(
            update(RefreshToken)
            .where(
                col(RefreshToken.family_id) == uuid.UUID(hex=sid),
                col(RefreshToken.revoked_at).is_(None),
            )
            .values(revoked_at=utcnow())
        )
    revocations.revoke_ids(session, ids, until)
    audit.record(
        session, action="logout", resource_type="session", resource_id=sid, principal=principal
    )
    session.commit()
    revocations.remember(ids, until)


# ---- bootstrap ---------------------------------------------------------------------------


def ensure_user(
    session: Session,
    *,
    username: str,
    password: str,
    roles: list[str],
    display_name: str,
    unit_id: str | None = None,
) -> bool:
    """Create ``username`` unless it exists; return whether it was created."""
    if session.exec(select(User).where(User.username == username)).first() is not None:
        return False
    session.add(
        User(
            username=username,
            display_name=display_name,
            password_hash=hash_password(password),
            roles=sorted(roles),
            unit_id=unit_id,
        )
    )
    session.commit()
    return True


def sync_service_clients(
    session: Session,
    secrets_by_client: dict[str, str],
    treasury_secrets: dict[str, str] | None = None,
) -> None:
    """Make the stored clients named in configuration match it: the peer services with role
    ``service``, the treasury payment system's clients with role ``treasury`` (their tokens
    carry ``sub`` ``service:<client_id>``). A changed secret or role is updated in place;
    clients no longer configured are left as they are."""
    wanted = {
        client_id: (secret, [Role.SERVICE.value]) for client_id, secret in secrets_by_client.items()
    }
    for client_id, secret in (treasury_secrets or {}).items():
        wanted[client_id] = (secret, [Role.TREASURY.value])
    for client_id, (secret, roles) in wanted.items():
        client = session.get(ServiceClient, client_id)
        if client is None:
            session.add(
                ServiceClient(client_id=client_id, secret_hash=hash_password(secret), roles=roles)
            )
            continue
        if not verify_password(client.secret_hash, secret):
            client.secret_hash = hash_password(secret)
            session.add(client)
        if sorted(client.roles) != roles:
            client.roles = roles
            session.add(client)
    session.commit()
