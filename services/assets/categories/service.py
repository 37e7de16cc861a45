"""Reading and adjusting the category table (its rows come with the migration)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from services.assets.categories.models import Category
from services.assets.categories.schemas import CategoryPublic, CategoryUpdate
from shared.audit import AuditLog
from shared.changes import apply_update
from shared.pagination import Page
from shared.problems import NotFound


def public(row: Category) -> CategoryPublic:
    return CategoryPublic.model_validate(row, from_attributes=True)


def list_categories(session: Session, *, active: bool | None) -> Page[CategoryPublic]:
    """The whole table by code (a short reference list: one page)."""
    query = select(Category).order_by(col(Category.code))
    if active is not None:
        query = query.where(Category.active == active)
    return Page.whole([public(row) for row in session.exec(query)])


def get(session: Session, code: str, *, lock: bool = False) -> Category:
    row = session.get(Category, code, with_for_update=lock)
    if row is None:
        raise NotFound("category", code)
    return row


def update(
    session: Session,
    audit: AuditLog,
    code: str,
    *,
    data: CategoryUpdate,
    expected_version: int | None,
) -> Category:
    """Rename a category, change its useful life, or retire it (cards keep their category)."""
    row = get(session, code, lock=True)
    return apply_update(
        session,
        audit,
        row,
        data.model_dump(exclude_unset=True),
        resource_type="category",
        view=lambda r: public(r).model_dump(mode="json", exclude={"version"}),
        expected_version=expected_version,
    )
