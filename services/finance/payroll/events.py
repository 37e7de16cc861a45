"""Grades from personnel through the inbox: ``grade.revised`` and ``grade.finalized`` make
arrears or recoveries for months already paid (``arrears``). The inbox applies an event id
once; each adjustment's unique source key makes a repeated fact count once whatever its id."""

from __future__ import annotations

from sqlmodel import Session

from services.finance.payroll import arrears
from shared.app import Platform
from shared.inbox import EventEnvelope, payload_as
from shared.problems import Forbidden

GRADE_REVISED = "grade.revised"
GRADE_FINALIZED = "grade.finalized"
SOURCES = frozenset({"personnel"})


def _from_personnel(event: EventEnvelope) -> None:
    if event.source not in SOURCES:
        raise Forbidden("NOT_A_GRADE_SOURCE", f"{event.source} does not report grades")


def subscribe(platform: Platform) -> None:
    @platform.inbox.handler(GRADE_REVISED)
    def on_revised(session: Session, event: EventEnvelope) -> None:
        _from_personnel(event)
        arrears.on_revised(session, platform.audit, payload_as(event, arrears.GradeRevised))

    @platform.inbox.handler(GRADE_FINALIZED)
    def on_finalized(session: Session, event: EventEnvelope) -> None:
        _from_personnel(event)
        arrears.on_finalized(session, platform.audit, payload_as(event, arrears.GradeFinalized))
