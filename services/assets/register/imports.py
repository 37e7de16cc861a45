"""Registering many cards at once from a CSV (possibly gzip-compressed) or XLSX file, all or
nothing (service layer of ``register``).

Every row is checked as one acquisition would be (``AssetCreate``'s fields, an active
category, a known room by its code, a day not in the future) and every number must be new,
in the file and in the register. Every error of every row is reported at once with its row
number; one bad row means nothing is registered. Reference data is loaded once.

Each card gets its ``acquired`` lifecycle record naming the import; the hash-chained audit log
gets one entry for the import (the file's SHA-256, the count, the first and last numbers),
which is what ties the records to who registered them and when.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import TypeAdapter, ValidationError
from sqlmodel import Session, col, select

from services.assets.categories.models import Category
from services.assets.realestate.models import Room
from services.assets.register.models import Asset, AssetEvent, AssetStatus, EventKind
from services.assets.register.schemas import AssetCreate, ImportResult
from shared import tabular
from shared.audit import AuditLog
from shared.bulk import insert_rows, table_of
from shared.context import actor
from shared.money import UNSIGNED_TEXT
from shared.problems import Invalid
from shared.types import today, utcnow

MAX_ROWS = 100_000
MAX_FILE_BYTES = 9 * 1024 * 1024  # under the 10 MiB body limit with the form around it
MAX_REPORTED_ERRORS = 2_000
_IN_CHUNK = 1000

COLUMNS = (
    "number",
    "category_code",
    "name",
    "specification",
    "unit_id",
    "custodian_id",
    "room_code",
    "acquired_on",
    "original_value",
    "fund_source",
    "payment_id",
    "accumulated_depreciation",
    "depreciated_months",
)
# a register moved from another system brings what it has depreciated so far (期初累计折旧):
# both columns or neither; new acquisitions start at nothing
OPENING = ("accumulated_depreciation", "depreciated_months")
REQUIRED = ("number", "category_code", "name", "unit_id", "acquired_on", "original_value")
CHINESE_HEADERS = {
    "资产编号": "number",
    "分类代码": "category_code",
    "资产名称": "name",
    "规格型号": "specification",
    "单位ID": "unit_id",
    "保管人ID": "custodian_id",
    "存放地点": "room_code",
    "房间编码": "room_code",
    "取得日期": "acquired_on",
    "原值": "original_value",
    "资金来源": "fund_source",
    "支付单ID": "payment_id",
    "累计折旧": "accumulated_depreciation",
    "已提折旧月数": "depreciated_months",
}
_ROWS = TypeAdapter(AssetCreate)


@dataclass(frozen=True)
class Opening:
    """What a card has been depreciated by before it came into this register."""

    accumulated: Decimal
    months: int


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def dump(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Check:
    errors: list[RowError] = field(default_factory=list)
    accepted: list[tuple[int, AssetCreate]] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)
    openings: dict[str, Opening] = field(default_factory=dict)

    def fail(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, message))


def _headings(headers: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    """Column name → the file's heading (English or Chinese), and the headings ignored."""
    found: dict[str, str] = {}
    ignored = []
    for heading in headers:
        name = CHINESE_HEADERS.get(heading, heading.strip().lower())
        if name in COLUMNS and name not in found:
            found[name] = heading
        else:
            ignored.append(heading)
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise Invalid(
            "MISSING_COLUMNS",
            f"the file lacks the column(s) {', '.join(missing)}",
            missing=missing,
        )
    return found, ignored


def _text(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    return tabular.cell_text(value)


def _opening(
    check: Check, number: int, values: dict[str, Any], asset: AssetCreate, life: int | None
) -> Opening | None:
    """The row's opening depreciation (None: none given), checked against its value and its
    category's life; a failure is recorded on ``check``."""
    given = {name: _text(values.get(name)) for name in OPENING}
    if all(v is None for v in given.values()):
        return None
    if any(v is None for v in given.values()):
        check.fail(number, "depreciated_months", "give both opening columns, or neither")
        return None
    accumulated, months = str(given["accumulated_depreciation"]), str(given["depreciated_months"])
    if not UNSIGNED_TEXT.fullmatch(accumulated):
        check.fail(number, "accumulated_depreciation", "an amount with at most two decimals")
        return None
    if not months.isdigit() or not months.isascii():
        check.fail(number, "depreciated_months", "a whole number of months")
        return None
    opening = Opening(Decimal(accumulated), int(months))
    if opening.accumulated > asset.original_value:
        check.fail(number, "accumulated_depreciation", "more than the original value")
    elif life is None and (opening.accumulated or opening.months):
        check.fail(number, "depreciated_months", "the category is not depreciated")
    elif life is not None and opening.months > life * 12:
        check.fail(number, "depreciated_months", f"more than the category's {life} years")
    elif (
        life is not None
        and opening.months == life * 12 != 0
        and (opening.accumulated != asset.original_value)
    ):
        check.fail(number, "accumulated_depreciation", "a card at the end of its life is worth 0")
    return opening


def _check_row(
    check: Check,
    number: int,
    values: dict[str, Any],
    rooms: dict[str, uuid.UUID],
    categories: dict[str, int | None],
    day: date,
) -> None:
    data = {k: _text(v) for k, v in values.items() if k not in ("room_code", *OPENING)}
    if values.get("acquired_on") is not None and not isinstance(values["acquired_on"], str):
        try:
            data["acquired_on"] = tabular.cell_day(values["acquired_on"]).isoformat()
        except ValueError as exc:
            check.fail(number, "acquired_on", str(exc))
            return
    data = {k: v for k, v in data.items() if v is not None}
    data.setdefault("fund_source", "fiscal")
    room_code = _text(values.get("room_code"))
    if room_code is not None:
        room_id = rooms.get(room_code)
        if room_id is None:
            check.fail(number, "room_code", f"no active room {room_code}")
        else:
            data["room_id"] = str(room_id)
    try:
        asset = _ROWS.validate_python(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False, include_context=False, include_input=False):
            check.fail(number, str(error["loc"][0]) if error["loc"] else "", error["msg"])
        return
    if asset.category_code not in categories:
        check.fail(number, "category_code", f"no active category {asset.category_code}")
    elif opening := _opening(check, number, values, asset, categories[asset.category_code]):
        check.openings[asset.number] = opening
    if asset.acquired_on > day:
        check.fail(number, "acquired_on", f"{asset.acquired_on} is in the future")
    if asset.number in check.numbers:
        check.fail(
            number, "number", f"number {asset.number} is on row {check.numbers[asset.number]} too"
        )
    else:
        check.numbers[asset.number] = number
    check.accepted.append((number, asset))


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start : start + _IN_CHUNK]


