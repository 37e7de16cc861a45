"""Staff roster (花名册) in and out: import a CSV/XLSX roster all-or-nothing, export lists.

An import checks every row (``rows.check_row``) and that neither the staff number nor the ID
number is taken in the database. Every error of every row is reported at once with its row
number; one bad row means nothing is imported. Reference data and existing numbers are loaded
once, not queried row by row.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from services.personnel.organisation.models import Unit
from services.personnel.positions.models import Position
from services.personnel.roster.rows import COLUMNS, Check, References, check_row, columns
from services.personnel.roster.schemas import ImportResult, RowError
from services.personnel.staff import identity_numbers as ids
from services.personnel.staff import service as staff_service
from services.personnel.staff.access import StaffScope
from services.personnel.staff.models import Staff, StaffStatus
from shared import tabular
from shared.audit import AuditLog
from shared.problems import Invalid

MAX_ROWS = 20_000
MAX_REPORTED_ERRORS = 2_000
MAX_EXPORT_ROWS = 50_000
_IN_CHUNK = 1000


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


def _check_against_database(session: Session, check: Check) -> None:
    staff_nos = list(check.staff_nos)
    taken_nos = {
        n
        for chunk in _chunks(staff_nos)
        for n in session.exec(select(Staff.staff_no).where(col(Staff.staff_no).in_(chunk)))
    }
    digests = list(check.digests)
    taken_ids = {
        d
        for chunk in _chunks(digests)
        for d in session.exec(
            select(Staff.national_id_digest).where(col(Staff.national_id_digest).in_(chunk))
        )
    }
    for number in taken_nos:
        check.fail(check.staff_nos[number], "staff_no", f"staff number {number} is taken")
    for digest in taken_ids:
        check.fail(
            check.digests[digest], "national_id", "a staff record with this ID number exists"
        )


def import_roster(
    *,
    session: Session,
    audit: AuditLog,
    vault: ids.IdVault,
    content: bytes,
    filename: str | None,
    content_type: str | None,
    dry_run: bool = False,
) -> ImportResult:
    """Check every row of a roster file; unless one fails (422 listing all), hire everyone
    (on a dry run, nobody: nothing is written)."""
    if len(content) > tabular.MAX_FILE_BYTES:
        raise tabular.too_large(
            f"the file is larger than {tabular.MAX_FILE_BYTES // (1024 * 1024)} MiB"
        )
    sheet = tabular.read_table(
        content, filename=filename, content_type=content_type, max_rows=MAX_ROWS
    )
    headings, ignored = columns(sheet.headers)
    if not sheet.rows:
        raise Invalid("ROSTER_EMPTY", "the file has a header row but no staff rows")
    refs = References.load(session)
    check = Check(headings=headings)
    for row in sheet.rows:
        if row.overflow:
            check.fail(row.number, "", f"{row.overflow} value(s) right of the last heading")
        values = {name: row.cells[heading] for name, heading in headings.items()}
        check_row(check, refs, vault, row.number, values)
    _check_against_database(session, check)
    if check.errors:
        _refuse(check.errors)
    result = ImportResult(
        imported=0 if dry_run else len(check.accepted),
        rows=len(sheet.rows),
        dry_run=dry_run,
        ignored_columns=ignored,
    )
    if dry_run:
        return result
    created = [staff_service.new_staff(data, digest, vault) for data, digest in check.accepted]
    session.add_all([staff for staff, _ in created])
    session.flush()  # postings refer to the staff rows
    session.add_all([period for _, period in created])
    audit.record(
        session,
        action="staff.import",
        resource_type="staff",
        after={
            "file": (filename or "").replace("\\", "/").rsplit("/", 1)[-1][-200:],
            "format": sheet.format.value,
            "sha256": hashlib.sha256(content).hexdigest(),
            "count": len(created),
        },
    )
    return result


def _refuse(errors: list[RowError]) -> None:
    errors.sort(key=lambda e: e.row)  # stable: a row's errors stay in column order
    rows = len({e.row for e in errors})
    shown = errors[:MAX_REPORTED_ERRORS]
    more = f" (the first {len(shown)} are listed)" if len(shown) < len(errors) else ""
    raise Invalid(
        "ROSTER_INVALID",
        f"{len(errors)} error(s) in {rows} row(s){more}; nothing was imported",
        errors=[e.model_dump() for e in shown],
        error_count=len(errors),
    )


def export_rows(
    session: Session,
    scope: StaffScope,
    vault: ids.IdVault,
    *,
    day: date,
    unit_ids: Sequence[uuid.UUID] | None,
    status: StaffStatus | None,
) -> list[list[Any]]:
    """Staff as posted on ``day`` in the caller's scope, as roster rows (``COLUMNS``); the ID
    number shown as ``staff.service.public`` shows it to this caller."""
    found = staff_service.bulk(
        session,
        scope,
        day=day,
        after=None,
        limit=MAX_EXPORT_ROWS + 1,
        unit_ids=unit_ids,
        status=status,
    )
    if len(found) > MAX_EXPORT_ROWS:
        raise Invalid(
            "EXPORT_TOO_LARGE",
            f"more than {MAX_EXPORT_ROWS} staff match; narrow the export by unit or status",
        )
    units = {u.id: u.code for u in session.exec(select(Unit))}
    positions = {p.id: p.code for p in session.exec(select(Position))}
    return [
        [
            staff.staff_no,
            staff.name,
            staff_service.public(staff, period, day, scope, vault).national_id,
            units.get(period.unit_id),
            positions.get(period.position_id) if period.position_id else None,
            period.rank_code,
            str(period.status),
            period.valid_from,
            staff.phone,
            staff.email,
        ]
        for staff, period in found
    ]


def export_file(
    session: Session,
    scope: StaffScope,
    vault: ids.IdVault,
    fmt: tabular.TabularFormat,
    *,
    day: date,
    unit_ids: Sequence[uuid.UUID] | None,
    status: StaffStatus | None,
) -> tuple[str, bytes]:
    """File name and content of a roster export."""
    rows = export_rows(session, scope, vault, day=day, unit_ids=unit_ids, status=status)
    name = f"staff-{day.isoformat()}.{fmt.value}"
    return name, tabular.write_table(fmt, COLUMNS, rows, title="staff")
