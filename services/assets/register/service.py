"""Rules and queries of the asset register. Each lifecycle step changes the card and records
the step with its audit entry (``lifecycle.record_event``); functions only flush.

Rules every step shares: a card that is disposed, or awaiting a disposal, takes no further
step (``ASSET_NOT_IN_SERVICE``); a room must exist and be in use (``UNKNOWN_ROOM``); a step's
day is never in the future (``FUTURE_DATE``) nor before the acquisition (``BEFORE_ACQUISITION``).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, col, select

from services.assets.categories.models import Category
from services.assets.realestate.models import Room
from services.assets.register.lifecycle import record_event
from services.assets.register.models import Asset, AssetEvent, AssetStatus, EventKind
from services.assets.register.schemas import (
    AssetCreate,
    AssetPublic,
    AssetUpdate,
    EventPublic,
    Move,
    Revaluation,
    Transfer,
)
from shared.audit import AuditLog
from shared.changes import apply_update, touch
from shared.concurrency import check_version
from shared.pagination import Listing, Page, PageParams, paginate
from shared.problems import Conflict, Invalid, NotFound
from shared.scope import RowScope
from shared.types import today

OUT_OF_SERVICE = frozenset({AssetStatus.PENDING_DISPOSAL, AssetStatus.DISPOSED})


def public(asset: Asset) -> AssetPublic:
    return AssetPublic(
        id=asset.id,
        number=asset.number,
        category_code=asset.category_code,
        name=asset.name,
        specification=asset.specification,
        unit_id=asset.unit_id,
        custodian_id=asset.custodian_id,
        room_id=asset.room_id,
        acquired_on=asset.acquired_on,
        original_value=asset.original_value,
        value=asset.value,
        accumulated_depreciation=asset.accumulated_depreciation,
        net_value=asset.value - asset.accumulated_depreciation,
        depreciated_months=asset.depreciated_months,
        fund_source=asset.fund_source,
        payment_id=asset.payment_id,
        status=asset.status,
        disposed_on=asset.disposed_on,
        version=asset.version,
    )


def _audited(asset: Asset) -> dict[str, Any]:
    return public(asset).model_dump(mode="json", exclude={"version"})


def get_asset(
    session: Session, asset_id: uuid.UUID, scope: RowScope | None = None, *, lock: bool = False
) -> Asset:
    """The card (404), within the caller's scope: a liaison's unit, a custodian's own (403)."""
    asset = session.get(Asset, asset_id, with_for_update=lock)
    if asset is None:
        raise NotFound("asset", asset_id)
    if scope is not None:
        scope.check(unit_id=asset.unit_id, staff_id=asset.custodian_id)
    return asset


def check_category(session: Session, code: str) -> Category:
    category = session.get(Category, code)
    if category is None or not category.active:
        raise Invalid("UNKNOWN_CATEGORY", f"no active category {code}")
    return category


def check_room(session: Session, room_id: uuid.UUID | None) -> None:
    if room_id is None:
        return
    room = session.get(Room, room_id)
    if room is None or not room.active:
        raise Invalid("UNKNOWN_ROOM", f"no active room {room_id}")


def _day(occurred_on: date | None, asset: Asset | None = None) -> date:
    day = occurred_on or today()
    if day > today():
        raise Invalid("FUTURE_DATE", f"{day} is in the future")
    if asset is not None and day < asset.acquired_on:
        raise Invalid(
            "BEFORE_ACQUISITION", f"{day} is before the acquisition ({asset.acquired_on})"
        )
    return day


def _in_service(asset: Asset) -> None:
    if asset.status in OUT_OF_SERVICE:
        raise Conflict("ASSET_NOT_IN_SERVICE", f"asset {asset.number} is {asset.status}")


def _number_free(session: Session, number: str) -> None:
    if session.exec(select(Asset.id).where(Asset.number == number)).first() is not None:
        raise Conflict("NUMBER_TAKEN", f"asset number {number} is taken")


def acquire(session: Session, audit: AuditLog, *, data: AssetCreate) -> Asset:
    """A new card, and the first step of its life (取得)."""
    check_category(session, data.category_code)
    check_room(session, data.room_id)
    _day(data.acquired_on)
    _number_free(session, data.number)
    fields = data.model_dump(exclude={"reason"})
    asset = Asset(**fields, value=data.original_value)
    session.add(asset)
    session.flush()
    record_event(
        session,
        audit,
        asset,
        kind=EventKind.ACQUIRED,
        occurred_on=data.acquired_on,
        reason=data.reason,
        details=_audited(asset),
    )
    return asset


