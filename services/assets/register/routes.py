"""Routes of the asset register: cards, their lifecycle steps, the import and the peers' bulk
read."""

from __future__ import annotations

import uuid
from datetime import date
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import File, Query, Response, UploadFile

from services.assets.register import imports, service, summary
from services.assets.register.models import Asset, AssetStatus, EventKind
from services.assets.register.schemas import (
    AssetCreate,
    AssetPublic,
    AssetSlice,
    AssetUpdate,
    EventPublic,
    ImportResult,
    Move,
    Revaluation,
    TotalsSummary,
    Transfer,
)
from services.assets.roles import ScopeDep, manage, read_assets, read_wide
from shared.audit import AuditDep
from shared.concurrency import ExpectedVersion, etag
from shared.db import SessionDep
from shared.pagination import Page, PageDep
from shared.routing import Router

router = Router(tags=["asset register"])
MAX_SLICE = 2000
_ROW_ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"description": "The file (or the request) is too large"},
    415: {"description": "Not a UTF-8 CSV file (plain or gzip) or an XLSX workbook"},
    422: {
        "description": "Rows failed (``errors``: row, column, message, every one of them); "
        "missing columns, an empty file; nothing was registered"
    },
}


def _answer(asset: Asset, response: Response, *, created: bool = False) -> AssetPublic:
    response.headers["ETag"] = etag(asset.version)
    if created:
        response.headers["Location"] = f"/assets/{asset.id}"
    return service.public(asset)


@router.get("/assets", dependencies=read_assets)
def list_assets(
    session: SessionDep,
    params: PageDep,
    scope: ScopeDep,
    unit_id: uuid.UUID | None = None,
    custodian_id: uuid.UUID | None = None,
    room_id: uuid.UUID | None = None,
    category_code: Annotated[str | None, Query(pattern=r"^[0-9]{7}$")] = None,
    status: AssetStatus | None = None,
) -> Page[AssetPublic]:
    """Cards by number, filtered by unit, custodian, room, category or status. A liaison sees
    its own unit's cards, a member of staff the cards in their custody."""
    return service.search(
        session,
        params,
        scope,
        unit_id=unit_id,
        custodian_id=custodian_id,
        room_id=room_id,
        category_code=category_code,
        status=status,
    )


@router.post("/assets", status_code=HTTPStatus.CREATED, dependencies=manage)
def acquire_asset(
    session: SessionDep, audit: AuditDep, body: AssetCreate, response: Response
) -> AssetPublic:
    """Register an acquired asset (取得): its card and the first step of its life."""
    return _answer(service.acquire(session, audit, data=body), response, created=True)


@router.post(
    "/assets/import",
    status_code=HTTPStatus.CREATED,
    dependencies=manage,
    responses={
        200: {"model": ImportResult, "description": "Dry run: all rows valid, none written"},
        **_ROW_ERRORS,
    },
)
def import_assets(
    session: SessionDep,
    audit: AuditDep,
    response: Response,
    file: Annotated[
        UploadFile,
        File(description="CSV (UTF-8, may be gzip-compressed) or XLSX, one card a row"),
    ],
    dry_run: Annotated[bool, Query(description="Check every row, write nothing")] = False,
) -> ImportResult:
    """Register every card of a file, all or nothing; every bad row is reported at once.

    Columns (English or Chinese headings): number 资产编号, category_code 分类代码, name
    资产名称, specification 规格型号, unit_id 单位ID, custodian_id 保管人ID, room_code
    房间编码, acquired_on 取得日期 (YYYY-MM-DD), original_value 原值, fund_source 资金来源
    (default fiscal), payment_id 支付单ID. Up to 100,000 rows.
    """
    result = imports.import_register(
        session=session,
        audit=audit,
        content=file.file.read(imports.MAX_FILE_BYTES + 1),
        filename=file.filename,
        content_type=file.content_type,
        dry_run=dry_run,
    )
    if dry_run:
        response.status_code = HTTPStatus.OK
    return result


