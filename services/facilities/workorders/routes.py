"""Routes of the work orders (维修工单): requests, the steps of the work, costs, SLA."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Query, Response, status
from pydantic import AwareDatetime, BaseModel

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


def _step_route(
    step: str,
    decide: Callable[..., WorkOrder],
    schema: type[BaseModel],
    dependencies: list[Any],
    doc: str,
) -> None:
    """``POST /work-orders/{order_id}/<step>``, handler ``<step>_work_order``: one step of the
    order's life (``decisions.<step>``) with its ``schema`` body and ``If-Match``, answered
    with the order and its ``ETag``. Every step has this one shape; only the body, the rule
    and who may take it differ."""

    def handler(
        session: SessionDep, audit: AuditDep, order_id: uuid.UUID, body: Any,
        response: Response, expected: ExpectedVersion,
    ) -> WorkOrderPublic:  # fmt: skip
        row = decide(session, audit, order_id, data=body, expected_version=expected)
        return _answer(row, response)

    handler.__name__ = handler.__qualname__ = f"{step}_work_order"  # names the operation id
    handler.__doc__ = doc
    handler.__annotations__["body"] = schema  # the body FastAPI validates and documents
    router.post(f"/work-orders/{{order_id}}/{step}", dependencies=dependencies)(handler)


# the steps in the order of an order's life: the rule taking it, its body, who, what it does
for _step in (
    ("triage", decisions.triage, Triage, manage_upkeep,
     "Set the priority (a new one resets the SLA deadlines from the request's time)."),
    ("assign", decisions.assign, Assignment, manage_upkeep,
     "Give a triaged order to someone (or an assigned one to someone else)."),
    ("start", decisions.start, StepNote, manage_upkeep, "The work begins."),
    ("complete", decisions.complete, StepNote, manage_upkeep,
     "The work is done (the caller is recorded as having done it)."),
    ("verify", decisions.verify, StepNote, verify_work,
     "Check the work done, never by whoever did it or was assigned it."),
    ("cancel", decisions.cancel, Cancellation, manage_upkeep,
     "Cancel an order not yet at work, saying why."),
):  # fmt: skip
    _step_route(*_step)


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
