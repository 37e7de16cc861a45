"""The outcome of each item of a campaign, computed from its frozen expected list and its scans.

- found: the tag was scanned in the card's expected room (at least once);
- misplaced (found elsewhere): scanned, but only in other rooms; a card that named no room
  and was scanned is misplaced too (the fix records where it is); ``found_room_id`` is the
  room of its latest scan;
- missing: the tag was never scanned;
- surplus (盘盈): a scanned tag with no card in the expected list (no card at all, or a card
  outside the campaign's scope), found in the room of its latest scan.

Nothing is stored per item: scans are the record, and the outcome follows from them, so a
batch posted twice or a late scan changes the answer exactly as it should.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, null, select, union_all
from sqlmodel import Session

from services.assets.stocktakes.access import campaign_in_scope
from services.assets.stocktakes.models import Campaign, ExpectedItem, Outcome, Scan
from services.assets.stocktakes.schemas import ResultPublic, ResultSummary
from shared.bulk import table_of
from shared.pagination import Page, PageParams, known_total
from shared.scope import RowScope

E: Any = table_of(ExpectedItem)
S: Any = table_of(Scan)
COLUMNS = (
    "outcome",
    "tag",
    "asset_id",
    "name",
    "expected_room_id",
    "found_room_id",
    "unit_id",
    "custodian_id",
    "scans",
)
# the order a report lists outcomes in: what needs a decision first
REPORT_ORDER = (Outcome.MISSING, Outcome.MISPLACED, Outcome.SURPLUS, Outcome.FOUND)


def _latest_room(campaign_id: uuid.UUID, tag: Any) -> Any:
    return (
        select(S.c.room_id)
        .where(S.c.campaign_id == campaign_id, S.c.tag == tag)
        .order_by(S.c.scanned_at.desc(), S.c.scan_id.desc())
        .limit(1)
        .scalar_subquery()
    )


def outcomes(campaign_id: uuid.UUID) -> Any:
    """Every item of the campaign with its outcome, as a subquery with ``COLUMNS``."""
    of_item = and_(S.c.campaign_id == campaign_id, S.c.tag == E.c.number)
    at_home = exists().where(of_item, S.c.room_id == E.c.room_id)
    seen = exists().where(of_item)
    scans = select(func.count()).where(of_item).scalar_subquery()
    expected = select(
        case(
            (at_home, literal(Outcome.FOUND.value)),
            (seen, literal(Outcome.MISPLACED.value)),
            else_=literal(Outcome.MISSING.value),
        ).label("outcome"),
        E.c.number.label("tag"),
        E.c.asset_id,
        E.c.name,
        E.c.room_id.label("expected_room_id"),
        case((at_home, E.c.room_id), else_=_latest_room(campaign_id, E.c.number)).label(
            "found_room_id"
        ),
        E.c.unit_id,
        E.c.custodian_id,
        scans.label("scans"),
    ).where(E.c.campaign_id == campaign_id)
    unexpected = ~exists().where(E.c.campaign_id == campaign_id, E.c.number == S.c.tag)
    tags = (
        select(S.c.tag, func.count().label("scans"))
        .where(S.c.campaign_id == campaign_id, unexpected)
        .group_by(S.c.tag)
        .subquery()
    )
    surplus = select(
        literal(Outcome.SURPLUS.value).label("outcome"),
        tags.c.tag,
        null().label("asset_id"),
        null().label("name"),
        null().label("expected_room_id"),
        _latest_room(campaign_id, tags.c.tag).label("found_room_id"),
        null().label("unit_id"),
        null().label("custodian_id"),
        tags.c.scans,
    )
    return union_all(expected, surplus).subquery("results")


def _row(row: Any) -> ResultPublic:
    data = dict(row._mapping)
    for key in ("asset_id", "expected_room_id", "found_room_id", "unit_id", "custodian_id"):
        if data[key] is not None and not isinstance(data[key], uuid.UUID):
            data[key] = uuid.UUID(str(data[key]))
    return ResultPublic.model_validate(data)


def page(
    session: Session,
    campaign_id: uuid.UUID,
    scope: RowScope,
    params: PageParams,
    *,
    outcome: Outcome | None,
) -> Page[ResultPublic]:
    """One page of the results by tag, of one outcome or all (of a campaign in ``scope``)."""
    campaign_in_scope(session, campaign_id, scope)
    results = outcomes(campaign_id)
    query = select(results)
    if outcome is not None:
        query = query.where(results.c.outcome == outcome.value)
    conn = session.connection()
    rows = conn.execute(
        query.order_by(results.c.tag).limit(params.limit).offset(params.offset)
    ).all()
    total = known_total(rows, params)
    if total is None:
        total = conn.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    return Page.of([_row(r) for r in rows], int(total), params)


def every(session: Session, campaign_id: uuid.UUID) -> Iterator[ResultPublic]:
    """Every result, in the report's order (what needs a decision first), by tag within."""
    results = outcomes(campaign_id)
    rank = case(*((results.c.outcome == o.value, i) for i, o in enumerate(REPORT_ORDER)), else_=9)
    for row in session.connection().execute(select(results).order_by(rank, results.c.tag)):
        yield _row(row)


def not_found(session: Session, campaign_id: uuid.UUID) -> list[ResultPublic]:
    """The items a reconciliation proposes something for (all but the found ones)."""
    results = outcomes(campaign_id)
    query = select(results).where(results.c.outcome != Outcome.FOUND.value).order_by(results.c.tag)
    return [_row(r) for r in session.connection().execute(query)]


def summary_in_scope(session: Session, campaign_id: uuid.UUID, scope: RowScope) -> ResultSummary:
    """The summary of a campaign in ``scope``."""
    return summary(session, campaign_in_scope(session, campaign_id, scope))


def summary(session: Session, campaign: Campaign) -> ResultSummary:
    """How many items of each outcome, and how many scans the campaign took in all."""
    results = outcomes(campaign.id)
    conn = session.connection()
    counts: dict[str, int] = dict(
        conn.execute(select(results.c.outcome, func.count()).group_by(results.c.outcome)).all()
    )
    scans = conn.execute(
        select(func.count()).select_from(S).where(S.c.campaign_id == campaign.id)
    ).scalar_one()
    return ResultSummary(
        campaign_id=campaign.id,
        status=campaign.status,
        expected=campaign.expected_count,
        scans=int(scans),
        **{o.value: int(counts.get(o.value, 0)) for o in Outcome},
    )
