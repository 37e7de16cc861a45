"""Appraisal cycles up to review: create, change, submit, review, reopen (flushes only; the
request's unit of work commits). Schemes are in ``schemes.py``, scores in ``scoring.py``,
finalization in ``finalization.py``; revisions of results in ``appraisal_results``."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlmodel import Session, col, select

from services.personnel.appraisal.models import (
    AppraisalCycle,
    AppraisalCycleUnit,
    AppraisalScheme,
    AppraisalScore,
    CycleKind,
    CycleStatus,
)
from services.personnel.appraisal.rules import DIMENSIONS
from services.personnel.appraisal.schemas import CycleCreate, CyclePublic, CycleUpdate, from_row
from services.personnel.organisation.models import Unit, UnitKind
from shared.audit import AuditLog
from shared.changes import touch
from shared.concurrency import check_version
from shared.pagination import Page, PageParams, fetch_page
from shared.problems import Conflict, Invalid, NotFound

MAX_DAYS = {
    CycleKind.MONTHLY: 31,
    CycleKind.QUARTERLY: 92,
    CycleKind.HALF_YEAR: 184,
    CycleKind.ANNUAL: 366,
}


def cycle_units(
    session: Session, cycle_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    rows = session.exec(
        select(AppraisalCycleUnit).where(col(AppraisalCycleUnit.cycle_id).in_(set(cycle_ids)))
    )
    found: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    for row in rows:
        found[row.cycle_id].append(row.unit_id)
    return {k: sorted(v, key=str) for k, v in found.items()}


def cycle_public(cycle: AppraisalCycle, unit_ids: list[uuid.UUID]) -> CyclePublic:
    return from_row(CyclePublic, cycle, unit_ids=unit_ids)


def get_cycle(session: Session, cycle_id: uuid.UUID, *, lock: str | None = None) -> AppraisalCycle:
    """The cycle; ``lock`` "update" or "share" holds its row to the end of the transaction
    (PostgreSQL; SQLite's writing transactions are serialised anyway)."""
    query = select(AppraisalCycle).where(AppraisalCycle.id == cycle_id)
    if lock is not None:
        query = query.with_for_update(read=lock == "share")
    cycle = session.exec(query).first()
    if cycle is None:
        raise NotFound("appraisal_cycle", cycle_id)
    return cycle


def list_cycles(
    session: Session,
    params: PageParams,
    *,
    year: int | None = None,
    kind: CycleKind | None = None,
    status: CycleStatus | None = None,
    unit_id: uuid.UUID | None = None,
) -> Page[CyclePublic]:
    query = select(AppraisalCycle)
    if year is not None:
        query = query.where(AppraisalCycle.year == year)
    if kind is not None:
        query = query.where(AppraisalCycle.kind == kind)
    if status is not None:
        query = query.where(AppraisalCycle.status == status)
    if unit_id is not None:
        query = query.where(
            col(AppraisalCycle.id).in_(
                select(AppraisalCycleUnit.cycle_id).where(AppraisalCycleUnit.unit_id == unit_id)
            )
        )
    cycles, total = fetch_page(
        session, query, params, col(AppraisalCycle.period_start).desc(), col(AppraisalCycle.id)
    )
    units = cycle_units(session, [c.id for c in cycles])
    return Page.of([cycle_public(c, units.get(c.id, [])) for c in cycles], total, params)


def _check_units(session: Session, unit_ids: list[uuid.UUID]) -> None:
    wanted = set(unit_ids)
    units = session.exec(select(Unit).where(col(Unit.id).in_(wanted))).all()
    unknown = wanted - {u.id for u in units}
    if unknown:
        raise Invalid(
            "UNKNOWN_UNIT",
            f"units do not exist: {', '.join(sorted(map(str, unknown)))}",
            unit_ids=sorted(map(str, unknown)),
        )
    sections = [u.code for u in units if u.kind != UnitKind.BUDGET_UNIT]
    if sections:
        raise Invalid(
            "NOT_A_BUDGET_UNIT",
            f"a cycle covers budget units, and their sections with them: {', '.join(sections)}",
        )


def _check_period(data: CycleCreate) -> None:
    start, end = data.period_start, data.period_end
    if end < start:
        raise Invalid("INVALID_PERIOD", "period_end is before period_start")
    if start.year != end.year:
        raise Invalid("INVALID_PERIOD", "a cycle's period lies within one year")
    if (end - start).days + 1 > MAX_DAYS[data.kind]:
        raise Invalid(
            "INVALID_PERIOD",
            f"a {data.kind} cycle lasts at most {MAX_DAYS[data.kind]} days",
        )


def cycle_out(session: Session, cycle: AppraisalCycle) -> CyclePublic:
    return cycle_public(cycle, cycle_units(session, [cycle.id]).get(cycle.id, []))


def _audit_cycle(
    session: Session, audit: AuditLog, action: str, cycle: AppraisalCycle, before: Any = None
) -> CyclePublic:
    after = cycle_out(session, cycle)
    audit.record(
        session,
        action=f"appraisal_cycle.{action}",
        resource_type="appraisal_cycle",
        resource_id=cycle.id,
        before=before,
        after=after.model_dump(),
    )
    return after


def _audit_change(
    session: Session, audit: AuditLog, action: str, cycle: AppraisalCycle, before: Any
) -> CyclePublic:
    """A change of a cycle: a new version, audited as the cycle shows with it."""
    touch(cycle)
    session.add(cycle)
    session.flush()
    return _audit_cycle(session, audit, action, cycle, before)


def _check_no_overlap(
    session: Session,
    kind: CycleKind,
    start: Any,
    end: Any,
    unit_ids: Iterable[uuid.UUID],
    *,
    ignore: uuid.UUID | None = None,
) -> None:
    """Two cycles of one kind never cover the same unit on the same day: a person would get
    two contradictory grades for one period."""
    query = (
        select(AppraisalCycle.id, AppraisalCycle.name, AppraisalCycleUnit.unit_id)
        .join(AppraisalCycleUnit, col(AppraisalCycleUnit.cycle_id) == AppraisalCycle.id)
        .where(
            AppraisalCycle.kind == kind,
            col(AppraisalCycle.period_start) <= end,
            col(AppraisalCycle.period_end) >= start,
            col(AppraisalCycleUnit.unit_id).in_(set(unit_ids)),
        )
    )
    clashes = [row for row in session.exec(query) if row[0] != ignore]
    if clashes:
        raise Conflict(
            "CYCLE_OVERLAPS",
            f"a {kind} cycle already covers some of these units in this period: {clashes[0][1]}",
            cycle_ids=sorted({str(c[0]) for c in clashes}),
            unit_ids=sorted({str(c[2]) for c in clashes}),
        )


def create_cycle(*, session: Session, audit: AuditLog, data: CycleCreate) -> CyclePublic:
    _check_period(data)
    if session.get(AppraisalScheme, data.scheme_id) is None:
        raise Invalid("UNKNOWN_SCHEME", f"appraisal scheme {data.scheme_id} does not exist")
    _check_units(session, data.unit_ids)
    _check_no_overlap(session, data.kind, data.period_start, data.period_end, data.unit_ids)
    cycle = AppraisalCycle(**data.model_dump(exclude={"unit_ids"}), year=data.period_start.year)
    session.add(cycle)
    session.flush()
    for unit_id in set(data.unit_ids):
        session.add(AppraisalCycleUnit(cycle_id=cycle.id, unit_id=unit_id))
    session.flush()
    return _audit_cycle(session, audit, "create", cycle)


def require_status(cycle: AppraisalCycle, *allowed: CycleStatus) -> None:
    if cycle.status in allowed:
        return
    if cycle.status == CycleStatus.FINALIZED:
        raise Conflict(
            "CYCLE_FINALIZED",
            f"cycle {cycle.id} is finalized: change a result by a revision with a reason",
        )
    raise Conflict(
        "CYCLE_WRONG_STATUS",
        f"cycle {cycle.id} is {cycle.status}; this needs {' or '.join(allowed)}",
        current_status=cycle.status,
    )


def update_cycle(
    *,
    session: Session,
    audit: AuditLog,
    cycle_id: uuid.UUID,
    data: CycleUpdate,
    expected_version: int | None,
) -> CyclePublic:
    """Rename a cycle or change its units while it is open."""
    cycle = get_cycle(session, cycle_id, lock="update")
    check_version("appraisal_cycle", cycle.version, expected_version)
    require_status(cycle, CycleStatus.OPEN)
    current = cycle_units(session, [cycle.id]).get(cycle.id, [])
    before = cycle_public(cycle, current).model_dump()
    if data.name is not None:
        cycle.name = data.name
    if data.unit_ids is not None:
        _check_units(session, data.unit_ids)
        _check_no_overlap(
            session,
            CycleKind(cycle.kind),
            cycle.period_start,
            cycle.period_end,
            data.unit_ids,
            ignore=cycle.id,
        )
        dropped = set(current) - set(data.unit_ids)
        scored = session.exec(
            select(AppraisalScore.unit_id).where(
                AppraisalScore.cycle_id == cycle.id, col(AppraisalScore.unit_id).in_(dropped)
            )
        ).first()
        if scored is not None:
            raise Conflict(
                "UNIT_HAS_SCORES", f"unit {scored} has scores in this cycle; it cannot leave it"
            )
        for unit_id in dropped:
            row = session.get(AppraisalCycleUnit, (cycle.id, unit_id))
            session.delete(row)
        for unit_id in set(data.unit_ids) - set(current):
            session.add(AppraisalCycleUnit(cycle_id=cycle.id, unit_id=unit_id))
    return _audit_change(session, audit, "update", cycle, before)


def _incomplete(session: Session, cycle_id: uuid.UUID) -> list[str]:
    scores = session.exec(select(AppraisalScore).where(AppraisalScore.cycle_id == cycle_id))
    return sorted(str(s.staff_id) for s in scores if len(s.entered()) < len(DIMENSIONS))


TRANSITIONS = {
    "submit": ((CycleStatus.OPEN,), CycleStatus.SUBMITTED),
    "review": ((CycleStatus.SUBMITTED,), CycleStatus.REVIEWED),
    "reopen": ((CycleStatus.SUBMITTED, CycleStatus.REVIEWED), CycleStatus.OPEN),
}


def transition(
    *,
    session: Session,
    audit: AuditLog,
    cycle_id: uuid.UUID,
    action: str,
    expected_version: int | None,
) -> CyclePublic:
    """submit (open → submitted: every scored person has all six scores), review
    (submitted → reviewed) or reopen (submitted/reviewed → open, to correct scores)."""
    sources, target = TRANSITIONS[action]
    cycle = get_cycle(session, cycle_id, lock="update")
    check_version("appraisal_cycle", cycle.version, expected_version)
    require_status(cycle, *sources)
    if action == "submit":
        incomplete = _incomplete(session, cycle.id)
        if incomplete:
            raise Conflict(
                "INCOMPLETE_SCORES",
                f"{len(incomplete)} staff lack scores in some dimensions",
                staff_ids=incomplete,
            )
    before = {"status": cycle.status}
    cycle.status = target
    return _audit_change(session, audit, action, cycle, before)
