"""Payroll runs and payslips as the API shows them: create a run, read runs, payslips (all,
a unit's, a person's own) and unit totals.

Who reads what: finance's readers (officer, approver, director, auditor) every payslip; a
member of staff only their own (the token's ``staff_id``); a unit liaison its unit's totals,
never a payslip.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from services.finance.payroll.models import (
    PayAdjustment,
    PayrollRun,
    Payslip,
    PayslipLine,
    RunStatus,
)
from services.finance.payroll.schemas import (
    AdjustmentPublic,
    LinePublic,
    PayslipPublic,
    RunCreate,
    RunPublic,
    UnitTotal,
)
from services.finance.units.models import BudgetUnit
from shared.audit import AuditLog
from shared.bulk import table_of
from shared.context import Principal
from shared.pagination import Listing, Page, PageParams, fetch_page, paginate
from shared.problems import Conflict, Forbidden, Invalid, NotFound


def run_public(run: PayrollRun) -> RunPublic:
    return RunPublic.model_validate(
        {
            **run.model_dump(),
            "unit_ids": None if run.unit_ids is None else [uuid.UUID(u) for u in run.unit_ids],
        }
    )


def wrong_state(run: PayrollRun, action: str) -> Conflict:
    return Conflict(
        "RUN_STATE",
        f"the payroll run of {run.year}-{run.month:02d} is {run.status}; it cannot be {action} now",
        state=run.status,
    )


def create_run(
    session: Session, audit: AuditLog, principal: Principal, *, data: RunCreate
) -> PayrollRun:
    """A draft run of a month for some budget units (or all of them)."""
    unit_ids = None
    if data.unit_ids is not None:
        wanted = set(data.unit_ids)
        known = set(session.exec(select(BudgetUnit.id).where(col(BudgetUnit.id).in_(wanted))).all())
        if unknown := sorted(str(u) for u in wanted - known):
            raise Invalid("UNKNOWN_UNIT", f"no budget units {unknown}", unit_ids=unknown)
        unit_ids = sorted(str(u) for u in wanted)
    run = PayrollRun(year=data.year, month=data.month, unit_ids=unit_ids, created_by=principal.sub)
    session.add(run)
    session.flush()
    audit.record(
        session,
        action="payroll_run.created",
        resource_type="payroll_run",
        resource_id=run.id,
        after={"year": run.year, "month": run.month, "unit_ids": unit_ids},
        principal=principal,
    )
    return run


def get_run(session: Session, run_id: uuid.UUID, *, lock: bool = False) -> PayrollRun:
    query = select(PayrollRun).where(PayrollRun.id == run_id)
    if lock:
        query = query.with_for_update()
    run = session.exec(query.execution_options(populate_existing=True)).first()
    if run is None:
        raise NotFound("payroll_run", run_id)
    return run


RUNS: Listing[PayrollRun] = Listing(
    select(PayrollRun),
    col(PayrollRun.year).desc(),
    col(PayrollRun.month).desc(),
    col(PayrollRun.created_at),
    filters={
        "status": lambda v: col(PayrollRun.status) == v,
        "year": lambda v: col(PayrollRun.year) == v,
    },
)


def list_runs(
    session: Session, params: PageParams, *, status: RunStatus | None, year: int | None
) -> Page[RunPublic]:
    return RUNS.page(session, params, view=run_public, status=status, year=year)


def _lines(session: Session, slip_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[LinePublic]]:
    found: dict[uuid.UUID, list[LinePublic]] = {s: [] for s in slip_ids}
    if not slip_ids:
        return found
    rows = session.exec(
        select(PayslipLine)
        .where(col(PayslipLine.slip_id).in_(list(slip_ids)))
        .order_by(col(PayslipLine.slip_id), col(PayslipLine.position))
    ).all()
    for line in rows:
        found[line.slip_id].append(LinePublic.model_validate(line, from_attributes=True))
    return found


def slip_publics(session: Session, slips: Sequence[Payslip]) -> list[PayslipPublic]:
    lines = _lines(session, [s.id for s in slips])
    return [PayslipPublic.model_validate({**s.model_dump(), "lines": lines[s.id]}) for s in slips]


def list_slips(
    session: Session,
    params: PageParams,
    *,
    run_id: uuid.UUID,
    unit_id: uuid.UUID | None,
    staff_id: uuid.UUID | None,
) -> Page[PayslipPublic]:
    """A run's payslips, by staff number (finance's readers)."""
    get_run(session, run_id)
    query = select(Payslip).where(Payslip.run_id == run_id)
    if unit_id is not None:
        query = query.where(Payslip.unit_id == unit_id)
    if staff_id is not None:
        query = query.where(Payslip.staff_id == staff_id)
    rows, total = fetch_page(session, query, params, col(Payslip.staff_no))
    return Page.of(slip_publics(session, rows), total, params)


def own_slips(
    session: Session, params: PageParams, *, staff_id: uuid.UUID | None, year: int | None
) -> Page[PayslipPublic]:
    """The caller's own payslips of approved runs, newest first (403 with no staff_id)."""
    if staff_id is None:
        raise Forbidden("NO_STAFF_RECORD", "the token names no staff record")
    query = (
        select(Payslip)
        .join(PayrollRun, col(PayrollRun.id) == Payslip.run_id)
        .where(
            Payslip.staff_id == staff_id,
            col(PayrollRun.status).in_(FROZEN),
        )
    )
    if year is not None:
        query = query.where(Payslip.year == year)
    rows, total = fetch_page(
        session, query, params, col(Payslip.year).desc(), col(Payslip.month).desc()
    )
    return Page.of(slip_publics(session, rows), total, params)


