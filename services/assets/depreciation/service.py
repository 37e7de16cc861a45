"""Running a month's depreciation and reading runs and schedules.

Rules (government accounting as the suite applies them):
- straight-line over the category's useful life (``assets_category.useful_life_years``; None:
  not depreciated), no residual value, monthly, from the month after acquisition (an asset
  acquired in March is first charged for April);
- an asset disposed in month D is charged for D (it was in service when D began) and never
  after: a ``disposed`` card whose ``disposed_on`` falls before the month's first day gets
  nothing; a ``pending_disposal`` card is still in service and is charged;
- the charge is ``charges.monthly_charge`` (the last month takes the remainder);
- months run in order: the first run may be any month that has ended, every later one must
  be the month after the latest run (409 ``MONTH_OUT_OF_ORDER``); a month whose last day is
  after today is refused (422 ``FUTURE_PERIOD``); running a month again posts nothing and
  answers the run made the first time (the unique period is the second guard, also against
  a concurrent run of the same month);
- no catch-up: a card entered with months already behind it carries its accumulated
  depreciation and months from the register, and is charged from the month run next.

A run reads and writes the cards in bulk, in whole fen: one SELECT of the cards due, the
charges inserted by the driver (COPY on PostgreSQL, executemany on SQLite), and one
UPDATE … FROM that gives each card its charge's figures (bench/assets_depreciation.py:
100,000 cards). It then queues one ``depreciation.posted`` event per unit for finance (Dr 5001
/ Cr 1602) in the same unit of work, and the write-off (``asset.disposed``, ``writeoff``) of
every card disposed of by the month's end and not yet written off: the outbox relay delivers
them, retrying while finance is down; finance posts a unit's month once whatever the event id.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    bindparam,
    func,
    insert,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.types import NullType
from sqlmodel import Session, col
from sqlmodel import select as sm_select

from services.assets.categories.models import Category
from services.assets.depreciation import writeoff
from services.assets.depreciation.charges import (
    month_bounds,
    monthly_charge,
    next_period,
)
from services.assets.depreciation.models import (
    DepreciationCharge,
    DepreciationRun,
    DepreciationUnitTotal,
)
from services.assets.depreciation.schemas import (
    AssetSchedule,
    ChargePublic,
    RunDetail,
    RunPublic,
    UnitTotalPublic,
)
from services.assets.register.models import Asset, AssetStatus
from shared.audit import AuditLog
from shared.bulk import insert_ready, table_of
from shared.context import actor
from shared.db import insert_unless_present
from shared.outbox import Outbox
from shared.pagination import Page, PageParams, paginate
from shared.problems import Conflict, Invalid, NotFound
from shared.scope import RowScope
from shared.types import FEN, today, utcnow

EVENT_TYPE = "depreciation.posted"
FINANCE = "finance"
_ASSETS: Any = table_of(Asset)
_CATEGORIES: Any = table_of(Category)
_RUNS: Any = table_of(DepreciationRun)
_CHARGES: Any = table_of(DepreciationCharge)
_UNIT_TOTALS: Any = table_of(DepreciationUnitTotal)


@cache
def _due() -> Any:
    """The cards due a charge this month (bound to ``first``, the month's first day). Ids come
    back as the driver gives them and money as whole fen (no conversion per row)."""
    a, c = _ASSETS.c, _CATEGORIES.c
    first = bindparam("first", type_=a.acquired_on.type)
    return (
        select(
            type_coerce(a.id, NullType()),
            type_coerce(a.unit_id, NullType()),
            a.category_code,
            type_coerce(a.value, BigInteger),
            type_coerce(a.accumulated_depreciation, BigInteger),
            a.depreciated_months,
            c.useful_life_years,
        )
        .join_from(_ASSETS, _CATEGORIES, c.code == a.category_code)
        .where(
            c.useful_life_years.is_not(None),
            a.acquired_on < first,
            a.accumulated_depreciation < a.value,
            or_(a.status != AssetStatus.DISPOSED.value, a.disposed_on >= first),
        )
        .with_for_update(of=_ASSETS)
    )


_CHARGE_COLUMNS = ("asset_id", "period", "run_id", "amount", "accumulated_after", "months_after")


@cache
def _update_cards() -> Any:
    """Every card charged in the run takes its charge's figures (one UPDATE … FROM)."""
    a, ch = _ASSETS.c, _CHARGES.c
    return (
        update(_ASSETS)
        .where(a.id == ch.asset_id, ch.run_id == bindparam("run_id", type_=ch.run_id.type))
        .values(
            accumulated_depreciation=ch.accumulated_after,
            depreciated_months=ch.months_after,
            version=a.version + 1,
            updated_at=bindparam("now", type_=a.updated_at.type),
        )
    )


@dataclass
class _Unit:
    amount: int = 0
    assets: int = 0
    by_category: defaultdict[str, int] = field(default_factory=lambda: defaultdict(int))


def _yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def run_view(run: DepreciationRun) -> RunPublic:
    return RunPublic.model_validate(run, from_attributes=True)


def _by_period(session: Session, period: str) -> DepreciationRun | None:
    return session.exec(sm_select(DepreciationRun).where(DepreciationRun.period == period)).first()


def _check_month(session: Session, period: str) -> None:
    _, last = month_bounds(period)
    if last > today():
        raise Invalid("FUTURE_PERIOD", f"{period} has not ended; a month is run after its last day")
    latest = session.exec(sm_select(func.max(DepreciationRun.period))).one()
    if latest is not None and period != next_period(latest):
        expected = next_period(latest)
        raise Conflict(
            "MONTH_OUT_OF_ORDER",
            f"months run in order: the latest run is {latest}, so the next is {expected}",
            latest=latest,
            next_period=expected,
        )


def run_month(
    session: Session, audit: AuditLog, outbox: Outbox, *, period: str
) -> tuple[RunPublic, bool]:
    """Run ``period``'s depreciation; True when this call ran it, False when it had run
    already (then nothing is written)."""
    existing = _by_period(session, period)
    if existing is not None:
        return run_view(existing), False
    _check_month(session, period)
    first, last = month_bounds(period)
    conn = session.connection()
    rows = conn.execute(_due(), {"first": first}).all()

    run_id = uuid.uuid4()
    now = utcnow()
    # the run's id and the units' ids as the driver takes and gives them
    to_driver = _CHARGES.c.run_id.type.bind_processor(conn.dialect)
    run_raw = to_driver(run_id) if to_driver else run_id
    from_driver = _ASSETS.c.unit_id.type.result_processor(conn.dialect, None)
    charges: list[tuple[Any, ...]] = []
    units: dict[Any, _Unit] = defaultdict(_Unit)
    for asset_id, unit_id, category, value, accumulated, months, life_years in rows:
        amount = monthly_charge(value, accumulated, months, life_years * 12)
        charges.append((asset_id, period, run_raw, amount, accumulated + amount, months + 1))
        unit = units[unit_id]
        unit.amount += amount
        unit.assets += 1
        unit.by_category[category] += amount

    total = sum(u.amount for u in units.values())
    posted = {
        (from_driver(raw) if from_driver else raw): u for raw, u in units.items() if u.amount > 0
    }
    run = DepreciationRun(
        id=run_id,
        period=period,
        entry_date=last,
        total=(total * FEN).quantize(FEN),
        assets=len(charges),
        units=len(posted),
        run_by=actor(),
        run_at=now,
    )
    if not insert_unless_present(session, _RUNS, run.model_dump()):
        # a concurrent run of the same month committed first: answer it, write nothing
        concurrent = _by_period(session, period)
        assert concurrent is not None
        return run_view(concurrent), False
    if charges:
        insert_ready(conn, _CHARGES, _CHARGE_COLUMNS, charges)
        conn.execute(_update_cards(), {"run_id": run_id, "now": now})
    totals = []
    for unit_id, unit in sorted(posted.items(), key=lambda item: str(item[0])):
        by_category = {code: _yuan(fen) for code, fen in sorted(unit.by_category.items())}
        [event_id] = outbox.publish(
            session,
            EVENT_TYPE,
            {
                "unit_id": unit_id,
                "period": period,
                "entry_date": last,
                "amount": _yuan(unit.amount),
                "by_category": {code: fen for code, fen in by_category.items() if fen != "0.00"},
                "assets": unit.assets,
                "run_id": run_id,
            },
            [FINANCE],
        )
        totals.append(
            {
                "run_id": run_id,
                "unit_id": unit_id,
                "amount": (unit.amount * FEN).quantize(FEN),
                "assets": unit.assets,
                "event_id": event_id,
            }
        )
    if totals:
        conn.execute(insert(_UNIT_TOTALS), totals)
    written_off = writeoff.write_off_due(session, outbox, until=last)
    audit.record(
        session,
        action="depreciation.run",
        resource_type="depreciation_run",
        resource_id=run_id,
        after={
            "period": period,
            "total": run.total,
            "assets": run.assets,
            "units": run.units,
            "written_off": written_off,
        },
    )
    return run_view(run), True


def list_runs(session: Session, params: PageParams) -> Page[RunPublic]:
    """Runs, the latest month first."""
    query = sm_select(DepreciationRun)
    return paginate(session, query, params, col(DepreciationRun.period).desc(), view=run_view)


def get_run(session: Session, run_id: uuid.UUID) -> RunDetail:
    run = session.get(DepreciationRun, run_id)
    if run is None:
        raise NotFound("depreciation_run", run_id)
    totals = session.exec(
        sm_select(DepreciationUnitTotal)
        .where(DepreciationUnitTotal.run_id == run_id)
        .order_by(col(DepreciationUnitTotal.unit_id))
    ).all()
    return RunDetail(
        **run_view(run).model_dump(),
        unit_totals=[UnitTotalPublic.model_validate(t, from_attributes=True) for t in totals],
    )


def schedule(session: Session, asset_id: uuid.UUID, scope: RowScope) -> AssetSchedule:
    """The asset's depreciation so far (a liaison: its unit's assets; staff: their own)."""
    asset = session.get(Asset, asset_id)
    if asset is None:
        raise NotFound("asset", asset_id)
    scope.check(unit_id=asset.unit_id, staff_id=asset.custodian_id)
    life = session.exec(
        sm_select(Category.useful_life_years).where(Category.code == asset.category_code)
    ).first()
    charges = session.exec(
        sm_select(DepreciationCharge)
        .where(DepreciationCharge.asset_id == asset_id)
        .order_by(col(DepreciationCharge.period))
    ).all()
    remaining = None if life is None else max(0, life * 12 - asset.depreciated_months)
    return AssetSchedule(
        asset_id=asset.id,
        number=asset.number,
        category_code=asset.category_code,
        useful_life_years=life,
        acquired_on=asset.acquired_on,
        value=asset.value,
        accumulated_depreciation=asset.accumulated_depreciation,
        net_book_value=asset.value - asset.accumulated_depreciation,
        depreciated_months=asset.depreciated_months,
        remaining_months=remaining,
        charges=[ChargePublic.model_validate(c, from_attributes=True) for c in charges],
    )
