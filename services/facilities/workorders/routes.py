"""Routes of the work orders (维修工单): requests, the steps of the work, costs, SLA."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Query, Response, status
from pydantic import AwareDatetime

from services.facilities.locations.deps import PlacesDep
from services.facilities.roles import (
    DIRECTOR,
    FACILITIES_OFFICER,
    ScopeDep,
    manage_upkeep,
    raise_requests,
    read_scoped,
    read_wide,
)
from services.facilities.workorders import costs, decisions, service, sla
from services.facilities.workorders.models import Priority, Source, Status, WorkOrder
from services.facilities.workorders.schemas import (
    Assignment,
    Cancellation,
    Costs,
    LabourCreate,
    LabourPublic,
    MaterialCreate,
    MaterialPublic,
    SlaPolicyPublic,
    SlaPolicyUpdate,
    SlaReport,
    StepNote,
    StepPublic,
    Triage,
    WorkOrderCreate,
    WorkOrderPublic,
    WorkOrderUpdate,
)
from shared.audit import AuditDep
from shared.auth import CurrentPrincipal, require_roles
from shared.concurrency import ExpectedVersion, etag
from shared.db import SessionDep
from shared.idempotency import IdempotentDep
from shared.pagination import Page, PageDep
from shared.routing import Router
from shared.types import utcnow

router = Router(tags=["work orders"])
# verification is a second person's check: another facilities officer, or a director
verify_work = [Depends(require_roles(FACILITIES_OFFICER, DIRECTOR))]


def _answer(row: WorkOrder, response: Response) -> WorkOrderPublic:
    response.headers["ETag"] = etag(row.version)
    return service.public(row)


@router.get("/work-orders", dependencies=read_scoped)
def list_work_orders(
    session: SessionDep,
    params: PageDep,
    scope: ScopeDep,
    status: Status | None = None,
    priority: Priority | None = None,
    source: Source | None = None,
    unit_id: uuid.UUID | None = None,
    building_id: uuid.UUID | None = None,
    plan_id: uuid.UUID | None = None,
    hazard_id: uuid.UUID | None = None,
) -> Page[WorkOrderPublic]:
    """Orders, newest first: a liaison sees its unit's, staff the ones they requested."""
    filters = {"status": status, "priority": priority, "source": source, "unit_id": unit_id,
               "building_id": building_id, "plan_id": plan_id, "hazard_id": hazard_id}  # fmt: skip
    return service.list_orders(session, params, scope, filters=filters)


@router.post(
    "/work-orders",
    status_code=status.HTTP_201_CREATED,
    dependencies=raise_requests,
    response_model=WorkOrderPublic,
)
def raise_work_order(
    session: SessionDep,
    audit: AuditDep,
    principal: CurrentPrincipal,
    scope: ScopeDep,
    places: PlacesDep,
    body: WorkOrderCreate,
    idem: IdempotentDep,
) -> Response:
    """Raise a request (a liaison for its unit, staff for themselves) or, as an officer, an
    order for a hazard; its SLA clocks start now. Send an ``Idempotency-Key`` to make a
    retry safe (a mobile client's request sent again is answered as the first time)."""
    if (replay := idem.replayed(session)) is not None:
        return replay
    row = service.create(session, audit, data=body, principal=principal, scope=scope, places=places)
    content = service.public(row).model_dump(mode="json")
    headers = {"Location": f"/work-orders/{row.id}", "ETag": etag(row.version)}
    return idem.respond(session, content, 201, headers=headers)


@router.get("/work-orders/sla-report", dependencies=read_wide)
def sla_report(
    session: SessionDep,
    as_of: AwareDatetime | None = None,
    since: Annotated[
        AwareDatetime | None, Query(description="done orders from then (default 30 days)")
    ] = None,
) -> SlaReport:
    """Per priority, the orders open and those that breached a clock or are at risk."""
    return sla.report(session, as_of=as_of or utcnow(), since=since)


@router.get("/sla-policies", dependencies=read_wide)
def list_sla_policies(session: SessionDep) -> Page[SlaPolicyPublic]:
    """The response and resolution hours of each priority."""
    return service.policies(session)


