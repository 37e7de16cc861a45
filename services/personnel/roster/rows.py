"""Checking a roster file's header and rows (service layer of ``roster``).

Every row is checked with the same rules as hiring one person (``staff.service.hire``): the
fields of ``StaffCreate``, the ID number, unit, position and rank, and that neither the staff
number nor the ID number appears twice in the file. Reference data is loaded once.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, select

from services.personnel.organisation.models import Rank, Unit
from services.personnel.positions.models import Position
from services.personnel.roster.schemas import RowError
from services.personnel.staff import identity_numbers as ids
from services.personnel.staff.models import StaffStatus
from services.personnel.staff.schemas import StaffCreate
from shared import tabular
from shared.problems import Invalid, ProblemError

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


@dataclass(frozen=True)
class References:
    units: dict[str, uuid.UUID]
    positions: dict[str, Position]
    ranks: dict[str, str]  # code, or Chinese name when unambiguous → code

    @classmethod
    def load(cls, session: Session) -> References:
        ranks = list(session.exec(select(Rank)))
        names = [r.name_zh for r in ranks]
        by_name = {r.name_zh: r.code for r in ranks if names.count(r.name_zh) == 1}
        return cls(
            units={u.code: u.id for u in session.exec(select(Unit))},
            positions={p.code: p for p in session.exec(select(Position))},
            ranks={**by_name, **{r.code: r.code for r in ranks}},
        )


@dataclass
class Check:
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


def columns(headers: Sequence[str]) -> tuple[dict[str, str], list[str]]:
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
        raise Invalid(
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


@dataclass
class _Row:
    """One row being checked: its cells, the ``StaffCreate`` fields so far, what failed."""

    check: Check
    number: int
    values: dict[str, Any]
    texts: dict[str, str | None]
    candidate: dict[str, Any]
    bad: set[str] = field(default_factory=set)

    def fail(self, column: str, message: str) -> None:
        self.bad.add(column)
        self.check.fail(self.number, column, message)


def check_row(
    check: Check, refs: References, vault: ids.IdVault, number: int, values: dict[str, Any]
) -> None:
    """Check one row; record its errors or accept it."""
    texts = {name: tabular.cell_text(values.get(name)) for name in COLUMNS}
    row = _Row(check, number, values, texts, _blank(texts))
    for name in REQUIRED:
        if texts[name] is None:
            row.fail(name, "required")
    _read_national_id(row)
    _resolve_posting(row.candidate, texts, refs, row.fail)
    _read_status_and_day(row)
    data = _validated(row)
    digest = _check_duplicates(row, vault)
    if data is not None and digest is not None and not row.bad:
        check.accepted.append((data, digest))


def _blank(texts: dict[str, str | None]) -> dict[str, Any]:
    return {
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


def _read_national_id(row: _Row) -> None:
    if isinstance(row.values.get("national_id"), int | float):
        row.fail("national_id", "store the ID number as text: a number cell loses digits")
    elif row.texts["national_id"] is not None:
        try:
            row.candidate["national_id"] = ids.normalise(row.texts["national_id"])
        except ProblemError as exc:
            row.fail("national_id", exc.detail)


def _read_status_and_day(row: _Row) -> None:
    for name, parse in (("status", _status), ("effective_from", tabular.cell_day)):
        raw = row.texts[name] if name == "status" else row.values.get(name)
        if raw is not None and name not in row.bad:
            try:
                row.candidate[name] = parse(raw)
            except ValueError as exc:
                row.fail(name, f"expected {exc}" if name == "effective_from" else str(exc))


def _validated(row: _Row) -> StaffCreate | None:
    """The row as ``StaffCreate``, placeholders standing in for fields already found wrong;
    None (with its errors recorded) when it is not one."""
    for name, placeholder in _PLACEHOLDER.items():
        if row.candidate[name] is None and name != "position_id":
            row.candidate[name] = placeholder
    try:
        return StaffCreate.model_validate(row.candidate)
    except ValidationError as exc:
        for error in exc.errors():
            name = _FIELD_COLUMN.get(str(error["loc"][0]), str(error["loc"][0]))
            if name not in row.bad:
                row.fail(name, _MESSAGES.get((name, error["type"]), error["msg"]))
    return None


def _check_duplicates(row: _Row, vault: ids.IdVault) -> str | None:
    """Duplicates are judged for every well-formed number, so one pass reports them all;
    the digest of the row's ID number, if it has a well-formed one."""
    check, candidate = row.check, row.candidate
    if "staff_no" not in row.bad:
        first = check.staff_nos.setdefault(candidate["staff_no"], row.number)
        if first != row.number:
            row.fail("staff_no", f"staff number {candidate['staff_no']} is also on row {first}")
    if "national_id" in row.bad:
        return None
    digest = vault.digest(candidate["national_id"])
    first = check.digests.setdefault(digest, row.number)
    if first != row.number:
        row.fail("national_id", f"the same ID number is on row {first}")
    return digest


def _resolve_posting(
    candidate: dict[str, Any],
    texts: dict[str, str | None],
    refs: References,
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
