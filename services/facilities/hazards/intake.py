"""Answers posted in batches (a mobile client's, perhaps offline for days, perhaps twice),
and the hazards their defects raise.

Rules:
- the round is in progress (409 ``ROUND_NOT_STARTED`` / ``ROUND_COMPLETED``);
- every item is one of the round's (422 ``UNKNOWN_ITEM``), every inspector one of its
  inspectors (422 ``NOT_AN_INSPECTOR``), no answer is dated more than five minutes ahead
  (422 ``FUTURE_ANSWER``) nor before the round's day (422 ``ANSWER_BEFORE_ROUND``);
- a defect says what is wrong (422 ``DEFECT_WITHOUT_NOTE``); a building or room named must
  lie in the round's compound and, for a round of some buildings, in one of them
  (``locations``, then 422 ``LOCATION_OUTSIDE_ROUND``);
- an answer is keyed by its round and item. Posting the very same answer again changes
  nothing (counted as ``repeated``); a different answer for an item already answered, or two
  different answers for one item in a batch, is 409 ``ANSWER_CONFLICT`` and the batch keeps
  nothing: an answer is corrected by a new round, never overwritten (no last-write-wins);
- each new defect raises one hazard: its severity the answer's (else the item's), its risk
  category the checklist's, due after the period in force for its severity, and its
  responsible unit the room's budget unit when assets names one.
A refused batch keeps nothing. Answers and hazards are written with ``shared.bulk``.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col
from sqlmodel import select as select_models

from services.facilities.hazards.models import Hazard, HazardStatus
from services.facilities.hazards.rules import DuePeriods
from services.facilities.inspections.models import (
    Answer,
    ChecklistItem,
    ChecklistTemplate,
    InspectionRound,
    Outcome,
    RoundStatus,
)
from services.facilities.inspections.schemas import AnswerBatch, AnswerIn, AnswerReceipt
from services.facilities.inspections.service import get_round, round_items
from services.facilities.locations.service import PlaceSource, require_place
from shared.audit import AuditLog
from shared.bulk import insert_rows, table_of
from shared.context import actor
from shared.problems import Conflict, Invalid
from shared.types import SHANGHAI, utcnow

CLOCK_SKEW = timedelta(minutes=5)
# what makes two answers to one item the same answer
SAME = (
    "outcome",
    "severity",
    "note",
    "photos",
    "building_id",
    "room_id",
    "inspector_id",
    "answered_at",
)


def _check_round(row: InspectionRound) -> None:
    if row.status == RoundStatus.PLANNED:
        raise Conflict("ROUND_NOT_STARTED", "start the round before posting its answers")
    if row.status == RoundStatus.COMPLETED:
        raise Conflict("ROUND_COMPLETED", "the round is completed: its answers are final")


def _check_answers(row: InspectionRound, items: dict[uuid.UUID, Any], batch: AnswerBatch) -> None:
    now = utcnow()
    first_moment = datetime.combine(row.planned_on, time.min, SHANGHAI)
    inspectors = set(row.inspectors)
    for a in batch.answers:
        if a.item_id not in items:
            raise Invalid("UNKNOWN_ITEM", f"item {a.item_id} is not on this round's checklists")
        if str(a.inspector_id) not in inspectors:
            raise Invalid("NOT_AN_INSPECTOR", f"{a.inspector_id} is not an inspector of the round")
        if a.answered_at > now + CLOCK_SKEW:
            raise Invalid("FUTURE_ANSWER", f"the answer to item {a.item_id} is dated ahead")
        if a.answered_at < first_moment:
            raise Invalid("ANSWER_BEFORE_ROUND", f"the answer to {a.item_id} predates the round")
        if a.outcome == Outcome.DEFECT and not a.note:
            raise Invalid("DEFECT_WITHOUT_NOTE", f"say what is wrong with item {a.item_id}")


def _place_units(
    session: Session, places: PlaceSource, row: InspectionRound, batch: AnswerBatch
) -> dict[tuple[uuid.UUID | None, uuid.UUID | None], tuple[uuid.UUID | None, uuid.UUID | None]]:
    """Each location named: (building, room) → (its building, its room's budget unit)."""
    found: dict[Any, Any] = {}
    buildings = set(row.building_ids)
    for a in batch.answers:
        key = (a.building_id, a.room_id)
        if key in found or key == (None, None):
            continue
        place = require_place(
            session,
            places,
            compound_id=row.compound_id,
            building_id=a.building_id,
            room_id=a.room_id,
            active=False,
        )
        if buildings and str(place.building_id) not in buildings:
            raise Invalid(
                "LOCATION_OUTSIDE_ROUND",
                f"{place.building_name} is not among the round's buildings",
            )
        found[key] = (place.building_id, place.unit_id)
    return found


def _as_row(a: AnswerIn, item: ChecklistItem, round_id: uuid.UUID, building: Any) -> dict[str, Any]:
    return {
        "round_id": round_id,
        "item_id": a.item_id,
        "item_code": item.code,
        "outcome": a.outcome,
        "severity": (a.severity or item.severity) if a.outcome == Outcome.DEFECT else None,
        "note": a.note,
        "photos": list(a.photos),
        "building_id": building,
        "room_id": a.room_id,
        "inspector_id": a.inspector_id,
        "answered_at": a.answered_at,
    }


def _same(row: dict[str, Any], other: dict[str, Any]) -> bool:
    return all(row[name] == other[name] for name in SAME)


def _new_rows(
    session: Session, round_id: uuid.UUID, posted: dict[uuid.UUID, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The posted rows not yet recorded (409 when one differs from what is)."""
    a = table_of(Answer).c
    existing = session.connection().execute(
        select(a.item_id, a.item_code, *(a[name] for name in SAME)).where(
            a.round_id == round_id, a.item_id.in_(list(posted))
        )
    )
    known = set()
    for row in existing:
        if not _same(dict(zip(SAME, row[2:], strict=True)), posted[row.item_id]):
            raise Conflict(
                "ANSWER_CONFLICT",
                f"item {row.item_code} is already answered otherwise in this round",
                item_id=str(row.item_id),
            )
        known.add(row.item_id)
    return [r for item_id, r in posted.items() if item_id not in known]


def post_answers(
    session: Session,
    audit: AuditLog,
    places: PlaceSource,
    *,
    round_id: uuid.UUID,
    batch: AnswerBatch,
) -> AnswerReceipt:
    row = get_round(session, round_id, lock=True)
    _check_round(row)
    items = round_items(session, row)
    _check_answers(row, items, batch)
    locations = _place_units(session, places, row, batch)
    posted: dict[uuid.UUID, dict[str, Any]] = {}
    units: dict[uuid.UUID, uuid.UUID | None] = {}
    for a in batch.answers:
        building, units[a.item_id] = locations.get((a.building_id, a.room_id), (None, None))
        answer = _as_row(a, items[a.item_id], row.id, building)
        seen = posted.setdefault(a.item_id, answer)
        if seen is not answer and not _same(seen, answer):
            raise Conflict("ANSWER_CONFLICT", f"item {a.item_id} is answered twice otherwise")
    new = _new_rows(session, row.id, posted)
    now, by = utcnow(), actor()
    connection = session.connection()
    insert_rows(
        connection, table_of(Answer), [{**r, "posted_by": by, "posted_at": now} for r in new]
    )
    raised = _raise_hazards(session, row, items, new, units)
    audit.record(
        session,
        action="inspection_round.answers",
        resource_type="inspection_round",
        resource_id=row.id,
        after={"new": len(new), "repeated": len(batch.answers) - len(new), "hazards": raised},
    )
    return AnswerReceipt(
        received=len(batch.answers),
        new=len(new),
        repeated=len(batch.answers) - len(new),
        hazards_raised=raised,
    )


def _raise_hazards(
    session: Session,
    row: InspectionRound,
    items: dict[uuid.UUID, ChecklistItem],
    answers: list[dict[str, Any]],
    units: dict[uuid.UUID, uuid.UUID | None],
) -> int:
    defects = [a for a in answers if a["outcome"] is Outcome.DEFECT]
    if not defects:
        return 0
    periods = DuePeriods(session)
    categories = dict(
        session.exec(
            select_models(ChecklistTemplate.id, ChecklistTemplate.category).where(
                col(ChecklistTemplate.id).in_({items[a["item_id"]].checklist_id for a in defects})
            )
        ).all()
    )
    now = utcnow()
    hazards = []
    for a in defects:
        period = periods.period(a["severity"], a["answered_at"])
        item = items[a["item_id"]]
        hazards.append(
            {
                "id": uuid.uuid4(),
                "round_id": row.id,
                "item_id": item.id,
                "item_code": item.code,
                "category": categories[item.checklist_id],
                "severity": a["severity"],
                "description": a["note"],
                "compound_id": row.compound_id,
                "building_id": a["building_id"],
                "room_id": a["room_id"],
                "found_at": a["answered_at"],
                "due_at": a["answered_at"] + period,
                "director_due_at": a["answered_at"] + 2 * period,
                "status": HazardStatus.OPEN,
                "responsible_unit_id": units.get(item.id),
                "responsible_staff_id": None,
                "escalation": 0,
                "version": 1,
                "created_at": now,
                "updated_at": now,
            }
        )
    return insert_rows(session.connection(), table_of(Hazard), hazards)
