"""Routes of the category table (GB/T 14885)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Response

from services.assets.categories import service
from services.assets.categories.schemas import CategoryPublic, CategoryUpdate
from services.assets.roles import manage, read_locations
from shared.audit import AuditDep
from shared.concurrency import ExpectedVersion, etag
from shared.db import SessionDep
from shared.pagination import Page
from shared.routing import Router

router = Router(tags=["asset categories"])
Code = Annotated[str, Path(pattern=r"^[0-9]{7}$", description="GB/T 14885 code")]


@router.get("/categories", dependencies=read_locations)
def list_categories(session: SessionDep, active: bool | None = None) -> Page[CategoryPublic]:
    """The fixed-asset categories (GB/T 14885) by code, with each one's useful life."""
    return service.list_categories(session, active=active)


@router.get("/categories/{code}", dependencies=read_locations)
def get_category(session: SessionDep, code: Code, response: Response) -> CategoryPublic:
    """One category (``ETag`` carries its version)."""
    row = service.get(session, code)
    response.headers["ETag"] = etag(row.version)
    return service.public(row)


@router.patch("/categories/{code}", dependencies=manage)
def update_category(
    session: SessionDep,
    audit: AuditDep,
    code: Code,
    body: CategoryUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> CategoryPublic:
    """Rename, change the useful life (from the next monthly run on) or retire a category."""
    row = service.update(session, audit, code, data=body, expected_version=expected)
    response.headers["ETag"] = etag(row.version)
    return service.public(row)