FROZEN = (RunStatus.APPROVED, RunStatus.PAID, RunStatus.CLOSED)


def get_slip(session: Session, slip_id: uuid.UUID, *, staff_id: uuid.UUID | None) -> PayslipPublic:
    """One payslip: a member of staff (``staff_id``) only their own of an approved run."""
    slip = session.get(Payslip, slip_id)
    if slip is None:
        raise NotFound("payslip", slip_id)
    if staff_id is not None:
        run = session.get(PayrollRun, slip.run_id)
        if slip.staff_id != staff_id or run is None or run.status not in FROZEN:
            raise NotFound("payslip", slip_id)
    return slip_publics(session, [slip])[0]


def unit_totals(
    session: Session, *, run_id: uuid.UUID, unit_id: uuid.UUID | None
) -> Page[UnitTotal]:
    """Each unit's totals in a run (a liaison: its own unit's)."""
    get_run(session, run_id)
    slips: Any = table_of(Payslip)
    query = core_select(
        slips.c.unit_id,
        func.count(),
        func.sum(slips.c.gross),
        func.sum(slips.c.contributions),
        func.sum(slips.c.tax),
        func.sum(slips.c.net),
    ).where(slips.c.run_id == run_id)
    if unit_id is not None:
        query = query.where(slips.c.unit_id == unit_id)
    rows = session.connection().execute(query.group_by(slips.c.unit_id).order_by(slips.c.unit_id))
    return Page.whole(
        [
            UnitTotal(unit_id=u, slips=n, gross=g, contributions=c, tax=t, net=net)
            for u, n, g, c, t, net in rows
        ]
    )


def list_adjustments(
    session: Session, params: PageParams, *, staff_id: uuid.UUID | None, pending: bool | None
) -> Page[AdjustmentPublic]:
    """Arrears and recoveries; ``pending``: not yet in an approved run (or already in one)."""
    query = select(PayAdjustment)
    if staff_id is not None:
        query = query.where(PayAdjustment.staff_id == staff_id)
    if pending is not None:
        paid = select(PayrollRun.id).where(col(PayrollRun.status).in_(FROZEN))
        consumed = col(PayAdjustment.consumed_by).in_(paid)
        unpaid = or_(col(PayAdjustment.consumed_by).is_(None), ~consumed)
        query = query.where(unpaid if pending else consumed)
    return paginate(
        session,
        query,
        params,
        col(PayAdjustment.created_at),
        col(PayAdjustment.id),
        view=lambda a: AdjustmentPublic.model_validate(a, from_attributes=True),
    )