@router.get("/assets/bulk", dependencies=read_wide)
def bulk_assets(
    session: SessionDep,
    after: Annotated[
        str | None, Query(max_length=30, description="next_after of the last slice")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_SLICE)] = 1000,
    unit_id: uuid.UUID | None = None,
    room_id: uuid.UUID | None = None,
) -> AssetSlice:
    """Every card (or a unit's, or a room's) in keyset slices of up to 2,000, for peers."""
    items, next_after = service.asset_slice(
        session, after=after, limit=limit, unit_id=unit_id, room_id=room_id
    )
    return AssetSlice(items=items, next_after=next_after)


@router.get("/asset-summary", dependencies=read_assets)
def asset_summary(
    session: SessionDep,
    scope: ScopeDep,
    by: summary.GroupBy = summary.GroupBy.UNIT,
    unit_id: uuid.UUID | None = None,
) -> TotalsSummary:
    """资产统计: the cards in service, their cost basis, accumulated depreciation and net value,
    in all and per unit or per category (a liaison: its own unit's; staff: what they keep)."""
    return summary.totals(session, scope, by=by, unit_id=unit_id)


@router.get("/asset-events", dependencies=read_assets)
def list_asset_events(
    session: SessionDep,
    params: PageDep,
    scope: ScopeDep,
    kind: EventKind | None = None,
    unit_id: uuid.UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Page[EventPublic]:
    """Lifecycle steps of every asset, newest first. A unit's steps are those naming it on
    either side: a transfer (调拨) shows to the unit that gave and to the unit that received."""
    return service.events(
        session,
        params,
        scope,
        kind=kind,
        unit_id=unit_id,
        date_from=date_from,
        date_to=date_to,
    )


@router.get("/assets/{asset_id}", dependencies=read_assets)
def get_asset(
    session: SessionDep, scope: ScopeDep, asset_id: uuid.UUID, response: Response
) -> AssetPublic:
    """One card (``ETag`` carries its version)."""
    return _answer(service.get_asset(session, asset_id, scope), response)


@router.patch("/assets/{asset_id}", dependencies=manage)
def correct_asset(
    session: SessionDep,
    audit: AuditDep,
    asset_id: uuid.UUID,
    body: AssetUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> AssetPublic:
    """Correct a card's name or specification, or set it idle or back in use."""
    asset = service.correct(session, audit, asset_id, data=body, expected_version=expected)
    return _answer(asset, response)


@router.get("/assets/{asset_id}/events", dependencies=read_assets)
def asset_history(
    session: SessionDep, params: PageDep, scope: ScopeDep, asset_id: uuid.UUID
) -> Page[EventPublic]:
    """An asset's lifecycle, oldest first: who did what, when and why."""
    return service.history(session, params, asset_id, scope)


@router.post("/assets/{asset_id}/moves", dependencies=manage)
def move_asset(
    session: SessionDep,
    audit: AuditDep,
    asset_id: uuid.UUID,
    body: Move,
    response: Response,
    expected: ExpectedVersion,
) -> AssetPublic:
    """Hand the asset to another custodian, or keep it in another room (or both)."""
    asset = service.move(session, audit, asset_id, data=body, expected_version=expected)
    return _answer(asset, response)


@router.post("/assets/{asset_id}/transfers", dependencies=manage)
def transfer_asset(
    session: SessionDep,
    audit: AuditDep,
    asset_id: uuid.UUID,
    body: Transfer,
    response: Response,
    expected: ExpectedVersion,
) -> AssetPublic:
    """调拨: pass the asset to another budget unit; both units' liaisons see the step."""
    asset = service.transfer(session, audit, asset_id, data=body, expected_version=expected)
    return _answer(asset, response)


@router.post("/assets/{asset_id}/revaluations", dependencies=manage)
def revalue_asset(
    session: SessionDep,
    audit: AuditDep,
    asset_id: uuid.UUID,
    body: Revaluation,
    response: Response,
    expected: ExpectedVersion,
) -> AssetPublic:
    """重估: a new cost basis; what remains is depreciated over the rest of its life."""
    asset = service.revalue(session, audit, asset_id, data=body, expected_version=expected)
    return _answer(asset, response)
