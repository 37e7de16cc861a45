"""Preventive plans: create, correct, read. Functions only flush.

Rules: a plan recurs by months or by weeks, exactly one of them (422
``RECURRENCE_INVALID``), from a first due day at most five years back (422
``ANCHOR_TOO_EARLY``; ``DATE_OUT_OF_RANGE`` outside 1950–2200); its code is unique (409
``CODE_TAKEN``); a correction (``If-Match``) applies to the occurrences not raised yet, and
a plan made inactive raises none.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from services.facilities.days import in_range
from services.facilities.locations.service import PlaceSource
from services.facilities.preventive.models import Plan
from services.facilities.preventive.schemas import PlanCreate, PlanPublic, PlanUpdate
from services.facilities.sites import PLACE_FIELDS, checked, site_of
from shared.audit import AuditLog
from shared.changes import apply_update, record_creation
from shared.pagination import Page, PageParams, paginate
from shared.problems import Conflict, Invalid, NotFound
from shared.types import today


def public(row: Plan) -> PlanPublic:
    return PlanPublic.model_validate(row, from_attributes=True)


def _audited(row: Plan) -> dict[str, Any]:
    data: dict[str, Any] = public(row).model_dump(mode="json", exclude={"version"})
    return data


def _check(row: Plan) -> None:
    in_range(row.anchor_on, "anchor_on")
    if row.anchor_on < today() - timedelta(days=5 * 366):
        raise Invalid("ANCHOR_TOO_EARLY", "a plan's first due day is at most five years back")
    if (row.interval_months > 0) == (row.interval_weeks > 0):
        raise Invalid(
            "RECURRENCE_INVALID", "a plan recurs every interval_months or every interval_weeks"
        )


def get(session: Session, plan_id: uuid.UUID, *, lock: bool = False) -> Plan:
    row = session.get(Plan, plan_id, with_for_update=lock or None)
    if row is None:
        raise NotFound("preventive_plan", plan_id)
    return row


def create(session: Session, audit: AuditLog, *, data: PlanCreate, places: PlaceSource) -> Plan:
    row = Plan(**{**data.model_dump(), **site_of(session, places, data)})
    _check(row)
    if session.exec(select(Plan.id).where(Plan.code == data.code)).first() is not None:
        raise Conflict("CODE_TAKEN", f"plan {data.code} exists")
    return record_creation(
        session, audit, row, action="preventive_plan.create", resource_type="preventive_plan",
        after=_audited(row),
    )  # fmt: skip


def update(
    session: Session,
    audit: AuditLog,
    plan_id: uuid.UUID,
    *,
    data: PlanUpdate,
    expected_version: int | None,
    places: PlaceSource,
) -> Plan:
    row = get(session, plan_id, lock=True)
    changes = data.model_dump(exclude_unset=True)
    if PLACE_FIELDS & changes.keys():
        site = {k: changes.get(k, getattr(row, k)) for k in PLACE_FIELDS}
        changes |= checked(session, places, site)
    apply_update(
        session,
        audit,
        row,
        changes,
        resource_type="preventive_plan",
        view=_audited,
        expected_version=expected_version,
    )
    _check(row)
    return row


def list_plans(session: Session, params: PageParams, *, active: bool | None) -> Page[PlanPublic]:
    query = select(Plan)
    if active is not None:
        query = query.where(Plan.active == active)
    return paginate(session, query, params, col(Plan.code), view=public)
