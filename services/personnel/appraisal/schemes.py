"""Appraisal schemes: editions of weights, scale, thresholds, vetoes and the 优秀 share
(flushes only; the request's unit of work commits)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.personnel.appraisal.models import AppraisalCycle, AppraisalScheme, CycleStatus
from services.personnel.appraisal.rules import DIMENSIONS
from services.personnel.appraisal.schemas import (
    SchemeCreate,
    SchemeFields,
    SchemePublic,
    Thresholds,
    Vetoes,
    Weights,
)
from shared.audit import AuditLog
from shared.changes import record_change, record_creation
from shared.concurrency import check_version
from shared.pagination import Page, PageParams, paginate
from shared.problems import Conflict, Invalid, NotFound
from shared.types import utcnow


def scheme_public(scheme: AppraisalScheme) -> SchemePublic:
    return SchemePublic(
        id=scheme.id,
        code=scheme.code,
        edition=scheme.edition,
        name=scheme.name,
        weights=Weights(**scheme.weights()),
        scale_min=scheme.scale_min,
        scale_max=scheme.scale_max,
        thresholds=Thresholds(
            excellent=scheme.excellent_min,
            competent=scheme.competent_min,
            basically_competent=scheme.basically_competent_min,
        ),
        vetoes=Vetoes(
            integrity_below=scheme.integrity_veto_below,
            penalty_caps_at=scheme.penalty_grade_cap,
        ),
        excellent_cap_percent=scheme.excellent_cap_percent,
        locked=scheme.locked,
        version=scheme.version,
    )


def _apply(scheme: AppraisalScheme, fields: dict[str, Any]) -> None:
    """Copy API fields (nested weights, thresholds, vetoes) onto the flat columns; a field
    left out or null keeps its value (inside ``vetoes`` a null switches that veto off)."""
    for name, value in fields.items():
        if value is None:
            continue
        if name == "weights":
            for d in DIMENSIONS:
                setattr(scheme, f"weight_{d}", value[d])
        elif name == "thresholds":
            scheme.excellent_min = value["excellent"]
            scheme.competent_min = value["competent"]
            scheme.basically_competent_min = value["basically_competent"]
        elif name == "vetoes":
            if "integrity_below" in value:
                scheme.integrity_veto_below = value["integrity_below"]
            if "penalty_caps_at" in value:
                cap = value["penalty_caps_at"]
                scheme.penalty_grade_cap = None if cap is None else str(cap)
        else:
            setattr(scheme, name, value)


def _check_rules(scheme: AppraisalScheme) -> None:
    problems = scheme.rules().problems()
    if problems:
        raise Invalid("INVALID_SCHEME", "; ".join(problems), errors=[{"msg": p} for p in problems])


def get_scheme(session: Session, scheme_id: uuid.UUID) -> AppraisalScheme:
    scheme = session.get(AppraisalScheme, scheme_id)
    if scheme is None:
        raise NotFound("appraisal_scheme", scheme_id)
    return scheme


def list_schemes(
    session: Session, params: PageParams, *, code: str | None = None
) -> Page[SchemePublic]:
    query = select(AppraisalScheme)
    if code is not None:
        query = query.where(AppraisalScheme.code == code)
    return paginate(
        session,
        query,
        params,
        col(AppraisalScheme.code),
        col(AppraisalScheme.edition).desc(),
        view=scheme_public,
    )


def _save_new_scheme(
    session: Session, audit: AuditLog, scheme: AppraisalScheme, action: str
) -> None:
    _check_rules(scheme)
    record_creation(
        session,
        audit,
        scheme,
        action=f"appraisal_scheme.{action}",
        resource_type="appraisal_scheme",
        after=scheme_public(scheme).model_dump(),
    )


def create_scheme(*, session: Session, audit: AuditLog, data: SchemeCreate) -> AppraisalScheme:
    taken = session.exec(select(AppraisalScheme).where(AppraisalScheme.code == data.code)).first()
    if taken is not None:
        raise Conflict(
            "SCHEME_CODE_TAKEN",
            f"scheme code {data.code!r} exists; add an edition to it instead",
        )
    scheme = AppraisalScheme(code=data.code, name=data.name)  # type: ignore[call-arg]
    _apply(scheme, data.model_dump(exclude={"code", "name"}))
    _save_new_scheme(session, audit, scheme, "create")
    return scheme


def create_edition(
    *, session: Session, audit: AuditLog, scheme_id: uuid.UUID, data: SchemeFields
) -> AppraisalScheme:
    """The next edition of a scheme's code: the given scheme with ``data`` applied."""
    source = get_scheme(session, scheme_id)
    last = session.exec(
        select(func.max(AppraisalScheme.edition)).where(AppraisalScheme.code == source.code)
    ).one()
    copied = source.model_dump(exclude={"id", "edition", "locked", "version"})
    scheme = AppraisalScheme(**{**copied, "created_at": utcnow(), "updated_at": utcnow()})
    scheme.edition = (last or 0) + 1
    _apply(scheme, data.model_dump(exclude_unset=True))
    _save_new_scheme(session, audit, scheme, "create_edition")
    return scheme


def update_scheme(
    *,
    session: Session,
    audit: AuditLog,
    scheme_id: uuid.UUID,
    data: SchemeFields,
    expected_version: int | None,
) -> AppraisalScheme:
    scheme = session.get(AppraisalScheme, scheme_id, with_for_update=True)
    if scheme is None:
        raise NotFound("appraisal_scheme", scheme_id)
    check_version("appraisal_scheme", scheme.version, expected_version)
    if scheme.locked:
        raise Conflict(
            "SCHEME_LOCKED",
            f"scheme {scheme.code} edition {scheme.edition} was used by a finalized cycle; "
            "create a new edition instead",
        )
    in_review = session.exec(
        select(AppraisalCycle.name).where(
            AppraisalCycle.scheme_id == scheme.id, AppraisalCycle.status != CycleStatus.OPEN
        )
    ).first()
    if in_review is not None:
        raise Conflict(
            "SCHEME_IN_REVIEW",
            f"cycle {in_review!r} was submitted under this edition; its rules cannot change "
            "under it (reopen the cycle, or create a new edition)",
        )
    before = scheme_public(scheme).model_dump()
    _apply(scheme, data.model_dump(exclude_unset=True))
    _check_rules(scheme)
    return record_change(
        session,
        audit,
        scheme,
        action="appraisal_scheme.update",
        resource_type="appraisal_scheme",
        before=before,
        after_view=lambda s: scheme_public(s).model_dump(),
    )
