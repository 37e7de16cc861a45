"""Checklists and rounds. Rules:

- a checklist is never edited: posting one for a category makes its next version, and rounds
  planned afterwards take it (rounds planned before keep theirs); item codes are unique in a
  checklist (422 ``DUPLICATE_ITEM_CODE``);
- a round names an assets compound and, optionally, buildings of it (``locations``:
  422 ``UNKNOWN_LOCATION`` / ``LOCATION_MISMATCH``, 503 when assets is down and nothing is
  cached), at least one inspector, and takes the current checklist of each category asked
  (422 ``NO_CHECKLIST`` when a category has none);
- planned → in progress (``start``) → completed (``complete``, only when every item of the
  round is answered: 409 ``ROUND_INCOMPLETE``); any other step is 409 ``ROUND_NOT_PLANNED`` /
  ``ROUND_NOT_IN_PROGRESS``.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, col, select

from services.facilities.inspections.models import (
    Answer,
    Category,
    ChecklistItem,
    ChecklistTemplate,
    InspectionRound,
    RoundStatus,
)
from services.facilities.inspections.schemas import (
    AnswerPublic,
    ChecklistCreate,
    ChecklistPublic,
    ChecklistSummary,
    ItemPublic,
    RoundCreate,
    RoundDetail,
    RoundPublic,
)
from services.facilities.locations.service import PlaceSource, require_place
from shared.audit import AuditLog
from shared.changes import record_change, record_creation
from shared.concurrency import check_version
from shared.context import actor
from shared.pagination import Page, PageParams, paginate
from shared.problems import Conflict, Invalid, NotFound
from shared.types import utcnow

# -- checklists -------------------------------------------------------------------------


def summary(row: ChecklistTemplate) -> ChecklistSummary:
    return ChecklistSummary.model_validate(row, from_attributes=True)


def create_checklist(
    session: Session, audit: AuditLog, *, data: ChecklistCreate
) -> ChecklistPublic:
    codes = [item.code for item in data.items]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        raise Invalid("DUPLICATE_ITEM_CODE", f"item codes given twice: {', '.join(repeated)}")
    latest = session.exec(
        select(func.max(ChecklistTemplate.version)).where(
            ChecklistTemplate.category == data.category
        )
    ).one()
    template = ChecklistTemplate(
        category=data.category,
        version=(latest or 0) + 1,
        title=data.title,
        item_count=len(data.items),
        created_by=actor(),
    )
    record_creation(
        session,
        audit,
        template,
        action="checklist.create",
        resource_type="checklist",
        after={"category": data.category, "version": template.version, "items": codes},
    )
    items = [
        ChecklistItem(checklist_id=template.id, position=n, **item.model_dump())
        for n, item in enumerate(data.items, start=1)
    ]
    session.add_all(items)
    session.flush()
    return _public(template, items)


def _public(template: ChecklistTemplate, items: list[ChecklistItem]) -> ChecklistPublic:
    return ChecklistPublic(
        **summary(template).model_dump(),
        items=[ItemPublic.model_validate(i, from_attributes=True) for i in items],
    )


def get_checklist(session: Session, checklist_id: uuid.UUID) -> ChecklistPublic:
    template = session.get(ChecklistTemplate, checklist_id)
    if template is None:
        raise NotFound("checklist", checklist_id)
    items = session.exec(
        select(ChecklistItem)
        .where(ChecklistItem.checklist_id == checklist_id)
        .order_by(col(ChecklistItem.position))
    ).all()
    return _public(template, list(items))


def list_checklists(
    session: Session, params: PageParams, *, category: Category | None, current: bool
) -> Page[ChecklistSummary]:
    query = select(ChecklistTemplate)
    if category is not None:
        query = query.where(ChecklistTemplate.category == category)
    if current:
        latest = (
            select(ChecklistTemplate.category, func.max(ChecklistTemplate.version).label("v"))
            .group_by(col(ChecklistTemplate.category))
            .subquery()
        )
        query = query.join(
            latest,
            (col(ChecklistTemplate.category) == latest.c.category)
            & (col(ChecklistTemplate.version) == latest.c.v),
        )
    order = (col(ChecklistTemplate.category), col(ChecklistTemplate.version).desc())
    return paginate(session, query, params, *order, view=summary)


def current_checklists(session: Session, categories: list[Category]) -> list[ChecklistTemplate]:
    """The latest version of each category asked (of every category when none is)."""
    latest = (
        select(ChecklistTemplate.category, func.max(ChecklistTemplate.version).label("v"))
        .group_by(col(ChecklistTemplate.category))
        .subquery()
    )
    query = select(ChecklistTemplate).join(
        latest,
        (col(ChecklistTemplate.category) == latest.c.category)
        & (col(ChecklistTemplate.version) == latest.c.v),
    )
    found = {t.category: t for t in session.exec(query)}
    missing = [c.value for c in categories if c not in found]
    if missing:
        raise Invalid("NO_CHECKLIST", f"no checklist for: {', '.join(missing)}")
    if not found:
        raise Invalid("NO_CHECKLIST", "there is no checklist yet")
    chosen = categories or list(found)
    return [found[c] for c in sorted(set(chosen))]


def round_items(session: Session, round_: InspectionRound) -> dict[uuid.UUID, ChecklistItem]:
    """The items a round asks, by id."""
    ids = [uuid.UUID(i) for i in round_.checklist_ids]
    items = session.exec(select(ChecklistItem).where(col(ChecklistItem.checklist_id).in_(ids)))
    return {item.id: item for item in items}


# -- rounds ------------------------------------------------------------------------------


def round_public(row: InspectionRound) -> RoundPublic:
    return RoundPublic.model_validate(row, from_attributes=True)


def create_round(
    session: Session, audit: AuditLog, places: PlaceSource, *, data: RoundCreate
) -> RoundDetail:
    place = require_place(session, places, compound_id=data.compound_id)
    for building_id in dict.fromkeys(data.building_ids):
        require_place(session, places, compound_id=data.compound_id, building_id=building_id)
    checklists = current_checklists(session, data.categories)
    row = InspectionRound(
        compound_id=data.compound_id,
        building_ids=[str(b) for b in dict.fromkeys(data.building_ids)],
        planned_on=data.planned_on,
        inspectors=[str(s) for s in dict.fromkeys(data.inspectors)],
        checklist_ids=[str(c.id) for c in checklists],
        item_count=sum(c.item_count for c in checklists),
        created_by=actor(),
    )
    record_creation(
        session,
        audit,
        row,
        action="inspection_round.create",
        resource_type="inspection_round",
        after=round_public(row).model_dump(mode="json"),
    )
    return RoundDetail(**round_public(row).model_dump(), answered=0, place=place.public())


def get_round(session: Session, round_id: uuid.UUID, *, lock: bool = False) -> InspectionRound:
    query = select(InspectionRound).where(InspectionRound.id == round_id)
    row = session.exec(query.with_for_update() if lock else query).first()
    if row is None:
        raise NotFound("inspection_round", round_id)
    return row


def answered(session: Session, round_id: uuid.UUID) -> int:
    return session.exec(
        select(func.count()).select_from(Answer).where(Answer.round_id == round_id)
    ).one()


def round_detail(session: Session, places: PlaceSource | None, round_id: uuid.UUID) -> RoundDetail:
    row = get_round(session, round_id)
    place = None
    if places is not None:
        place = require_place(session, places, compound_id=row.compound_id, active=False).public()
    return RoundDetail(
        **round_public(row).model_dump(), answered=answered(session, row.id), place=place
    )


def list_rounds(
    session: Session,
    params: PageParams,
    *,
    compound_id: uuid.UUID | None,
    status: RoundStatus | None,
    planned_from: date | None,
    planned_to: date | None,
) -> Page[RoundPublic]:
    query = select(InspectionRound)
    if compound_id is not None:
        query = query.where(InspectionRound.compound_id == compound_id)
    if status is not None:
        query = query.where(InspectionRound.status == status)
    if planned_from is not None:
        query = query.where(col(InspectionRound.planned_on) >= planned_from)
    if planned_to is not None:
        query = query.where(col(InspectionRound.planned_on) <= planned_to)
    order = (col(InspectionRound.planned_on).desc(), col(InspectionRound.id))
    return paginate(session, query, params, *order, view=round_public)


def _step(
    session: Session,
    audit: AuditLog,
    row: InspectionRound,
    status: RoundStatus,
    expected_version: int | None,
) -> RoundPublic:
    check_version("inspection_round", row.version, expected_version)
    before = row.status
    row.status = status
    if status is RoundStatus.IN_PROGRESS:
        row.started_at = utcnow()
    else:
        row.completed_at = utcnow()
    record_change(
        session,
        audit,
        row,
        action=f"inspection_round.{status.value}",
        resource_type="inspection_round",
        before={"status": before},
        after={"status": status},
    )
    return round_public(row)


def start_round(
    session: Session, audit: AuditLog, round_id: uuid.UUID, expected_version: int | None
) -> RoundPublic:
    row = get_round(session, round_id, lock=True)
    if row.status != RoundStatus.PLANNED:
        raise Conflict("ROUND_NOT_PLANNED", f"the round is {row.status}, not planned")
    return _step(session, audit, row, RoundStatus.IN_PROGRESS, expected_version)


def complete_round(
    session: Session, audit: AuditLog, round_id: uuid.UUID, expected_version: int | None
) -> RoundPublic:
    row = get_round(session, round_id, lock=True)
    if row.status != RoundStatus.IN_PROGRESS:
        raise Conflict("ROUND_NOT_IN_PROGRESS", f"the round is {row.status}, not in progress")
    done = answered(session, row.id)
    if done < row.item_count:
        raise Conflict(
            "ROUND_INCOMPLETE",
            f"{row.item_count - done} of the round's {row.item_count} items are not answered",
            unanswered=row.item_count - done,
        )
    return _step(session, audit, row, RoundStatus.COMPLETED, expected_version)


def list_answers(session: Session, params: PageParams, round_id: uuid.UUID) -> Page[AnswerPublic]:
    get_round(session, round_id)
    query = select(Answer).where(Answer.round_id == round_id)
    return paginate(
        session,
        query,
        params,
        col(Answer.item_code),
        view=lambda a: AnswerPublic.model_validate(a, from_attributes=True),
    )