@router.patch("/sla-policies/{priority}", dependencies=manage_upkeep)
def update_sla_policy(
    session: SessionDep,
    audit: AuditDep,
    priority: Priority,
    body: SlaPolicyUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> SlaPolicyPublic:
    """Change a priority's clocks (``If-Match``); orders raised from now on follow them."""
    row = service.update_policy(session, audit, priority, data=body, expected_version=expected)
    response.headers["ETag"] = etag(row.version)
    return row


@router.get("/work-orders/{order_id}", dependencies=read_scoped)
def get_work_order(
    session: SessionDep, scope: ScopeDep, order_id: uuid.UUID, response: Response
) -> WorkOrderPublic:
    """One order with its costs so far (``ETag`` carries its version)."""
    return _answer(service.get(session, order_id, scope), response)


@router.patch("/work-orders/{order_id}", dependencies=manage_upkeep)
def update_work_order(
    session: SessionDep,
    audit: AuditDep,
    places: PlacesDep,
    order_id: uuid.UUID,
    body: WorkOrderUpdate,
    response: Response,
    expected: ExpectedVersion,
) -> WorkOrderPublic:
    """Correct the title, description or place (``If-Match``) until the work is done."""
    row = service.update(
        session, audit, order_id, data=body, expected_version=expected, places=places
    )
    return _answer(row, response)


@router.get("/work-orders/{order_id}/history", dependencies=read_scoped)
def work_order_history(
    session: SessionDep, scope: ScopeDep, order_id: uuid.UUID
) -> Page[StepPublic]:
    """Every change of state, when, by whom, with its note."""
    return service.history(session, order_id, scope)


@router.post("/work-orders/{order_id}/triage", dependencies=manage_upkeep)
def triage_work_order(
    session: SessionDep, audit: AuditDep, order_id: uuid.UUID, body: Triage,
    response: Response, expected: ExpectedVersion,
) -> WorkOrderPublic:  # fmt: skip
    """Set the priority (a new one resets the SLA deadlines from the request's time)."""
    row = decisions.triage(session, audit, order_id, data=body, expected_version=expected)
    return _answer(row, response)


@router.post("/work-orders/{order_id}/assign", dependencies=manage_upkeep)
def assign_work_order(
    session: SessionDep, audit: AuditDep, order_id: uuid.UUID, body: Assignment,
    response: Response, expected: ExpectedVersion,
) -> WorkOrderPublic:  # fmt: skip
    """Give a triaged order to someone (or an assigned one to someone else)."""
    row = decisions.assign(session, audit, order_id, data=body, expected_version=expected)
    return _answer(row, response)


@router.post("/work-orders/{order_id}/start", dependencies=manage_upkeep)
def start_work_order(
    session: SessionDep, audit: AuditDep, order_id: uuid.UUID, body: StepNote,
    response: Response, expected: ExpectedVersion,
) -> WorkOrderPublic:  # fmt: skip
    """The work begins."""
    row = decisions.start(session, audit, order_id, data=body, expected_version=expected)
    return _answer(row, response)


@router.post("/work-orders/{order_id}/complete", dependencies=manage_upkeep)
def complete_work_order(
    session: SessionDep, audit: AuditDep, order_id: uuid.UUID, body: StepNote,
    response: Response, expected: ExpectedVersion,
) -> WorkOrderPublic:  # fmt: skip
    """The work is done (the caller is recorded as having done it)."""
    row = decisions.complete(session, audit, order_id, data=body, expected_version=expected)
    return _answer(row, response)


@router.post("/work-orders/{order_id}/verify", dependencies=verify_work)
def verify_work_order(
    session: SessionDep, audit: AuditDep, order_id: uuid.UUID, body: StepNote,
    response: Response, expected: ExpectedVersion,
) -> WorkOrderPublic:  # fmt: skip
    """Check the work done, never by whoever did it or was assigned it."""
    row = decisions.verify(session, audit, order_id, data=body, expected_version=expected)
    return _answer(row, response)


@router.post("/work-orders/{order_id}/cancel", dependencies=manage_upkeep)
def cancel_work_order(
    session: SessionDep, audit: AuditDep, order_id: uuid.UUID, body: Cancellation,
    response: Response, expected: ExpectedVersion,
) -> WorkOrderPublic:  # fmt: skip
    """Cancel an order not yet at work, saying why."""
    row = decisions.cancel(session, audit, order_id, data=body, expected_version=expected)
    return _answer(row, response)


@router.get("/work-orders/{order_id}/costs", dependencies=read_scoped)
def work_order_costs(session: SessionDep, scope: ScopeDep, order_id: uuid.UUID) -> Costs:
    """The labour and materials recorded, and the order's total cost."""
    return costs.costs(session, order_id, scope)


@router.post(
    "/work-orders/{order_id}/labour",
    status_code=status.HTTP_201_CREATED,
    dependencies=manage_upkeep,
)
def add_labour(
    session: SessionDep, audit: AuditDep, order_id: uuid.UUID, body: LabourCreate
) -> LabourPublic:
    """Hours worked on an assigned, started or done order."""
    return costs.add_labour(session, audit, order_id, data=body)


@router.post(
    "/work-orders/{order_id}/materials",
    status_code=status.HTTP_201_CREATED,
    dependencies=manage_upkeep,
)
def add_material(
    session: SessionDep, audit: AuditDep, order_id: uuid.UUID, body: MaterialCreate
) -> MaterialPublic:
    """Material used on an assigned, started or done order."""
    return costs.add_material(session, audit, order_id, data=body)
