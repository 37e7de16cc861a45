"""Computing a run: every payslip of the month, in the one transaction of the request.

The people come slice by slice (``People``: personnel's bulk reads over HTTP, or the demo's
list); each slice is computed and its payslips and lines written with ``shared.bulk`` before
the next is asked for, so memory holds one slice. A failure anywhere (personnel unreachable:
503, a rank missing from a standard: 422) rolls the whole computation back: the run is as it
was, and computing it again is safe. A recomputation first deletes what the last one wrote.

Cumulative withholding reads the year so far from the person's latest payslip of the year in
an approved run (``ytd_*``). Pending adjustments (arrears, recoveries) are claimed by the run
that pays them (``consumed_by``); a recomputation releases them first and claims again, so
each is paid by exactly one run.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlmodel import Session

from services.finance.clients.personnel import Person, Slice
from services.finance.payroll import compute
from services.finance.payroll.compute import Adjustment, Computed, Standards
from services.finance.payroll.models import (
    PayAdjustment,
    PayrollRun,
    Payslip,
    PayslipLine,
    RunStatus,
    SalaryAccount,
)
from services.finance.payroll.service import FROZEN, get_run, wrong_state
from services.finance.payroll.tax import YearSoFar, fen, yuan
from shared.audit import AuditLog
from shared.bulk import insert_rows, table_of
from shared.changes import record_change
from shared.context import Principal
from shared.problems import Conflict
from shared.types import utcnow

# (day, status, unit ids or None, with grades) → the slices of people
People = Callable[[date, str, list[uuid.UUID] | None, bool], Iterable[Slice]]

_SLIPS: Any = table_of(Payslip)
_LINES: Any = table_of(PayslipLine)
_RUNS: Any = table_of(PayrollRun)
_ADJUSTMENTS: Any = table_of(PayAdjustment)
_ACCOUNTS: Any = table_of(SalaryAccount)
_IDS: Any = bindparam("ids", expanding=True)

_YEAR_SO_FAR = (
    select(
        _SLIPS.c.staff_id,
        _SLIPS.c.month,
        _SLIPS.c.ytd_months,
        _SLIPS.c.ytd_income,
        _SLIPS.c.ytd_contributions,
        _SLIPS.c.ytd_tax,
    )
    .join(_RUNS, _RUNS.c.id == _SLIPS.c.run_id)
    .where(
        _SLIPS.c.staff_id.in_(_IDS),
        _SLIPS.c.year == bindparam("year"),
        _SLIPS.c.month < bindparam("month"),
        _RUNS.c.status.in_([s.value for s in FROZEN]),
    )
)
_TAKEN = (
    select(_SLIPS.c.staff_no)
    .where(
        _SLIPS.c.staff_id.in_(_IDS),
        _SLIPS.c.year == bindparam("year"),
        _SLIPS.c.month == bindparam("month"),
        _SLIPS.c.run_id != bindparam("run_id"),
    )
    .limit(20)
)
_PENDING = select(
    _ADJUSTMENTS.c.id, _ADJUSTMENTS.c.staff_id, _ADJUSTMENTS.c.amount, _ADJUSTMENTS.c.reason
).where(
    _ADJUSTMENTS.c.staff_id.in_(_IDS),
    _ADJUSTMENTS.c.consumed_by.is_(None),
)
_ACCOUNTS_OF = select(_ACCOUNTS.c.staff_id, _ACCOUNTS.c.account, _ACCOUNTS.c.bank).where(
    _ACCOUNTS.c.staff_id.in_(_IDS)
)


def first_day(run: PayrollRun) -> date:
    return date(run.year, run.month, 1)


@dataclass
class _Totals:
    slips: int = 0
    gross: int = 0
    contributions: int = 0
    tax: int = 0
    net: int = 0
    claimed: list[uuid.UUID] = field(default_factory=list)

    def add(self, slip: Computed) -> None:
        self.slips += 1
        self.gross += slip.gross
        self.contributions += slip.contributions
        self.tax += slip.tax
        self.net += slip.net


def _year_so_far(
    session: Session, run: PayrollRun, ids: list[uuid.UUID]
) -> dict[uuid.UUID, YearSoFar]:
    latest: dict[uuid.UUID, tuple[int, YearSoFar]] = {}
    rows = session.connection().execute(
        _YEAR_SO_FAR, {"ids": ids, "year": run.year, "month": run.month}
    )
    for staff_id, month, months, income, contributions, tax in rows:
        if staff_id not in latest or latest[staff_id][0] < month:
            latest[staff_id] = (
                month,
                YearSoFar(months, fen(income), fen(contributions), fen(tax)),
            )
    return {s: v for s, (_, v) in latest.items()}


def _pending(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Adjustment]]:
    found: dict[uuid.UUID, list[Adjustment]] = {}
    for adj_id, staff_id, amount, reason in session.connection().execute(_PENDING, {"ids": ids}):
        found.setdefault(staff_id, []).append(Adjustment(adj_id, fen(amount), reason))
    return found


def _check_free(session: Session, run: PayrollRun, ids: list[uuid.UUID]) -> None:
    taken = (
        session.connection()
        .execute(_TAKEN, {"ids": ids, "year": run.year, "month": run.month, "run_id": run.id})
        .scalars()
        .all()
    )
    if taken:
        raise Conflict(
            "STAFF_IN_OTHER_RUN",
            f"{len(taken)}+ people are already on another run of {run.year}-{run.month:02d}: "
            f"{list(taken)}",
            staff_nos=list(taken),
        )


def _write(
    session: Session, run: PayrollRun, piece: Slice, standards: Standards, totals: _Totals
) -> None:
    ids = [p.staff_id for p in piece.people]
    if not ids:
        return
    _check_free(session, run, ids)
    before = _year_so_far(session, run, ids)
    pending = _pending(session, ids)
    conn = session.connection()
    accounts = {s: (a, b) for s, a, b in conn.execute(_ACCOUNTS_OF, {"ids": ids})}
    slips: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    for person in piece.people:
        ytd = before.get(person.staff_id, YearSoFar())
        if person.status == "retired":
            slip = compute.retiree(standards, person, ytd)
        else:
            owed = pending.get(person.staff_id, [])
            slip = compute.serving(standards, person, piece.grades.get(person.staff_id), ytd, owed)
            totals.claimed += [a.id for a in owed]
        grade = piece.grades.get(person.staff_id)
        slip_id = uuid.uuid4()
        slips.append(_slip_row(run, person, slip, slip_id, grade, accounts.get(person.staff_id)))
        keys = {"slip_id": slip_id, "run_id": run.id}
        lines += [{**line, **keys} for line in slip.lines]
        totals.add(slip)
    insert_rows(conn, _SLIPS, slips)
    insert_rows(conn, _LINES, lines)


def _slip_row(
    run: PayrollRun,
    person: Person,
    slip: Computed,
    slip_id: uuid.UUID,
    grade: Any,
    account: tuple[str, str] | None,
) -> dict[str, Any]:
    ytd = slip.year_so_far
    return {
        "id": slip_id,
        "run_id": run.id,
        "year": run.year,
        "month": run.month,
        "staff_id": person.staff_id,
        "staff_no": person.staff_no,
        "name": person.name,
        "unit_id": person.unit_id,
        "kind": slip.kind,
        "rank_code": person.rank_code,
        "step": slip.step,
        "grade": slip.grade,
        "grade_cycle_id": None if grade is None or slip.step is None else grade.cycle_id,
        "grade_year": None if grade is None or slip.step is None else grade.year,
        "gross": yuan(slip.gross),
        "contributions": yuan(slip.contributions),
        "tax": yuan(slip.tax),
        "net": yuan(slip.net),
        "ytd_months": ytd.months,
        "ytd_income": yuan(ytd.income),
        "ytd_contributions": yuan(ytd.contributions),
        "ytd_tax": yuan(ytd.tax),
        "account": None if account is None else account[0],
        "bank": None if account is None else account[1],
    }


def _clear(session: Session, run: PayrollRun) -> None:
    conn = session.connection()
    conn.execute(delete(_LINES).where(_LINES.c.run_id == run.id))
    conn.execute(delete(_SLIPS).where(_SLIPS.c.run_id == run.id))
    conn.execute(
        update(_ADJUSTMENTS).where(_ADJUSTMENTS.c.consumed_by == run.id).values(consumed_by=None)
    )


def compute_run(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    *,
    run_id: uuid.UUID,
    people: People,
) -> PayrollRun:
    """(Re)compute every payslip of a draft or computed run, all or nothing."""
    run = get_run(session, run_id, lock=True)
    if run.status not in (RunStatus.DRAFT, RunStatus.COMPUTED):
        raise wrong_state(run, "computed")
    day = first_day(run)
    standards = Standards.on(session, day)
    _clear(session, run)
    units = None if run.unit_ids is None else [uuid.UUID(u) for u in run.unit_ids]
    totals = _Totals()
    for status, graded in (("serving", True), ("retired", False)):
        for piece in people(day, status, units, graded):
            _write(session, run, piece, standards, totals)
    if totals.claimed:
        session.connection().execute(
            update(_ADJUSTMENTS).where(_ADJUSTMENTS.c.id.in_(_IDS)).values(consumed_by=run.id),
            {"ids": totals.claimed},
        )
    before = {"status": run.status, "slips": run.slips, "net": f"{run.net:.2f}"}
    run.status = RunStatus.COMPUTED
    run.slips = totals.slips
    run.gross = yuan(totals.gross)
    run.contributions = yuan(totals.contributions)
    run.tax = yuan(totals.tax)
    run.net = yuan(totals.net)
    run.computed_by = principal.sub
    run.computed_at = utcnow()
    return record_change(
        session,
        audit,
        run,
        action="payroll_run.computed",
        resource_type="payroll_run",
        before=before,
        after={"status": run.status, "slips": run.slips, "net": f"{run.net:.2f}"},
        principal=principal,
    )
