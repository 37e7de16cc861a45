"""Routes of the staff roster: import from CSV/XLSX, export as CSV/XLSX."""

from __future__ import annotations

import uuid
from datetime import date
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile

from services.personnel.roles import WIDE_READERS, manage
from services.personnel.staff import roster
from services.personnel.staff.identity_numbers import IdVault
from services.personnel.staff.models import StaffStatus
from services.personnel.staff.scope import scope_for
from shared import tabular
from shared.auth import CurrentPrincipal, require_roles
from shared.db import SessionDep
from shared.types import today

router = APIRouter(tags=["staff"])
EXPORTERS = (*WIDE_READERS, "unit_liaison")
_ROW_ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"description": "The file (or the request) is over 5 MiB"},
    415: {"description": "Not a UTF-8 CSV file or an XLSX workbook"},
    422: {
        "description": "Rows failed (``errors``: row, column, message, every one of them); "
        "a missing header, missing columns, an empty file; nothing was imported"
    },
}


def _vault(request: Request) -> IdVault:
    vault: IdVault = request.app.state.id_vault
    return vault


@router.post(
    "/staff/import",
    status_code=HTTPStatus.CREATED,
    dependencies=manage,
    responses={
        200: {"model": roster.ImportResult, "description": "Dry run: all rows valid, none written"},
        **_ROW_ERRORS,
    },
)
def import_roster(
    request: Request,
    session: SessionDep,
    response: Response,
    file: Annotated[
        UploadFile,
        File(description="CSV (UTF-8) or XLSX roster, one staff member a row, header first"),
    ],
    dry_run: Annotated[bool, Query(description="Check every row, write nothing")] = False,
) -> roster.ImportResult:
    """Hire everyone on a roster file, all or nothing; every bad row is reported at once.

    Columns (English or Chinese headings): staff_no 工号, name 姓名, national_id 身份证号,
    unit_code 单位代码, position_code 岗位代码 (optional), rank_code 职级, status 状态
    (default serving), effective_from 生效日期 (YYYY-MM-DD), phone 电话, email 邮箱.
    """
    content = file.file.read(tabular.MAX_FILE_BYTES + 1)
    if len(content) > tabular.MAX_FILE_BYTES:
        raise tabular.too_large(
            f"the file is larger than {tabular.MAX_FILE_BYTES // (1024 * 1024)} MiB"
        )
    result = roster.import_roster(
        session=session,
        audit=request.app.state.audit,
        vault=_vault(request),
        content=content,
        filename=file.filename,
        content_type=file.content_type,
        dry_run=dry_run,
    )
    if dry_run:
        response.status_code = HTTPStatus.OK
    return result


@router.get(
    "/staff/export",
    dependencies=[Depends(require_roles(*EXPORTERS))],
    response_class=Response,
    responses={
        200: {
            "description": "The roster file (``Content-Disposition: attachment``)",
            "content": {
                tabular.TabularFormat.CSV.media_type: {},
                tabular.TabularFormat.XLSX.media_type: {},
            },
        }
    },
)
def export_roster(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    fmt: Annotated[tabular.TabularFormat, Query(alias="format")] = tabular.TabularFormat.CSV,
    as_of: Annotated[date | None, Query(description="Posting on this day (default: today)")] = None,
    unit_id: Annotated[list[uuid.UUID] | None, Query(max_length=100)] = None,
    status: StaffStatus | None = None,
) -> Response:
    """Staff as posted on ``as_of`` as a CSV or XLSX roster (the import's columns); ID numbers
    in full for hr_officer only; a unit liaison gets its own unit."""
    scope = scope_for(session, principal)
    day = as_of or today()
    rows = roster.export_rows(
        session, scope, _vault(request), day=day, unit_ids=unit_id, status=status
    )
    name, content = roster.export_file(fmt, rows, day=day)
    return Response(
        content,
        media_type=fmt.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