def correct(
    session: Session,
    audit: AuditLog,
    asset_id: uuid.UUID,
    *,
    data: AssetUpdate,
    expected_version: int | None,
) -> Asset:
    """Correct a card's name or specification, or set it idle or back in use."""
    asset = get_asset(session, asset_id, lock=True)
    changes = data.model_dump(exclude_unset=True)
    if "status" in changes:
        _in_service(asset)
        if changes["status"] not in (AssetStatus.IN_USE, AssetStatus.IDLE):
            raise Invalid("STATUS_BY_STEP_ONLY", "a card is disposed of only through a disposal")
    return apply_update(
        session,
        audit,
        asset,
        changes,
        resource_type="asset",
        view=_audited,
        expected_version=expected_version,
    )


def move(
    session: Session,
    audit: AuditLog,
    asset_id: uuid.UUID,
    *,
    data: Move,
    expected_version: int | None,
) -> Asset:
    """A new custodian or room (or both); at least one must change."""
    asset = get_asset(session, asset_id, lock=True)
    _check_version(asset, expected_version)
    _in_service(asset)
    day = _day(data.occurred_on, asset)
    changes = data.model_dump(include={"custodian_id", "room_id"}, exclude_unset=True)
    changes = {k: v for k, v in changes.items() if v is not None and getattr(asset, k) != v}
    if not changes:
        raise Invalid("NOTHING_TO_MOVE", "give a new custodian_id or room_id")
    check_room(session, changes.get("room_id"))
    before = {k: getattr(asset, k) for k in changes}
    for name, value in changes.items():
        setattr(asset, name, value)
    touch(asset)
    record_event(
        session,
        audit,
        asset,
        kind=EventKind.MOVED,
        occurred_on=day,
        reason=data.reason,
        details={"before": before, "after": changes},
    )
    return asset


def transfer(
    session: Session,
    audit: AuditLog,
    asset_id: uuid.UUID,
    *,
    data: Transfer,
    expected_version: int | None,
) -> Asset:
    """调拨 to another budget unit: the step names both units, so both liaisons see it."""
    asset = get_asset(session, asset_id, lock=True)
    _check_version(asset, expected_version)
    _in_service(asset)
    day = _day(data.occurred_on, asset)
    if data.to_unit_id == asset.unit_id:
        raise Invalid("SAME_UNIT", "the asset already belongs to this unit")
    check_room(session, data.room_id)
    from_unit = asset.unit_id
    before = {"unit_id": from_unit, "custodian_id": asset.custodian_id, "room_id": asset.room_id}
    asset.unit_id = data.to_unit_id
    asset.custodian_id = data.custodian_id
    asset.room_id = data.room_id if data.room_id is not None else asset.room_id
    touch(asset)
    after = {"unit_id": asset.unit_id, "custodian_id": asset.custodian_id, "room_id": asset.room_id}
    record_event(
        session,
        audit,
        asset,
        kind=EventKind.TRANSFERRED,
        occurred_on=day,
        reason=data.reason,
        details={"document_no": data.document_no, "before": before, "after": after},
        unit_id=from_unit,
        other_unit_id=data.to_unit_id,
    )
    return asset


def revalue(
    session: Session,
    audit: AuditLog,
    asset_id: uuid.UUID,
    *,
    data: Revaluation,
    expected_version: int | None,
) -> Asset:
    """重估: a new cost basis, never below what has been depreciated already."""
    asset = get_asset(session, asset_id, lock=True)
    _check_version(asset, expected_version)
    _in_service(asset)
    day = _day(data.occurred_on, asset)
    if data.new_value < asset.accumulated_depreciation:
        raise Invalid(
            "BELOW_DEPRECIATION",
            f"the new value is below the depreciation already charged "
            f"({asset.accumulated_depreciation})",
        )
    if data.new_value == asset.value:
        raise Invalid("VALUE_UNCHANGED", f"the asset is worth {asset.value} already")
    before = asset.value
    asset.value = data.new_value
    touch(asset)
    record_event(
        session,
        audit,
        asset,
        kind=EventKind.REVALUED,
        occurred_on=day,
        reason=data.reason,
        details={"before": before, "after": data.new_value},
    )
    return asset


def _check_version(asset: Asset, expected: int | None) -> None:
    check_version("asset", asset.version, expected)


