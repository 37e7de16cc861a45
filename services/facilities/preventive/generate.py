"""The generator: raises the work order of every occurrence of every active plan whose
raising day (due day less lead days) is on or before ``until``, exactly once.

An occurrence is (plan, due day). The generator reads the due days already raised and
inserts only the missing ones, holding the plan's row locked meanwhile so two generators
running side by side take turns; ``facilities_work_order``'s unique ``(plan_id, due_on)`` is
the last guard. Run twice, the second run raises nothing; run late, it catches up every
occurrence missed since the anchor. Orders are raised triaged, at the plan's priority; their
resolution is due by the end of the due day at the latest (later when the priority's clock
runs longer). ``until`` is at most a year ahead (422 ``UNTIL_TOO_FAR``).

Callable outside a request: ``run(session, audit, until=…)`` from a worker or the demo.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from services.facilities.preventive.models import Plan
from services.facilities.preventive.schemas import GenerationReceipt
from services.facilities.sites import SITE_FIELDS
from services.facilities.workorders import service as orders
from services.facilities.workorders.models import Source, Status, WorkOrder
from shared.audit import AuditLog
from shared.problems import Invalid
from shared.types import SHANGHAI, today

HORIZON = timedelta(days=366)


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` months, on the same day of the month or the month's last."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_days(plan: Plan, until: date) -> Iterator[date]:
    """The plan's due days, from its anchor, whose raising day is on or before ``until``."""
    k = 0
    while True:
        if plan.interval_months:
            due = add_months(plan.anchor_on, k * plan.interval_months)
        else:
            due = plan.anchor_on + timedelta(weeks=k * plan.interval_weeks)
        if due - timedelta(days=plan.lead_days) > until:
            return
        yield due
        k += 1


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), SHANGHAI).astimezone(UTC)


def raise_missing(session: Session, audit: AuditLog, plan: Plan, until: date) -> tuple[int, int]:
    """Raise the plan's missing occurrences up to ``until``: (created, already there)."""
    locked = session.get(Plan, plan.id, with_for_update=True, populate_existing=True)
    assert locked is not None
    raised = set(session.exec(select(col(WorkOrder.due_on)).where(WorkOrder.plan_id == plan.id)))
    created = existing = 0
    for due in due_days(locked, until):
        if due in raised:
            existing += 1
            continue
        fields = {
            "title": f"{locked.title} (due {due.isoformat()})",
            "description": locked.description,
            "source": Source.PREVENTIVE,
            "plan_id": locked.id,
            "due_on": due,
            "unit_id": locked.unit_id,
            **{name: getattr(locked, name) for name in SITE_FIELDS},
        }
        orders.insert(session, audit, fields=fields, priority=locked.priority,
                      status=Status.TRIAGED, resolve_by=_end_of(due))  # fmt: skip
        created += 1
    return created, existing


def run(session: Session, audit: AuditLog, *, until: date) -> GenerationReceipt:
    if until > today() + HORIZON:
        raise Invalid("UNTIL_TOO_FAR", "occurrences are raised at most a year ahead")
    plans = session.exec(select(Plan).where(col(Plan.active).is_(True)).order_by(col(Plan.code)))
    receipt = GenerationReceipt(until=until, plans=0, created=0, existing=0)
    for plan in list(plans):
        created, existing = raise_missing(session, audit, plan, until)
        receipt.plans += 1
        receipt.created += created
        receipt.existing += existing
    session.flush()
    return receipt
