"""A demo year of inspections (逐项排查) and the hazards they found, in every state.

For each compound handed over: a round on the first of each of the last eleven months, all
of its items answered (about 2 % defects, each a hazard) and completed; this month's round in
progress, answered now (the re-inspection that closes the hazards fixed meanwhile, by an
inspector who is not their fixer), and next month's round planned. Hazards are then assigned,
fixed and closed through the module's own rules, and the escalation run escalates what is
overdue. Everything goes through the services (rules and audit apply). The year is made
once: with rounds already there, nothing is added.
"""

from __future__ import annotations

import uuid
import zlib
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, func, select

from services.facilities.hazards import escalation, intake, service
from services.facilities.hazards.models import Hazard, HazardStatus
from services.facilities.hazards.schemas import HazardAssign, HazardClose, HazardFix
from services.facilities.inspections import service as inspections
from services.facilities.inspections.models import InspectionRound, Outcome
from services.facilities.inspections.schemas import AnswerBatch, AnswerIn, RoundCreate
from services.facilities.locations.demo import Compounds
from services.facilities.locations.service import KnownPlaces
from shared.audit import AuditLog
from shared.scope import RowScope
from shared.types import SHANGHAI, today, utcnow

EVERYTHING = RowScope(everything=True)
# two inspectors a round (staff ids of the demo, not checked against personnel)
INSPECTORS = (
    uuid.uuid5(uuid.NAMESPACE_URL, "aas-demo:inspector:wang"),
    uuid.uuid5(uuid.NAMESPACE_URL, "aas-demo:inspector:li"),
)
FIXER = uuid.uuid5(uuid.NAMESPACE_URL, "aas-demo:maintenance:zhao")
DEFECT_PERCENT = 2
BATCH = 500


def _roll(*parts: object) -> int:
    """A stable number 0–99 for these parts (the demo is the same on every machine)."""
    return zlib.crc32("|".join(map(str, parts)).encode()) % 100


def _months(day: date) -> list[date]:
    """The first of each month, from eleven months back to next month."""
    firsts = []
    year, month = day.year, day.month
    for back in range(11, -2, -1):
        m = month - back
        y = year + (m - 1) // 12
        firsts.append(date(y, (m - 1) % 12 + 1, 1))
    return firsts


def _post(session: Session, audit: AuditLog, round_id: uuid.UUID, answers: list[AnswerIn]) -> None:
    for start in range(0, len(answers), BATCH):
        batch = AnswerBatch(answers=answers[start : start + BATCH])
        intake.post_answers(session, audit, KnownPlaces(), round_id=round_id, batch=batch)


def _answers(
    session: Session,
    round_: InspectionRound,
    code: str,
    buildings: list[uuid.UUID],
    at: datetime,
    *,
    passing: set[str] = frozenset(),  # type: ignore[assignment]
    share: int = 100,
) -> list[AnswerIn]:
    """Answers to ``share`` % of the round's items; the items in ``passing`` answered ok."""
    answers = []
    items = sorted(inspections.round_items(session, round_).values(), key=lambda i: i.code)
    for n, item in enumerate(items):
        roll = _roll(code, round_.planned_on, item.code)
        if item.code not in passing and _roll("share", code, item.code) >= share:
            continue
        defect = item.code not in passing and roll < DEFECT_PERCENT
        building = buildings[roll % len(buildings)] if defect and buildings else None
        answers.append(
            AnswerIn(
                item_id=item.id,
                outcome=Outcome.DEFECT if defect else Outcome.OK,
                inspector_id=INSPECTORS[1] if item.code in passing else INSPECTORS[n % 2],
                answered_at=at + timedelta(seconds=n),
                note=f"{item.text}: not met" if defect else None,
                photos=[f"demo/{code}/{round_.planned_on}/{item.code}.jpg"] if defect else [],
                building_id=building,
            )
        )
    return answers


def _round(session: Session, audit: AuditLog, compound_id: uuid.UUID, day: date) -> InspectionRound:
    data = RoundCreate(compound_id=compound_id, planned_on=day, inspectors=list(INSPECTORS))
    made = inspections.create_round(session, audit, KnownPlaces(), data=data)
    return inspections.get_round(session, made.id)


def _lifecycle(
    session: Session,
    audit: AuditLog,
    units: list[uuid.UUID],
    bureau_member: tuple[uuid.UUID, uuid.UUID] | None,
) -> dict[uuid.UUID, set[str]]:
    """Assign about six hazards in ten, fix five in ten; those to close, by compound (their
    item codes), for this month's round to pass."""
    to_close: dict[uuid.UUID, set[str]] = {}
    hazards = session.exec(
        select(Hazard).order_by(col(Hazard.found_at), col(Hazard.item_code))
    ).all()
    for hazard in hazards:
        roll = _roll(hazard.compound_id, hazard.item_code, hazard.found_at.date())
        if roll >= 60:
            continue
        if bureau_member is not None and roll < 20:
            unit, person = bureau_member
        else:
            unit = units[roll % len(units)] if units else uuid.uuid5(uuid.NAMESPACE_URL, "unit")
            person = uuid.uuid5(uuid.NAMESPACE_URL, f"aas-demo:responsible:{roll}")
        service.assign(
            session,
            audit,
            EVERYTHING,
            hazard.id,
            data=HazardAssign(unit_id=unit, staff_id=person),
            expected_version=None,
        )
        if roll < 50:
            service.fix(
                session,
                audit,
                EVERYTHING,
                hazard.id,
                data=HazardFix(fixer_id=FIXER, note="Repaired by the maintenance team"),
                expected_version=None,
            )
        if roll < 35:
            to_close.setdefault(hazard.compound_id, set()).add(hazard.item_code)
    return to_close


def seed(
    session: Session,
    audit: AuditLog,
    compounds: Compounds,
    *,
    units: list[uuid.UUID],
    bureau_member: tuple[uuid.UUID, uuid.UUID] | None,
) -> bool:
    """The demo year, unless rounds exist already; True when it was made."""
    if session.exec(select(func.count()).select_from(InspectionRound)).one():
        return False
    *past, current, upcoming = _months(today())
    for compound_id, code, _, buildings in compounds:
        building_ids = [b for b, _, _ in buildings]
        for day in past:
            round_ = _round(session, audit, compound_id, day)
            inspections.start_round(session, audit, round_.id, None)
            at = datetime.combine(day, time(9, 30), SHANGHAI)
            _post(session, audit, round_.id, _answers(session, round_, code, building_ids, at))
            inspections.complete_round(session, audit, round_.id, None)
    to_close = _lifecycle(session, audit, units, bureau_member)
    for compound_id, code, _, buildings in compounds:
        round_ = _round(session, audit, compound_id, current)
        inspections.start_round(session, audit, round_.id, None)
        passing = to_close.get(compound_id, set())
        answers = _answers(
            session, round_, code, [b for b, _, _ in buildings], utcnow(), passing=passing, share=75
        )
        _post(session, audit, round_.id, answers)
        for hazard in session.exec(
            select(Hazard).where(
                Hazard.compound_id == compound_id,
                Hazard.status == HazardStatus.FIXED,
                col(Hazard.item_code).in_(passing),
            )
        ).all():
            service.close(
                session,
                audit,
                EVERYTHING,
                hazard.id,
                data=HazardClose(round_id=round_.id),
                expected_version=None,
            )
        _round(session, audit, compound_id, upcoming)
    escalation.run(session, audit)
    return True
