"""Staff roster (花名册) in and out: import a CSV/XLSX roster all-or-nothing, export lists.

An import checks every row with the same rules as hiring one person (``service.hire``): the
fields of ``StaffCreate``, the ID number, unit, position and rank, and that neither the staff
number nor the ID number is taken, in the file or in the database. Every error of every row is
reported at once with its row number; one bad row means nothing is imported. Reference data
and existing numbers are loaded once, not queried row by row.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, Field, ValidationError
from sqlmodel import Session, col, select

from services.personnel.organisation.models import Rank, Unit
from services.personnel.positions.models import Position
from services.personnel.staff import identity_numbers as ids
from services.personnel.staff import service
from services.personnel.staff.models import Staff, StaffStatus
from services.personnel.staff.schemas import StaffCreate
from services.personnel.staff.scope import StaffScope
from shared import tabular
from shared.audit import AuditLog
from shared.problems import ProblemError

COLUMNS = (
    "staff_no",
    "name",
    "national_id",
    "unit_code",
    "position_code",
    "rank_code",
    "status",
    "effective_from",
    "phone",
    "email",
)
REQUIRED = ("staff_no", "name", "national_id", "unit_code", "rank_code", "effective_from")
CHINESE_HEADERS = {
    "工号": "staff_no",
    "姓名": "name",
    "身份证号": "national_id",
    "身份证号码": "national_id",
    "单位代码": "unit_code",
    "岗位代码": "position_code",
    "职级": "rank_code",
    "状态": "status",
    "生效日期": "effective_from",
    "电话": "phone",
    "手机": "phone",
    "邮箱": "email",
    "电子邮箱": "email",
}
STATUS_WORDS = {
    "在职": StaffStatus.SERVING,
    "离退休": StaffStatus.RETIRED,
    "退休": StaffStatus.RETIRED,
    "离休": StaffStatus.RETIRED,
    "调离": StaffStatus.LEFT,
    "离职": StaffStatus.LEFT,
}
MAX_ROWS = 20_000
MAX_REPORTED_ERRORS = 2_000
MAX_EXPORT_ROWS = 50_000
_IN_CHUNK = 1000
_PLACEHOLDER: dict[str, Any] = {  # stands in for a field already found wrong
    "staff_no": "X",
    "name": "X",
    "national_id": "1" * 18,
    "unit_id": uuid.UUID(int=0),
    "position_id": None,
    "rank_code": "X",
    "status": StaffStatus.SERVING,
    "effective_from": date(2000, 1, 1),
}
_FIELD_COLUMN = {"unit_id": "unit_code", "position_id": "position_code"}
_MESSAGES = {
    ("staff_no", "string_pattern_mismatch"): (
        "use upper-case letters, digits and '-' (up to 20, e.g. S00123)"
    ),
    ("email", "string_pattern_mismatch"): "not an email address",
}


class RowError(BaseModel):
    row: int = Field(description="Row in the file (the header is row 1)")
    column: str = Field(description="Column heading as in the file ('' for the whole row)")
    message: str


class ImportResult(BaseModel):
    imported: int = Field(description="Staff records created (0 on a dry run)")
    rows: int = Field(description="Rows checked")
    dry_run: bool
    ignored_columns: list[str] = Field(description="Headings not recognised, left unread")


@dataclass(frozen=True)
class _References:
    units: dict[str, uuid.UUID]
    positions: dict[str, Position]
    ranks: dict[str, str]  # code, or Chinese name when unambiguous → code

    @classmethod
    def load(cls, session: Session) -> _References:
        ranks = list(session.exec(select(Rank)))
        names = [r.name_zh for r in ranks]
        by_name = {r.name_zh: r.code for r in ranks if names.count(r.name_zh) == 1}
        return cls(
            units={u.code: u.id for u in session.exec(select(Unit))},
            positions={p.code: p for p in session.exec(select(Position))},
            ranks={**by_name, **{r.code: r.code for r in ranks}},
        )


@dataclass
class _Check:
    """Everything found in one file: accepted rows and errors, keyed for duplicate checks."""

    headings: dict[str, str]  # field → heading in the file
    errors: list[RowError] = field(default_factory=list)
    accepted: list[tuple[StaffCreate, str]] = field(default_factory=list)  # with digest
    staff_nos: dict[str, int] = field(default_factory=dict)
    digests: dict[str, int] = field(default_factory=dict)

    def fail(self, row: int, column: str, message: str) -> None:
        self.errors.append(
            RowError(row=row, column=self.headings.get(column, column), message=message)
        )


def _columns(headers: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """Map each recognised heading to its field; report missing and doubled columns."""
    headings: dict[str, str] = {}
    ignored: list[str] = []
    errors: list[RowError] = []
    for heading in headers:
        key = heading.strip()
        name = CHINESE_HEADERS.get(key) or re.sub(r"[\s\-]+", "_", key.lower())
        if name not in COLUMNS:
            ignored.append(heading)
        elif name in headings:
            message = f"the same column as {headings[name]!r}"
            errors.append(RowError(row=1, column=heading, message=message))
        else:
            headings[name] = heading
    for name in REQUIRED:
        if name not in headings:
            errors.append(RowError(row=1, column=name, message="required column is missing"))
    if errors:
        raise ProblemError(
            422,
            "ROSTER_COLUMNS_INVALID",
            "the header row lacks required columns or repeats one: "
            + "; ".join(f"{e.column}: {e.message}" for e in errors),
            errors=[e.model_dump() for e in errors],
        )
    return headings, ignored


def _status(text: str) -> StaffStatus:
    try:
        return STATUS_WORDS.get(text) or StaffStatus(text.lower())
    except ValueError:
        raise ValueError("one of serving, retired, left (在职, 离退休, 调离)") from None


def _check_row(
    check: _Check, refs: _References, vault: ids.IdVault, row: int, values: dict[str, Any]
) -> None:
    """Check one row; record its errors or accept it."""
    bad: set[str] = set()

    def fail(column: str, message: str) -> None:
        bad.add(column)
        check.fail(row, column, message)

    texts = {name: tabular.cell_text(values.get(name)) for name in COLUMNS}
    for name in REQUIRED:
        if texts[name] is None:
            fail(name, "required")
    candidate: dict[str, Any] = {
        "staff_no": texts["staff_no"],
        "name": texts["name"],
        "phone": texts["phone"],
        "email": texts["email"],
        "national_id": None,
        "unit_id": None,
        "position_id": None,
        "rank_code": None,
        "status": StaffStatus.SERVING,
        "effective_from": None,
    }
    if isinstance(values.get("national_id"), int | float):
        fail("national_id", "store the ID number as text: a number cell loses digits")
    elif texts["national_id"] is not None:
        try:
            candidate["national_id"] = ids.normalise(texts["national_id"])
        except ProblemError as exc:
            fail("national_id", exc.detail)
    _resolve_posting(candidate, texts, refs, fail)
    for name, parse in (("status", _status), ("effective_from", tabular.cell_day)):
        raw = texts[name] if name == "status" else values.get(name)
        if raw is not None and name not in bad:
            try:
                candidate[name] = parse(raw)
            except ValueError as exc:
                fail(name, f"expected {exc}" if name == "effective_from" else str(exc))
    for name, placeholder in _PLACEHOLDER.items():
        if candidate[name] is None and name != "position_id":
            candidate[name] = placeholder
    data: StaffCreate | None = None
    try:
        data = StaffCreate.model_validate(candidate)
    except ValidationError as exc:
        for error in exc.errors():
            name = _FIELD_COLUMN.get(str(error["loc"][0]), str(error["loc"][0]))
            if name not in bad:
                fail(name, _MESSAGES.get((name, error["type"]), error["msg"]))
    # duplicates are judged for every well-formed number, so one pass reports them all
    digest = None
    if "staff_no" not in bad:
        first = check.staff_nos.setdefault(candidate["staff_no"], row)
        if first != row:
            fail("staff_no", f"staff number {candidate['staff_no']} is also on row {first}")
    if "national_id" not in bad:
        digest = vault.digest(candidate["national_id"])
        first = check.digests.setdefault(digest, row)
        if first != row:
            fail("national_id", f"the same ID number is on row {first}")
    if data is not None and digest is not None and not bad:
        check.accepted.append((data, digest))


def _resolve_posting(
    candidate: dict[str, Any],
    texts: dict[str, str | None],
    refs: _References,
    fail: Callable[[str, str], None],
) -> None:
    """Unit, position and rank codes to what ``StaffCreate`` holds; the position must belong
    to the unit."""
    unit_code = (texts["unit_code"] or "").upper()
    if unit_code:
        candidate["unit_id"] = refs.units.get(unit_code)
        if candidate["unit_id"] is None:
            fail("unit_code", f"no unit has the code {unit_code!r}")
    position_code = (texts["position_code"] or "").upper()
    if position_code:
        position = refs.positions.get(position_code)
        if position is None:
            fail("position_code", f"no position has the code {position_code!r}")
        elif candidate["unit_id"] is not None and position.unit_id != candidate["unit_id"]:
            fail("position_code", f"position {position_code} belongs to another unit")
        else:
            candidate["position_id"] = position.id
    rank = texts["rank_code"]
    if rank is not None:
        candidate["rank_code"] = refs.ranks.get(rank)
        if candidate["rank_code"] is None:
            fail("rank_code", f"no rank has the code {rank!r}")


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


def _check_against_database(session: Session, check: _Check) -> None:
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
    """Check every row of a roster file; unless one fails (422 listing all), hire everyone."""
    sheet = tabular.read_table(
        content, filename=filename, content_type=content_type, max_rows=MAX_ROWS
    )
    headings, ignored = _columns(sheet.headers)
    if not sheet.rows:
        raise ProblemError(422, "ROSTER_EMPTY", "the file has a header row but no staff rows")
    refs = _References.load(session)
    check = _Check(headings=headings)
    for row in sheet.rows:
        if row.overflow:
            check.fail(row.number, "", f"{row.overflow} value(s) right of the last heading")
        values = {name: row.cells[heading] for name, heading in headings.items()}
        _check_row(check, refs, vault, row.number, values)
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
        session.rollback()
        return result
    created = [service.new_staff(data, digest, vault) for data, digest in check.accepted]
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
    session.commit()
    return result


def _refuse(errors: list[RowError]) -> None:
    errors.sort(key=lambda e: e.row)  # stable: a row's errors stay in column order
    rows = len({e.row for e in errors})
    shown = errors[:MAX_REPORTED_ERRORS]
    more = f" (the first {len(shown)} are listed)" if len(shown) < len(errors) else ""
    raise ProblemError(
        422,
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
    number shown as ``service.public`` shows it to this caller."""
    found = service.bulk(
        session,
        scope,
        day=day,
        after=None,
        limit=MAX_EXPORT_ROWS + 1,
        unit_ids=unit_ids,
        status=status,
    )
    if len(found) > MAX_EXPORT_ROWS:
        raise ProblemError(
            422,
            "EXPORT_TOO_LARGE",
            f"more than {MAX_EXPORT_ROWS} staff match; narrow the export by unit or status",
        )
    units = {u.id: u.code for u in session.exec(select(Unit))}
    positions = {p.id: p.code for p in session.exec(select(Position))}
    return [
        [
            staff.staff_no,
            staff.name,
            service.public(staff, period, day, scope, vault).national_id,
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
    fmt: tabular.TabularFormat, rows: list[list[Any]], *, day: date
) -> tuple[str, bytes]:
    """File name and content of a roster export."""
    name = f"staff-{day.isoformat()}.{fmt.value}"
    return name, tabular.write_table(fmt, COLUMNS, rows, title="staff")
