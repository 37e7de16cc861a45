"""Identity tables and their API shapes."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, Field, WithJsonSchema, field_validator
from sqlalchemy import JSON, Column
from sqlmodel import Field as SQLField
from sqlmodel import SQLModel

from shared.patching import Patch
from shared.text import Name
from shared.types import UTCDateTime, utcnow


class Role(StrEnum):
    """The suite's roles (DESIGN.md, "Identity and roles")."""

    ADMIN = "admin"
    DIRECTOR = "director"
    FINANCE_OFFICER = "finance_officer"
    FINANCE_APPROVER = "finance_approver"
    ASSET_OFFICER = "asset_officer"
    FACILITIES_OFFICER = "facilities_officer"
    SECURITY_OFFICER = "security_officer"
    GUARD = "guard"
    HR_OFFICER = "hr_officer"
    UNIT_LIAISON = "unit_liaison"
    STAFF = "staff"
    AUDITOR = "auditor"
    TREASURY = "treasury"
    SERVICE = "service"


ALL_ROLES = frozenset(Role)
USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,63}$"


class User(SQLModel, table=True):
    __tablename__ = "gateway_user"

    id: uuid.UUID = SQLField(default_factory=uuid.uuid4, primary_key=True)
    username: str = SQLField(max_length=64, unique=True, index=True)
    display_name: str = SQLField(max_length=200)
    password_hash: str = SQLField(max_length=200)
    roles: list[str] = SQLField(default_factory=list, sa_column=Column(JSON, nullable=False))
    unit_id: str | None = SQLField(default=None, max_length=64)
    # a member of staff has one account at most (NULLs, accounts of no one, are many)
    staff_id: str | None = SQLField(default=None, max_length=64, unique=True, index=True)
    disabled: bool = False
    # raised whenever the user's current tokens must stop working (role change, disable …)
    token_epoch: int = 0
    created_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime())
    updated_at: datetime = SQLField(default_factory=utcnow, sa_type=UTCDateTime())
    version: int = 1


class ServiceClient(SQLModel, table=True):
    """A peer service (or the treasury system) that signs in by client credentials."""

    __tablename__ = "gateway_service_client"

    client_id: str = SQLField(primary_key=True, max_length=64)
    secret_hash: str = SQLField(max_length=200)
    roles: list[str] = SQLField(default_factory=list, sa_column=Column(JSON, nullable=False))
    disabled: bool = False


class RefreshToken(SQLModel, table=True):
    """One refresh token; rotation chains tokens of one sign-in into a family (``family_id``)."""

    __tablename__ = "gateway_refresh_token"

    id: uuid.UUID = SQLField(default_factory=uuid.uuid4, primary_key=True)
    family_id: uuid.UUID = SQLField(index=True)
    user_id: uuid.UUID = SQLField(foreign_key="gateway_user.id", index=True)
    token_hash: str = SQLField(max_length=64, unique=True)
    issued_at: datetime = SQLField(sa_type=UTCDateTime())
    expires_at: datetime = SQLField(sa_type=UTCDateTime())
    used_at: datetime | None = SQLField(default=None, sa_type=UTCDateTime())
    revoked_at: datetime | None = SQLField(default=None, sa_type=UTCDateTime())


class RevokedAccessToken(SQLModel, table=True):
    """An access token (``jti``) or sign-in (``sid``) ended before its expiry by logout/reuse."""

    __tablename__ = "gateway_revoked_token"

    token_id: str = SQLField(primary_key=True, max_length=64)
    expires_at: datetime = SQLField(sa_type=UTCDateTime())


# ---- API shapes -------------------------------------------------------------------------


# a role a person can hold, stated in the schema so a client (or a generator) knows them all
PersonRole = Annotated[
    str,
    WithJsonSchema({"type": "string", "enum": sorted(ALL_ROLES - {Role.SERVICE, Role.TREASURY})}),
]


def _check_roles(roles: list[str]) -> list[str]:
    unknown = sorted(set(roles) - ALL_ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {', '.join(unknown)}")
    if Role.SERVICE in roles or Role.TREASURY in roles:
        raise ValueError("roles 'service' and 'treasury' belong to service clients, not people")
    return sorted(set(roles))


class UserCreate(BaseModel):
    username: str = Field(pattern=USERNAME_PATTERN)
    display_name: Name
    password: str = Field(min_length=12, max_length=200)
    roles: list[PersonRole] = Field(default_factory=list, max_length=len(Role))
    unit_id: uuid.UUID | None = Field(default=None, description="Personnel's unit id")
    staff_id: uuid.UUID | None = Field(default=None, description="Personnel's staff id")

    _roles = field_validator("roles")(_check_roles)


class UserUpdate(Patch):
    nullable = frozenset({"unit_id", "staff_id"})

    display_name: Name | None = None
    roles: list[PersonRole] | None = Field(default=None, min_length=1, max_length=len(Role))
    unit_id: uuid.UUID | None = Field(default=None, description="Personnel's unit id")
    staff_id: uuid.UUID | None = Field(default=None, description="Personnel's staff id")

    @field_validator("roles")
    @classmethod
    def _valid_roles(cls, roles: list[str] | None) -> list[str] | None:
        return None if roles is None else _check_roles(roles)


class PasswordReset(BaseModel):
    password: str = Field(min_length=12, max_length=200)


class UserPublic(BaseModel):
    id: uuid.UUID
    username: str
    display_name: str
    roles: list[str]
    unit_id: str | None
    staff_id: str | None
    disabled: bool
    created_at: datetime
    updated_at: datetime
    version: int


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    refresh_token: str | None = None


class Me(BaseModel):
    sub: str
    username: str | None
    roles: list[str]
    unit_id: str | None
    staff_id: str | None


class Revocations(BaseModel):
    """The revocation feed services poll (``GET /auth/revocations``)."""

    token_ids: list[str]  # revoked access-token ids (``jti``) and sign-ins (``sid``)
    user_epochs: dict[str, int]  # a user's tokens older than this epoch no longer count
