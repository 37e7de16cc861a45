"""Is a computed run still what its computation read? Kept when a grade changes, asked when
the run is approved.

A run is approved only as computed from what holds at approval; otherwise it is computed
again (it may be, until approved):

- A grade personnel reports (``grade.revised``, a late ``grade.finalized``) that differs from
  the one a computed run's payslip used sends that run back to ``draft`` (audited
  ``payroll_run.stale``, with the reason), in the event's transaction; approving it then is
  409 ``STALE_RUN`` until it is computed again. A grade a payslip already used (the demo's
  grades, finalized before its run was computed and announced after) changes nothing.
- 409 ``EARLIER_MONTH_PENDING``: a run of an earlier month of the year, paying any of the
  same people, is computed but not approved. Months are approved in order, because
  cumulative withholding carries each person's year so far from month to month.
- 409 ``STALE_RUN`` when, since the run was computed, a run of an earlier month of the year
  paying any of the same people was approved (the year so far it read has changed), or a
  payroll standard in force on the month's first day (the day a run computes on) was
  approved, even backdated; a travel standard, or one from later in the month, is not.

A later month already approved for the same people is not refused here: an earlier month is
held back by the order above only while both are pending.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from services.finance.payroll.models import PayrollRun, Payslip, RunStatus, SlipKind
from services.finance.payroll.runs import first_day
from services.finance.payroll.service import FROZEN, get_run, wrong_state
from services.finance.standards.models import StandardKind, StandardStatus, StandardVersion
from shared.audit import AuditLog
from shared.changes import record_change
from shared.context import Principal
from shared.problems import Conflict

# the standards a run computes with (``compute.Standards``): travel standards are not among them
PAYROLL_KINDS = [k.value for k in StandardKind if not k.value.startswith("travel")]
SYSTEM = "system:grades"  # who sends a run back when personnel reports a grade


def sent_back(
    session: Session, audit: AuditLog, staff_id: uuid.UUID, condition: Any, why: str
) -> int:
    """Computed runs with a serving payslip of ``staff_id`` meeting ``condition`` (it used
    another grade) go back to draft; how many did."""
    rows = session.exec(
        select(PayrollRun.id)  # type: ignore[call-overload]
        .join(Payslip, col(Payslip.run_id) == PayrollRun.id)
        .where(
            col(PayrollRun.status) == RunStatus.COMPUTED,
            col(Payslip.staff_id) == staff_id,
            col(Payslip.kind) == SlipKind.SERVING,
            condition,
        )
        .distinct()
    ).all()
    for (run_id,) in rows:
        run = get_run(session, run_id, lock=True)
        if run.status != RunStatus.COMPUTED:
            continue
        run.status = RunStatus.DRAFT
        record_change(
            session,
            audit,
            run,
            action="payroll_run.stale",
            resource_type="payroll_run",
            before={"status": RunStatus.COMPUTED},
            after={"status": run.status, "reason": why},
            principal=Principal(sub=SYSTEM),
        )
    return len(rows)


def check_current(session: Session, run: PayrollRun) -> None:
    """Refuse (409) to approve ``run`` unless it is current (module rules)."""
    computed_at = run.computed_at
    if run.status == RunStatus.DRAFT and computed_at is not None:
        raise Conflict(
            "STALE_RUN",
            "the run went back to draft when a grade its payslips used changed (its audit "
            "log says which): compute it again",
        )
    if run.status != RunStatus.COMPUTED or computed_at is None:
        raise wrong_state(run, "approved")
    pending = _earlier_overlapping(session, run, col(PayrollRun.status) == RunStatus.COMPUTED)
    if pending is not None:
        raise Conflict(
            "EARLIER_MONTH_PENDING",
            f"the {run.year}-{pending:02d} run pays some of the same people and is not "
            "approved yet: approve it first, then compute this run again",
            month=pending,
        )
    changes = []
    approved_after = col(PayrollRun.status).in_([s.value for s in FROZEN]) & (
        col(PayrollRun.approved_at) > computed_at
    )
    month = _earlier_overlapping(session, run, approved_after)
    if month is not None:
        changes.append(f"the {run.year}-{month:02d} run was approved (the year so far)")
    standard = session.exec(
        select(StandardVersion.kind, StandardVersion.version)  # type: ignore[call-overload]
        .where(
            col(StandardVersion.kind).in_(PAYROLL_KINDS),
            col(StandardVersion.status) == StandardStatus.APPROVED,
            col(StandardVersion.approved_at) > computed_at,
            col(StandardVersion.effective_from) <= first_day(run),  # the day it computes on
        )
        .limit(1)
    ).first()
    if standard is not None:
        changes.append(f"standard {standard[0]} v{standard[1]} was approved")
    if changes:
        raise Conflict(
            "STALE_RUN",
            f"since the run was computed {'; '.join(changes)}: compute it again",
            changes=changes,
        )


def _earlier_overlapping(session: Session, run: PayrollRun, condition: Any) -> int | None:
    """The month of an earlier run of the year meeting ``condition`` that pays any of the
    people ``run`` pays (candidates first: usually there are none, and nothing is joined)."""
    candidates = session.exec(
        select(PayrollRun.id, PayrollRun.month)  # type: ignore[call-overload]
        .where(
            col(PayrollRun.year) == run.year,
            col(PayrollRun.month) < run.month,
            condition,
        )
        .order_by(col(PayrollRun.month))
    ).all()
    mine, theirs = aliased(Payslip), aliased(Payslip)
    for other_id, month in candidates:
        shared_person = exists().where(
            col(mine.run_id) == run.id,
            col(theirs.run_id) == other_id,
            col(theirs.staff_id) == col(mine.staff_id),
        )
        if session.connection().execute(select(shared_person)).scalar():
            return int(month)
    return None