def _taken(session: Session, check: Check) -> None:
    numbers = list(check.numbers)
    for chunk in _chunks(numbers):
        for taken in session.exec(select(Asset.number).where(col(Asset.number).in_(chunk))):
            check.fail(check.numbers[taken], "number", f"asset number {taken} is taken")


def import_register(
    *,
    session: Session,
    audit: AuditLog,
    content: bytes,
    filename: str | None,
    content_type: str | None,
    dry_run: bool = False,
) -> ImportResult:
    """Check every row of a register file; unless one fails (422 listing all), register every
    card (on a dry run, none: nothing is written)."""
    sheet = tabular.read_table(
        content,
        filename=filename,
        content_type=content_type,
        max_rows=MAX_ROWS,
        max_bytes=MAX_FILE_BYTES,
    )
    headings, ignored = _headings(sheet.headers)
    if not sheet.rows:
        raise Invalid("REGISTER_EMPTY", "the file has a header row but no asset rows")
    rooms = dict(session.exec(select(Room.code, Room.id).where(col(Room.active))).all())
    categories: dict[str, int | None] = dict(
        session.exec(
            select(Category.code, Category.useful_life_years).where(col(Category.active))
        ).all()
    )
    check = Check()
    day = today()
    for row in sheet.rows:
        if row.overflow:
            check.fail(row.number, "", f"{row.overflow} value(s) right of the last heading")
        values = {name: row.cells[heading] for name, heading in headings.items()}
        _check_row(check, row.number, values, rooms, categories, day)
    _taken(session, check)
    if check.errors:
        _refuse(check.errors)
    result = ImportResult(
        imported=0 if dry_run else len(check.accepted),
        rows=len(sheet.rows),
        dry_run=dry_run,
        ignored_columns=ignored,
    )
    if not dry_run:
        accepted = [a for _, a in check.accepted]
        register_many(
            session,
            audit,
            accepted,
            openings=check.openings,
            reason="registered by import",
            source={
                "file": (filename or "").replace("\\", "/").rsplit("/", 1)[-1][-200:],
                "format": sheet.format.value,
                "sha256": hashlib.sha256(content).hexdigest(),
            },
        )
    return result


def register_many(
    session: Session,
    audit: AuditLog,
    accepted: Sequence[AssetCreate],
    *,
    reason: str,
    source: dict[str, str],
    openings: Mapping[str, Opening] | None = None,
) -> uuid.UUID:
    """Write checked cards and their ``acquired`` steps in two bulk inserts, and audit the
    batch once (``source`` says where it came from); the batch's id, which each step names.
    ``openings``: what cards (by number) have been depreciated already, before this suite."""
    openings = openings or {}
    none = Opening(Decimal("0.00"), 0)
    now = utcnow()
    by = actor()
    import_id = uuid.uuid4()
    details = {"import_id": str(import_id)}
    cards = []
    steps = []
    for data in accepted:
        asset_id = uuid.uuid4()
        opening = openings.get(data.number, none)
        cards.append(
            {
                "id": asset_id,
                "number": data.number,
                "category_code": data.category_code,
                "name": data.name,
                "specification": data.specification,
                "unit_id": data.unit_id,
                "custodian_id": data.custodian_id,
                "room_id": data.room_id,
                "acquired_on": data.acquired_on,
                "original_value": data.original_value,
                "value": data.original_value,
                "accumulated_depreciation": opening.accumulated,
                "depreciated_months": opening.months,
                "fund_source": data.fund_source,
                "payment_id": data.payment_id,
                "status": AssetStatus.IN_USE,
                "disposed_on": None,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
        steps.append(
            {
                "id": uuid.uuid4(),
                "asset_id": asset_id,
                "kind": EventKind.ACQUIRED,
                "occurred_on": data.acquired_on,
                "at": now,
                "by": by,
                "reason": reason,
                "unit_id": data.unit_id,
                "other_unit_id": None,
                "details": details,
            }
        )
    connection = session.connection()
    insert_rows(connection, table_of(Asset), cards)
    insert_rows(connection, table_of(AssetEvent), steps)
    audit.record(
        session,
        action="asset.import",
        resource_type="asset",
        resource_id=import_id,
        after={
            **source,
            "count": len(cards),
            "first_number": accepted[0].number,
            "last_number": accepted[-1].number,
        },
    )
    return import_id


def _refuse(errors: list[RowError]) -> None:
    errors.sort(key=lambda e: e.row)
    rows = len({e.row for e in errors})
    shown = errors[:MAX_REPORTED_ERRORS]
    more = f" (the first {len(shown)} are listed)" if len(shown) < len(errors) else ""
    raise Invalid(
        "REGISTER_INVALID",
        f"{len(errors)} error(s) in {rows} row(s){more}; nothing was registered",
        errors=[e.dump() for e in shown],
        error_count=len(errors),
    )
