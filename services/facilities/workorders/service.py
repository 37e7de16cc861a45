"""Raising, correcting and reading work orders, and their SLA clocks. Functions only flush.

Rules:
- an officer raises an order for a hazard (``hazard_id``) or a request; a unit liaison only
  requests, for its own unit (403 ``OUTSIDE_OWN_UNIT`` for another), a member of staff for
  themselves (their staff id is kept; a unit other than their own is refused the same way);
  a hazard names its hazard, a request none (422 ``SOURCE_MISMATCH``); only an officer
  raises for a hazard (403 ``OFFICERS_ONLY``);
- the SLA clocks start when the order is raised: respond (assign someone) within the
  priority's response hours, resolve (done) within its resolution hours; triage to another
  priority sets both deadlines again from the request's time;
- an order is corrected (``If-Match``) until its work is done (409 ``ORDER_CLOSED``).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from services.facilities.locations.service import PlaceSource
from services.facilities.sites import PLACE_FIELDS, checked, site_of
from services.facilities.workorders.access import order_in_scope, scope_condition
from services.facilities.workorders.models import (
    Priority,
    SlaPolicy,
    Source,
    Status,
    Step,
    WorkOrder,
)
from services.facilities.workorders.schemas import (
    SlaPolicyPublic,
    SlaPolicyUpdate,
    StepPublic,
    WorkOrderCreate,
    WorkOrderPublic,
    WorkOrderUpdate,
)
from shared.audit import AuditLog
from shared.changes import apply_update, record_creation
from shared.concurrency import check_version
from shared.context import Principal, actor
from shared.pagination import Page, PageParams, paginate
from shared.problems import Conflict, Forbidden, Invalid, NotFound
from shared.scope import RowScope, claim_uuid, outside_own_unit
from shared.types import utcnow

OFFICERS = ("facilities_officer", "security_officer")
CLOSED = (Status.DONE, Status.VERIFIED, Status.CANCELLED)
_STORED = tuple(name for name in WorkOrderPublic.model_fields if name != "total_cost")


def public(row: WorkOrder) -> WorkOrderPublic:
    values = {name: getattr(row, name) for name in _STORED}
    return WorkOrderPublic.model_validate({**values, "total_cost": row.total_cost})


def audited(row: WorkOrder) -> dict[str, Any]:
    data: dict[str, Any] = public(row).model_dump(mode="json", exclude={"version"})
    return data


def policy(session: Session, priority: Priority) -> SlaPolicy:
    row = session.get(SlaPolicy, priority)
    if row is None:  # the migration seeds one row a priority
        raise Conflict("NO_SLA_POLICY", f"no SLA policy for priority {priority}")
    return row


def deadlines(session: Session, priority: Priority, since: datetime) -> tuple[datetime, datetime]:
    """When the response and the resolution fall due for an order raised at ``since``."""
    clock = policy(session, priority)
    return (
        since + timedelta(hours=clock.response_hours),
        since + timedelta(hours=clock.resolution_hours),
    )


def _requester(principal: Principal, scope: RowScope, data: WorkOrderCreate) -> dict[str, Any]:
    """The unit and the staff id the order is raised for, by the rules of the caller's role."""
    own_staff = claim_uuid(principal.staff_id)
    if principal.has_any(*OFFICERS):
        return {"unit_id": data.unit_id, "requester_staff_id": own_staff}
    if data.source != Source.REQUEST:
        raise Forbidden("OFFICERS_ONLY", "only an officer raises an order for a hazard")
    if scope.unit_id is not None:  # a liaison: its unit's request
        unit = data.unit_id or scope.unit_id
        if unit != scope.unit_id:
            raise outside_own_unit(f"unit {unit} is not yours")
        return {"unit_id": unit, "requester_staff_id": scope.staff_id}
    own_unit = claim_uuid(principal.unit_id)
    if data.unit_id is not None and data.unit_id != own_unit:
        raise outside_own_unit(f"unit {data.unit_id} is not yours")
    return {"unit_id": data.unit_id or own_unit, "requester_staff_id": scope.staff_id}


def insert(
    session: Session,
    audit: AuditLog,
    *,
    fields: dict[str, Any],
    priority: Priority,
    status: Status = Status.REQUESTED,
    since: datetime | None = None,
    resolve_by: datetime | None = None,
) -> WorkOrder:
    """Stage a new order with its clocks and its first step, audited (``resolve_by``: a
    later resolution deadline than the priority's, as a plan's due day)."""
    now = since or utcnow()
    respond, resolve = deadlines(session, priority, now)
    if resolve_by is not None:
        resolve = max(resolve, resolve_by)
    by = actor()
    row = WorkOrder(
        **fields,
        priority=priority,
        status=status,
        requested_by=by,
        requested_at=now,
        response_due_at=respond,
        resolution_due_at=resolve,
        triaged_at=now if status == Status.TRIAGED else None,
    )
    record_creation(
        session, audit, row, action="work_order.create", resource_type="work_order",
        after=audited(row),
    )  # fmt: skip
    session.add(Step(work_order_id=row.id, to_status=Status.REQUESTED, at=now, by=by))
    if status != Status.REQUESTED:  # a plan's occurrence is raised triaged
        session.add(Step(work_order_id=row.id, from_status=Status.REQUESTED, to_status=status,
                         at=now, by=by))  # fmt: skip
    return row


