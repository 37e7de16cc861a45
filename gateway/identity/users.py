"""User administration: list, create, change roles and unit scope, disable, reset passwords.

Every change is audited and bumps the user's version; a change of roles, unit or person (and
disabling, and a new password) raises the user's token epoch, so tokens issued before stop
working. A user's unit and person are personnel's ids, checked with personnel by the routes
(``gateway.identity.directory``) before these run; a member of staff has one account at most.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select, update

from gateway.identity.models import (
    RefreshToken,
    User,
    UserCreate,
    UserUpdate,
)
from gateway.identity.passwords import hash_password
from gateway.identity.revocation import RevocationRegistry
from shared.audit import AuditLog
from shared.concurrency import check_version
from shared.pagination import PageParams
from shared.problems import Conflict, NotFound
from shared.types import utcnow


def _public(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "roles": user.roles,
        "unit_id": user.unit_id,
        "staff_id": user.staff_id,
        "disabled": user.disabled,
    }


def get_user(session: Session, user_id: uuid.UUID) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user


def list_users(
    session: Session,
    params: PageParams,
    *,
    role: str | None,
    disabled: bool | None,
    unit_id: str | None,
) -> tuple[list[User], int]:
    query = select(User)
    if disabled is not None:
        query = query.where(User.disabled == disabled)
    if unit_id is not None:
        query = query.where(User.unit_id == unit_id)
    if role is None:
        total = session.exec(select(func.count()).select_from(query.subquery())).one()
        page = session.exec(
            query.order_by(User.username).offset(params.offset).limit(params.limit)
        ).all()
        return list(page), total
    # roles is a JSON list: filtered here to stay portable across SQLite and PostgreSQL
    users = [u for u in session.exec(query.order_by(User.username)) if role in u.roles]
    return users[params.offset : params.offset + params.limit], len(users)


def _id_text(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


def _check_staff_id_free(session: Session, staff_id: str | None, user_id: uuid.UUID | None) -> None:
    """A member of staff has at most one user account."""
    if staff_id is None:
        return
    query = select(User).where(User.staff_id == staff_id)
    if user_id is not None:
        query = query.where(User.id != user_id)
    other = session.exec(query).first()
    if other is not None:
        raise Conflict(
            "STAFF_ID_TAKEN", f"staff {staff_id} already has the account {other.username!r}"
        )


def create_user(*, session: Session, audit: AuditLog, data: UserCreate) -> User:
    """Create a user (its unit and person already checked with personnel by the caller)."""
    _check_staff_id_free(session, _id_text(data.staff_id), None)
    user = User(
        username=data.username,
        display_name=data.display_name,
        password_hash=hash_password(data.password),
        roles=data.roles,
        unit_id=_id_text(data.unit_id),
        staff_id=_id_text(data.staff_id),
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        # the one constraint besides the username: another account took the staff id first
        _check_staff_id_free(session, _id_text(data.staff_id), None)
        raise Conflict("USERNAME_TAKEN", f"username {data.username!r} is taken") from exc
    audit.record(
        session,
        action="user.create",
        resource_type="user",
        resource_id=user.id,
        after=_public(user),
    )
    session.commit()
    return user


def _check_version(user: User, expected: int | None) -> None:
    check_version("user", user.version, expected)


def update_user(
    *,
    session: Session,
    audit: AuditLog,
    revocations: RevocationRegistry,
    user_id: uuid.UUID,
    data: UserUpdate,
    expected_version: int | None,
) -> User:
    """Change name, roles or unit scope; tokens carrying the old roles are revoked."""
    user = get_user(session, user_id)
    _check_version(user, expected_version)
    before = _public(user)
    changes = data.model_dump(exclude_unset=True)
    for name in ("unit_id", "staff_id"):
        if name in changes:
            changes[name] = _id_text(changes[name])
    if "staff_id" in changes:
        _check_staff_id_free(session, changes["staff_id"], user.id)
    for name, value in changes.items():
        setattr(user, name, value)
    scope_changed = any(before[k] != getattr(user, k) for k in ("roles", "unit_id", "staff_id"))
    return _save(
        session, audit, revocations, user, "user.update", before, revoke_tokens=scope_changed
    )


def set_disabled(
    *,
    session: Session,
    audit: AuditLog,
    revocations: RevocationRegistry,
    user_id: uuid.UUID,
    disabled: bool,
    expected_version: int | None,
) -> User:
    user = get_user(session, user_id)
    _check_version(user, expected_version)
    before = _public(user)
    user.disabled = disabled
    if disabled:
        session.execute(
            update(RefreshToken)
            .where(col(RefreshToken.user_id) == user.id, col(RefreshToken.revoked_at).is_(None))
            .values(revoked_at=utcnow())
        )
    return _save(
        session,
        audit,
        revocations,
        user,
        "user.disable" if disabled else "user.enable",
        before,
        revoke_tokens=disabled,
    )


def reset_password(
    *,
    session: Session,
    audit: AuditLog,
    revocations: RevocationRegistry,
    user_id: uuid.UUID,
    password: str,
    expected_version: int | None,
) -> User:
    user = get_user(session, user_id)
    _check_version(user, expected_version)
    user.password_hash = hash_password(password)
    session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.user_id) == user.id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )
    return _save(session, audit, revocations, user, "user.password_reset", None, revoke_tokens=True)


def _save(
    session: Session,
    audit: AuditLog,
    revocations: RevocationRegistry,
    user: User,
    action: str,
    before: dict[str, Any] | None,
    *,
    revoke_tokens: bool,
) -> User:
    now = utcnow()
    user.updated_at = now
    user.version += 1
    if revoke_tokens:
        user.token_epoch += 1
    session.add(user)
    audit.record(
        session,
        action=action,
        resource_type="user",
        resource_id=user.id,
        before=before,
        after=_public(user),
    )
    session.commit()
    if revoke_tokens:
        revocations.remember_user(str(user.id), user.token_epoch)
    return user
