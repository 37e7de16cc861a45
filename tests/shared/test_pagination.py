"""Pages: the total is right whether it was counted or told by the page itself, filters of a
``Listing`` apply in any combination, and its statements are built once per shape."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from shared.audit import AuditLog
from shared.db import unit_of_work
from shared.pagination import PageParams, known_total
from shared.tables import platform_tables
from tests.support.databases import Databases


@pytest.fixture
def audit_engine(databases: Databases) -> Iterator[tuple[AuditLog, Engine]]:
    engine = databases.fresh_engine("finance")
    audit = AuditLog(platform_tables("finance").audit)
    with unit_of_work(engine) as session:
        for n in range(7):
            audit.record(
                session,
                action="thing.made" if n % 2 else "thing.changed",
                resource_type="thing",
                resource_id=f"t{n}",
            )
    yield audit, engine
    engine.dispose()


def _page(audit: AuditLog, engine: Engine, limit: int, offset: int, **filters: str) -> list[int]:
    with Session(engine) as session:
        page = audit.page(session, PageParams(limit=limit, offset=offset), dict(filters))
    return [page.total, *[e.seq for e in page.items]]


@pytest.mark.parametrize(
    ("limit", "offset", "total", "count"),
    [(3, 0, 7, 3), (10, 0, 7, 7), (3, 6, 7, 1), (3, 7, 7, 0), (3, 20, 7, 0), (7, 0, 7, 7)],
)
def test_totals_counted_or_told_agree(
    audit_engine: tuple[AuditLog, Engine], limit: int, offset: int, total: int, count: int
) -> None:
    audit, engine = audit_engine
    got = _page(audit, engine, limit, offset)
    assert got[0] == total
    assert len(got) - 1 == count
    assert got[1:] == sorted(got[1:], reverse=True)  # newest first


def test_filters_in_any_combination_and_statements_built_once_a_shape(
    audit_engine: tuple[AuditLog, Engine],
) -> None:
    audit, engine = audit_engine
    assert _page(audit, engine, 50, 0, action="thing.made")[0] == 3
    assert _page(audit, engine, 1, 0, action="thing.changed")[0] == 4
    assert _page(audit, engine, 50, 0, action="thing.made", resource_id="t3")[0] == 1
    assert _page(audit, engine, 50, 0, action="thing.changed", resource_id="t3")[0] == 0
    shapes = len(audit._listing._shapes)
    assert _page(audit, engine, 2, 1, action="thing.made")[0] == 3  # same shape, new values
    assert len(audit._listing._shapes) == shapes


def test_a_listing_refuses_an_unknown_filter(audit_engine: tuple[AuditLog, Engine]) -> None:
    audit, engine = audit_engine
    with Session(engine) as session, pytest.raises(TypeError, match="unknown filters"):
        audit._listing.fetch(session, PageParams(), colour="red")


def test_known_total() -> None:
    assert known_total([1, 2], PageParams(limit=5, offset=0)) == 2
    assert known_total([1, 2], PageParams(limit=5, offset=10)) == 12
    assert known_total([1, 2], PageParams(limit=2, offset=0)) is None  # full: there may be more
    assert known_total([], PageParams(limit=5, offset=0)) == 0
    assert known_total([], PageParams(limit=5, offset=10)) is None  # past the end: count