def create(
    session: Session,
    audit: AuditLog,
    *,
    data: WorkOrderCreate,
    principal: Principal,
    scope: RowScope,
    places: PlaceSource,
) -> WorkOrder:
    if (data.source == Source.HAZARD) != (data.hazard_id is not None):
        raise Invalid(
            "SOURCE_MISMATCH", "an order for a hazard names its hazard_id, a request none"
        )
    who = _requester(principal, scope, data)
    fields = {
        "title": data.title,
        "description": data.description,
        "source": data.source,
        "hazard_id": data.hazard_id,
        **site_of(session, places, data),
        **who,
    }
    return insert(session, audit, fields=fields, priority=data.priority)


def update(
    session: Session,
    audit: AuditLog,
    order_id: uuid.UUID,
    *,
    data: WorkOrderUpdate,
    expected_version: int | None,
    places: PlaceSource,
) -> WorkOrder:
    row = order_in_scope(session, order_id, lock=True)
    if row.status in CLOSED:
        raise Conflict("ORDER_CLOSED", f"the order is {row.status}: it is no longer corrected")
    changes = data.model_dump(exclude_unset=True)
    if PLACE_FIELDS & changes.keys():
        site = {k: changes.get(k, getattr(row, k)) for k in PLACE_FIELDS}
        changes |= checked(session, places, site)
    return apply_update(
        session,
        audit,
        row,
        changes,
        resource_type="work_order",
        view=audited,
        expected_version=expected_version,
    )


def get(session: Session, order_id: uuid.UUID, scope: RowScope) -> WorkOrder:
    return order_in_scope(session, order_id, scope)


def list_orders(
    session: Session,
    params: PageParams,
    scope: RowScope,
    *,
    filters: dict[str, Any],
) -> Page[WorkOrderPublic]:
    """Orders, newest first, within the caller's scope; each filter given narrows them."""
    scope.check_filters(unit_id=filters.get("unit_id"))
    query = select(WorkOrder)
    limit = scope_condition(scope)
    if limit is not None:
        query = query.where(limit)
    for name, value in filters.items():
        if value is not None:
            query = query.where(getattr(WorkOrder, name) == value)
    return paginate(
        session, query, params, col(WorkOrder.requested_at).desc(), col(WorkOrder.id),
        view=public,
    )  # fmt: skip


def history(session: Session, order_id: uuid.UUID, scope: RowScope) -> Page[StepPublic]:
    order_in_scope(session, order_id, scope)
    steps = session.exec(
        select(Step).where(Step.work_order_id == order_id).order_by(col(Step.at), col(Step.id))
    ).all()
    order = {s: i for i, s in enumerate(Status)}
    ordered = sorted(steps, key=lambda s: (s.at, order[s.to_status]))
    return Page.whole([StepPublic.model_validate(s, from_attributes=True) for s in ordered])


def _policy_public(row: SlaPolicy) -> SlaPolicyPublic:
    return SlaPolicyPublic.model_validate(row, from_attributes=True)


def policies(session: Session) -> Page[SlaPolicyPublic]:
    order = {p: i for i, p in enumerate(Priority)}
    rows = sorted(session.exec(select(SlaPolicy)).all(), key=lambda r: order[r.priority])
    return Page.whole([_policy_public(r) for r in rows])


def update_policy(
    session: Session,
    audit: AuditLog,
    priority: Priority,
    *,
    data: SlaPolicyUpdate,
    expected_version: int | None,
) -> SlaPolicyPublic:
    """Change a priority's clocks (``If-Match``); orders raised afterwards follow them. The
    response comes before the resolution (422 ``CLOCKS_OUT_OF_ORDER``)."""
    row = session.get(SlaPolicy, priority, with_for_update=True)
    if row is None:
        raise NotFound("sla_policy", priority)
    check_version("sla policy", row.version, expected_version)
    before = _policy_public(row).model_dump(mode="json")
    for name, value in data.model_dump(exclude_unset=True).items():
        setattr(row, name, value)
    if row.response_hours > row.resolution_hours:
        raise Invalid("CLOCKS_OUT_OF_ORDER", "the response is due before the resolution")
    row.version += 1
    session.add(row)
    session.flush()
    after = _policy_public(row)
    audit.record(
        session, action="sla_policy.update", resource_type="sla_policy", resource_id=priority,
        before=before, after=after.model_dump(mode="json"),
    )  # fmt: skip
    return after
