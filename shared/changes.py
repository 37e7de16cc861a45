"""Versioned, audited changes: a change to a row is one call.

``record_creation`` stages a new row and audits its creation. A versioned row has
``version`` (bumped on every change, sent as its ``ETag``) and ``updated_at``;
``record_change`` bumps both and appends the audit entry in the caller's transaction;
``apply_update`` does a partial update (an ``XUpdate`` body) on top of it, after checking the
caller's ``If-Match``. None of them commits: the unit of work does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlmodel import Field, Session, SQLModel

from shared.audit import AuditLog
from shared.concurrency import check_version
from shared.context import Principal
from shared.types import UTCDateTime, utcnow


class Identified(Protocol):
    @property
    def id(self) -> Any: ...  # a column, or a property naming the row (a code)


class Versioned(Protocol):
    @property
    def id(self) -> Any: ...

    version: int
    updated_at: datetime


class VersionedColumns(SQLModel):
    """Mixin of a table whose rows change: ``version`` and the time of the last change."""

    version: int = 1
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime())


R = TypeVar("R", bound=Versioned)
N = TypeVar("N", bound=Identified)


def touch(row: Versioned) -> None:
    """Mark ``row`` changed: a new version and the time of the change."""
    row.version += 1
    row.updated_at = utcnow()


def record_creation(
    session: Session,
    audit: AuditLog,
    row: N,
    *,
    action: str,
    resource_type: str,
    after: Any = None,
    principal: Principal | None = None,
) -> N:
    """Stage a new ``row``, flush it (its id and defaults exist from here on), and audit
    ``action`` with what was created."""
    session.add(row)
    session.flush()
    audit.record(
        session,
        action=action,
        resource_type=resource_type,
        resource_id=row.id,
        after=after,
        principal=principal,
    )
    return row


def record_change(
    session: Session,
    audit: AuditLog,
    row: R,
    *,
    action: str,
    resource_type: str,
    before: Any = None,
    after: Any = None,
    principal: Principal | None = None,
    after_view: Callable[[R], Any] | None = None,
) -> R:
    """Bump ``row``'s version, stage it, and audit ``action`` with its before and after
    (``after_view``: the after as it shows the row once bumped, its new version included)."""
    touch(row)
    session.add(row)
    audit.record(
        session,
        action=action,
        resource_type=resource_type,
        resource_id=row.id,
        before=before,
        after=after_view(row) if after_view is not None else after,
        principal=principal,
    )
    return row


def apply_update(
    session: Session,
    audit: AuditLog,
    row: R,
    changes: Mapping[str, Any],
    *,
    resource_type: str,
    view: Callable[[R], Any],
    expected_version: int | None = None,
    action: str | None = None,
) -> R:
    """Set ``changes`` on ``row`` (after ``If-Match``), bump its version and audit the change
    as ``view`` shows the row before and after."""
    check_version(resource_type, row.version, expected_version)
    before = view(row)
    for name, value in changes.items():
        setattr(row, name, value)
    return record_change(
        session,
        audit,
        row,
        action=action or f"{resource_type}.update",
        resource_type=resource_type,
        before=before,
        after_view=view,
    )
