"""``/api/admin/*``: user administration (role ``admin``) and the gateway's audit log."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Response, status
from starlette.concurrency import run_in_threadpool

from gateway.deps import DirectoryDep, RevocationsDep
from gateway.gate import gate_check
from gateway.identity import users as accounts
from gateway.identity.models import PasswordReset, Role, User, UserCreate, UserPublic, UserUpdate
from shared.audit import AuditDep
from shared.concurrency import ExpectedVersion, etag
from shared.db import SessionDep
from shared.pagination import Page, PageDep

router = APIRouter(prefix="/api/admin", tags=["admin"], dependencies=[Depends(gate_check)])


def _public(user: User, response: Response) -> UserPublic:
    response.headers["ETag"] = etag(user.version)
    return UserPublic.model_validate(user, from_attributes=True)


@router.get("/roles")
async def list_roles() -> list[str]:
    """The roles a user can hold (``service`` and ``treasury`` are for service clients)."""
    return [r.value for r in Role]


@router.get("/users")
def list_users(
    session: SessionDep,
    params: PageDep,
    role: Role | None = None,
    disabled: bool | None = None,
    unit_id: str | None = None,
) -> Page[UserPublic]:
    """List users by username, filtered by role, disabled state or unit."""
    users, total = accounts.list_users(
        session, params, role=role, disabled=disabled, unit_id=unit_id
    )
    items = [UserPublic.model_validate(u, from_attributes=True) for u in users]
    return Page(items=items, total=total, limit=params.limit, offset=params.offset)


@router.post("/users", status_code=status.HTTP_201_CREATED)
async def create_user(
    session: SessionDep,
    audit: AuditDep,
    directory: DirectoryDep,
    body: UserCreate,
    response: Response,
) -> UserPublic:
    """Create a user with roles and unit scope (the unit and person checked with personnel)."""
    await directory.check(unit_id=body.unit_id, staff_id=body.staff_id)
    user = await run_in_threadpool(accounts.create_user, session=session, audit=audit, data=body)
    response.headers["Location"] = f"/api/admin/users/{user.id}"
    return _public(user, response)


@router.get("/users/{user_id}")
def get_user(session: SessionDep, user_id: uuid.UUID, response: Response) -> UserPublic:
    """Read one user (``ETag`` carries its version)."""
    return _public(accounts.get_user(session, user_id), response)


@router.patch("/users/{user_id}")
async def update_user(
    session: SessionDep,
    audit: AuditDep,
    revocations: RevocationsDep,
    directory: DirectoryDep,
    user_id: uuid.UUID,
    body: UserUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> UserPublic:
    """Change display name, roles or unit scope (a unit or person checked with personnel);
    the user's current tokens are revoked."""
    named = body.model_fields_set
    await directory.check(
        unit_id=body.unit_id if "unit_id" in named else None,
        staff_id=body.staff_id if "staff_id" in named else None,
    )
    user = await run_in_threadpool(
        accounts.update_user,
        session=session,
        audit=audit,
        revocations=revocations,
        user_id=user_id,
        data=body,
        expected_version=expected,
    )
    return _public(user, response)


@router.post("/users/{user_id}/disable")
def disable_user(
    session: SessionDep,
    audit: AuditDep,
    revocations: RevocationsDep,
    user_id: uuid.UUID,
    response: Response,
    expected: ExpectedVersion,
) -> UserPublic:
    """Disable the user: sign-in and refresh refused, current tokens revoked."""
    user = accounts.set_disabled(
        session=session,
        audit=audit,
        revocations=revocations,
        user_id=user_id,
        disabled=True,
        expected_version=expected,
    )
    return _public(user, response)


@router.post("/users/{user_id}/enable")
def enable_user(
    session: SessionDep,
    audit: AuditDep,
    revocations: RevocationsDep,
    user_id: uuid.UUID,
    response: Response,
    expected: ExpectedVersion,
) -> UserPublic:
    """Enable a disabled user again."""
    user = accounts.set_disabled(
        session=session,
        audit=audit,
        revocations=revocations,
        user_id=user_id,
        disabled=False,
        expected_version=expected,
    )
    return _public(user, response)


@router.post("/users/{user_id}/password")
def reset_password(
    session: SessionDep,
    audit: AuditDep,
    revocations: RevocationsDep,
    user_id: uuid.UUID,
    body: PasswordReset,
    response: Response,
    expected: ExpectedVersion,
) -> UserPublic:
    """Set a new password; the user's sign-ins are ended."""
    user = accounts.reset_password(
        session=session,
        audit=audit,
        revocations=revocations,
        user_id=user_id,
        password=body.password,
        expected_version=expected,
    )
    return _public(user, response)
