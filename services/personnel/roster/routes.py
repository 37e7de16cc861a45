"""Routes of the staff roster: import from CSV/XLSX, export as CSV/XLSX."""

from __future__ import annotations

import uuid
from datetime import date
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import Depends, File, Query, Response, UploadFile

from services.personnel.roles import WIDE_READERS, manage
from services.personnel.roster import service
from services.personnel.roster.schemas import ImportResult
from services.personnel.staff.access import StaffScopeDep
from services.personnel.staff.identity_numbers import VaultDep
from services.personnel.staff.models import StaffStatus
from shared import tabular
from shared.audit import AuditDep
from shared.auth import require_roles
from shared.db import SessionDep
from shared.routing import Router
from shared.types import today

router = Router(tags=["staff"])
EXPORTERS = (*WIDE_READERS, "unit_liaison")
_ROW_ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"description": "The file (or the request) is over 5 MiB"},
    415: {"description": "Not a UTF-8 CSV file or an XLSX workbook"},
    422: {
        "description": "Rows failed (``errors``: row, column, message, every one of them); "
        "a missing header, missing columns, an empty file; nothing was imported"
    },
}


@router.post(
    "/staff/import",
    status_code=HTTPStatus.CREATED,
    dependencies=manage,
    responses={
        200: {"model": ImportResult, "description": "Dry run: all rows valid, none written"},
        **_ROW_ERRORS,
    },
)
def import_roster(
    session: SessionDep,
    audit: AuditDep,
    vault: VaultDep,
    response: Response,
    file: Annotated[
        UploadFile,
        File(description="CSV (UTF-8) or XLSX roster, one staff member a row, header first"),
    ],
    dry_run: Annotated[bool, Query(description="Check every row, write nothing")] = False,
) -> ImportResult:
    """Hire everyone on a roster file, all or nothing; every bad row is reported at once.

    Columns (English or Chinese headings): staff_no 工号, name 姓名, national_id 身份证号,
    unit_code 单位代码, position_code 岗位代码 (optional), rank_code 职级, status 状态
    (default serving), effective_from 生效日期 (YYYY-MM-DD), phone 电话, email 邮箱.
    """
    result = service.import_roster(
        session=session,
        audit=audit,
        vault=vault,
        content=file.file.read(tabular.MAX_FILE_BYTES + 1),
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
    responses=tabular.file_responses("The roster file"),
)
def export_roster(
    session: SessionDep,
    vault: VaultDep,
    scope: StaffScopeDep,
    fmt: Annotated[tabular.TabularFormat, Query(alias="format")] = tabular.TabularFormat.CSV,
    as_of: Annotated[date | None, Query(description="Posting on this day (default: today)")] = None,
    unit_id: Annotated[list[uuid.UUID] | None, Query(max_length=100)] = None,
    status: StaffStatus | None = None,
) -> Response:
    """Staff as posted on ``as_of`` as a CSV or XLSX roster (the import's columns); ID numbers
    in full for hr_officer only; a unit liaison gets its own unit."""
    name, content = service.export_file(
        session, scope, vault, fmt, day=as_of or today(), unit_ids=unit_id, status=status
    )
    return Response(
        content,
        media_type=fmt.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
