"""The SLA report: which orders breached a clock, and which are about to.

Each order has two clocks from its request: the response (stopped when someone is
assigned) and the resolution (stopped when the work is done). A clock stopped by its
deadline is ``met``, stopped or still running past it ``breached``; one still running in the
last quarter of its allowance is ``at_risk``, earlier ``running``. The report covers the
orders open at ``as_of`` and those done since ``since`` (default 30 days before): totals per
priority, and every order breached or at risk, oldest request first. Cancelled orders do not
count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlmodel import Session, col, select

from services.facilities.days import in_range
from services.facilities.workorders.models import Priority, Status, WorkOrder
from services.facilities.workorders.schemas import ClockState, SlaReport, SlaRow, SlaTotals

OPEN = (Status.REQUESTED, Status.TRIAGED, Status.ASSIGNED, Status.IN_PROGRESS)
AT_RISK_SHARE = 0.25  # the last quarter of a clock's allowance


def clock(
    started: datetime, due: datetime, stopped: datetime | None, as_of: datetime
) -> ClockState:
    """The state of one clock at ``as_of``."""
    if stopped is not None and stopped <= as_of:
        return "met" if stopped <= due else "breached"
    if as_of > due:
        return "breached"
    if due - as_of <= (due - started) * AT_RISK_SHARE:
        return "at_risk"
    return "running"


def report(session: Session, *, as_of: datetime, since: datetime | None = None) -> SlaReport:
    in_range(as_of, "as_of")
    in_range(since, "since")
    since = since or as_of - timedelta(days=30)
    rows = session.exec(
        select(WorkOrder)
        .where(
            col(WorkOrder.requested_at) <= as_of,
            col(WorkOrder.status) != Status.CANCELLED,
            or_(
                col(WorkOrder.done_at).is_(None),
                col(WorkOrder.done_at) > as_of,
                col(WorkOrder.done_at) >= since,
            ),
        )
        .order_by(col(WorkOrder.requested_at), col(WorkOrder.id))
    ).all()
    totals = {p: SlaTotals(priority=p, open=0, response_breached=0, resolution_breached=0,
                           at_risk=0) for p in Priority}  # fmt: skip
    listed: list[SlaRow] = []
    for row in rows:
        response = clock(row.requested_at, row.response_due_at, row.assigned_at, as_of)
        resolution = clock(row.requested_at, row.resolution_due_at, row.done_at, as_of)
        total = totals[row.priority]
        is_open = row.done_at is None or row.done_at > as_of
        total.open += is_open
        total.response_breached += response == "breached"
        total.resolution_breached += resolution == "breached"
        risky = "at_risk" in (response, resolution)
        total.at_risk += risky
        if risky or "breached" in (response, resolution):
            listed.append(
                SlaRow(work_order_id=row.id, title=row.title, priority=row.priority,
                       status=row.status, requested_at=row.requested_at,
                       response_due_at=row.response_due_at,
                       resolution_due_at=row.resolution_due_at, response=response,
                       resolution=resolution)
            )  # fmt: skip
    return SlaReport(as_of=as_of, totals=list(totals.values()), orders=listed)