ASSETS: Listing[Asset] = Listing(
    select(Asset),
    col(Asset.number),
    filters={
        "unit_id": lambda v: col(Asset.unit_id) == v,
        "custodian_id": lambda v: col(Asset.custodian_id) == v,
        "room_id": lambda v: col(Asset.room_id) == v,
        "category_code": lambda v: col(Asset.category_code) == v,
        "status": lambda v: col(Asset.status) == v,
        "scope_unit": lambda v: col(Asset.unit_id) == v,
        "scope_custodian": lambda v: col(Asset.custodian_id) == v,
    },
)


def _scoped(scope: RowScope) -> dict[str, Any]:
    """A liaison reaches its unit's cards; staff (only) the cards in their custody."""
    if scope.everything:
        return {}
    if scope.unit_id is not None:
        return {"scope_unit": scope.unit_id}
    return {"scope_custodian": scope.staff_id}


def search(
    session: Session,
    params: PageParams,
    scope: RowScope,
    *,
    unit_id: uuid.UUID | None = None,
    custodian_id: uuid.UUID | None = None,
    room_id: uuid.UUID | None = None,
    category_code: str | None = None,
    status: AssetStatus | None = None,
) -> Page[AssetPublic]:
    scope.check_filters(unit_id=unit_id)
    return ASSETS.page(
        session,
        params,
        view=public,
        unit_id=unit_id,
        custodian_id=custodian_id,
        room_id=room_id,
        category_code=category_code,
        status=status,
        **_scoped(scope),
    )


def asset_slice(
    session: Session,
    *,
    after: str | None,
    limit: int,
    unit_id: uuid.UUID | None = None,
    room_id: uuid.UUID | None = None,
) -> tuple[list[AssetPublic], str | None]:
    """Keyset slice of cards by number for peers (one query, no count)."""
    query = select(Asset)
    if unit_id is not None:
        query = query.where(Asset.unit_id == unit_id)
    if room_id is not None:
        query = query.where(Asset.room_id == room_id)
    if after is not None:
        query = query.where(col(Asset.number) > after)
    rows = list(session.exec(query.order_by(col(Asset.number)).limit(limit + 1)))
    items = [public(a) for a in rows[:limit]]
    return items, (items[-1].number if len(rows) > limit else None)


def _event_view(event: AssetEvent) -> EventPublic:
    return EventPublic.model_validate(event, from_attributes=True)


def history(
    session: Session, params: PageParams, asset_id: uuid.UUID, scope: RowScope
) -> Page[EventPublic]:
    """An asset's steps, oldest first. A liaison of the unit that gave it away by transfer
    still sees the steps up to and including the transfer."""
    asset = session.get(Asset, asset_id)
    if asset is None:
        raise NotFound("asset", asset_id)
    query = select(AssetEvent).where(AssetEvent.asset_id == asset_id)
    if not scope.allows(unit_id=asset.unit_id, staff_id=asset.custodian_id):
        if scope.unit_id is None:
            scope.check(unit_id=asset.unit_id, staff_id=asset.custodian_id)
        query = query.where(
            or_(
                col(AssetEvent.unit_id) == scope.unit_id,
                col(AssetEvent.other_unit_id) == scope.unit_id,
            )
        )
        if session.exec(query.limit(1)).first() is None:  # it never was the unit's
            scope.check(unit_id=asset.unit_id, staff_id=asset.custodian_id)
    return paginate(
        session, query, params, col(AssetEvent.at), col(AssetEvent.id), view=_event_view
    )


def events(
    session: Session,
    params: PageParams,
    scope: RowScope,
    *,
    kind: EventKind | None = None,
    unit_id: uuid.UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Page[EventPublic]:
    """Steps of every asset, newest first; a unit's are those naming it on either side (a
    transfer shows to the unit that gave and the unit that received). A liaison sees its
    own unit's."""
    unit = scope.unit_filter(unit_id) if not scope.everything else unit_id
    query = select(AssetEvent)
    if unit is not None:
        query = query.where(
            or_(col(AssetEvent.unit_id) == unit, col(AssetEvent.other_unit_id) == unit)
        )
    if kind is not None:
        query = query.where(AssetEvent.kind == kind)
    if date_from is not None:
        query = query.where(col(AssetEvent.occurred_on) >= date_from)
    if date_to is not None:
        query = query.where(col(AssetEvent.occurred_on) <= date_to)
    return paginate(
        session,
        query,
        params,
        col(AssetEvent.at).desc(),
        col(AssetEvent.id),
        view=_event_view,
    )
