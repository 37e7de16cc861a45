"""Who holds which right over what on a day: the query every rule about rights asks.

A room without a holding of a right follows its building; an asset without one follows the
room it lay in **on the day asked** (and so that room's building): its current room, unless a
move or transfer after that day changed it, and no room at all before its acquisition. The
answer names where the holding was found (``inherited_from``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, col, select

from services.assets.realestate.models import Building, Room
from services.assets.register.models import Asset, AssetEvent, EventKind
from services.assets.rights.models import Right, RightHolding, SubjectKind
from services.assets.rights.schemas import HeldRight, Holders, HoldingCreate, HoldingPublic
from shared.audit import AuditLog
from shared.context import actor
from shared.pagination import Listing, Page, PageParams
from shared.problems import Conflict, Invalid


@dataclass(frozen=True)
class Held:
    """A holding found for a subject: on the subject itself, or on what it lies in."""

    holding: RightHolding
    subject_kind: SubjectKind  # where the holding was recorded
    subject_id: uuid.UUID


_ROOM_STEPS = (EventKind.ACQUIRED, EventKind.MOVED, EventKind.TRANSFERRED)


def room_before(event: AssetEvent) -> tuple[bool, str | None]:
    """Whether the step changed the asset's room, and the room before it. A move or a
    transfer keeps ``before``/``after`` (register), a stocktake's relocation
    ``from_room_id``/``room_id``; an acquisition: there was no asset, so no room."""
    if event.kind == EventKind.ACQUIRED:
        return True, None
    details = event.details
    if "from_room_id" in details:
        return True, details["from_room_id"]
    before, after = details.get("before") or {}, details.get("after") or {}
    if "room_id" in after and before.get("room_id") != after["room_id"]:
        return True, before.get("room_id")
    return False, None


def room_on(session: Session, asset_id: uuid.UUID, day: date) -> uuid.UUID | None:
    """The room the asset lay in on ``day``: the room before the first step after ``day``
    that changed it, else its current room (None: none, or not yet acquired)."""
    later = session.exec(
        select(AssetEvent)
        .where(
            AssetEvent.asset_id == asset_id,
            col(AssetEvent.kind).in_(_ROOM_STEPS),
            col(AssetEvent.occurred_on) > day,
        )
        .order_by(col(AssetEvent.occurred_on), col(AssetEvent.at))
    ).all()
    for event in later:
        changed, before = room_before(event)
        if changed:
            return uuid.UUID(before) if before is not None else None
    return session.exec(select(Asset.room_id).where(Asset.id == asset_id)).first()


def _chain(
    session: Session, kind: SubjectKind, subject_id: uuid.UUID, day: date
) -> list[tuple[SubjectKind, uuid.UUID]]:
    """The subject, then the room and the building it lies in on ``day`` (nearest first)."""
    chain = [(kind, subject_id)]
    room_id: uuid.UUID | None = None
    if kind is SubjectKind.ASSET:
        room_id = room_on(session, subject_id, day)
        if room_id is not None:
            chain.append((SubjectKind.ROOM, room_id))
    elif kind is SubjectKind.ROOM:
        room_id = subject_id
    if room_id is not None:
        building_id = session.exec(select(Room.building_id).where(Room.id == room_id)).first()
        if building_id is not None:
            chain.append((SubjectKind.BUILDING, building_id))
    return chain


def holders_on(
    session: Session, kind: SubjectKind, subject_id: uuid.UUID, day: date
) -> dict[Right, Held | None]:
    """Each of the five rights over the subject on ``day``: the nearest holding in force
    (None: nobody holds it). One query for the whole chain."""
    chain = _chain(session, kind, subject_id, day)
    rows = session.exec(
        select(RightHolding).where(
            or_(
                *(
                    (col(RightHolding.subject_kind) == k) & (col(RightHolding.subject_id) == i)
                    for k, i in chain
                )
            ),
            col(RightHolding.valid_from) <= day,
            or_(col(RightHolding.valid_to).is_(None), col(RightHolding.valid_to) > day),
        )
    ).all()
    rank = {link: n for n, link in enumerate(chain)}
    found: dict[Right, Held | None] = dict.fromkeys(Right)
    for row in sorted(rows, key=lambda r: rank[(SubjectKind(r.subject_kind), r.subject_id)]):
        if found[Right(row.right)] is None:
            found[Right(row.right)] = Held(row, SubjectKind(row.subject_kind), row.subject_id)
    return found


def holder_on(
    session: Session, kind: SubjectKind, subject_id: uuid.UUID, right: Right, day: date
) -> Held | None:
    """Who holds ``right`` over the subject on ``day`` (None: nobody)."""
    return holders_on(session, kind, subject_id, day)[right]


# --- recording holdings and reading their history -------------------------------------------

SUBJECTS: dict[SubjectKind, type[Building] | type[Room] | type[Asset]] = {
    SubjectKind.BUILDING: Building,
    SubjectKind.ROOM: Room,
    SubjectKind.ASSET: Asset,
}

HOLDINGS: Listing[RightHolding] = Listing(
    select(RightHolding),
    col(RightHolding.subject_kind),
    col(RightHolding.subject_id),
    col(RightHolding.right),
    col(RightHolding.valid_from).desc(),
    filters={
        "subject_kind": lambda v: col(RightHolding.subject_kind) == v,
        "subject_id": lambda v: col(RightHolding.subject_id) == v,
        "right": lambda v: col(RightHolding.right) == v,
    },
)


def public(row: RightHolding) -> HoldingPublic:
    return HoldingPublic.model_validate(row, from_attributes=True)


def _subject(
    session: Session, kind: SubjectKind, subject_id: uuid.UUID, *, lock: bool = False
) -> None:
    """422 ``UNKNOWN_SUBJECT`` unless the building, room or asset exists. ``lock`` holds its
    row until the transaction ends, so two holdings of one subject are recorded one at a time."""
    if session.get(SUBJECTS[kind], subject_id, with_for_update=lock) is None:
        raise Invalid("UNKNOWN_SUBJECT", f"{kind.value} {subject_id} does not exist")


def record(session: Session, audit: AuditLog, *, data: HoldingCreate) -> RightHolding:
    """Record that ``holder`` holds ``right`` over the subject from ``valid_from`` on.

    The open holding of the same right over the same subject ends the day the new one starts
    (its ``valid_to`` becomes the new ``valid_from``). Refused with 409
    ``RIGHT_PERIOD_OVERLAP``: a start on or before the open holding's start, or inside a
    closed one (periods of one right over one subject never overlap, and history is never
    rewritten). Audited as ``right.recorded`` (with the holding it ended, if any).
    """
    _subject(session, data.subject_kind, data.subject_id, lock=True)
    same = session.exec(
        select(RightHolding).where(
            col(RightHolding.subject_kind) == data.subject_kind,
            col(RightHolding.subject_id) == data.subject_id,
            col(RightHolding.right) == data.right,
        )
    ).all()
    for held in same:
        # the new holding is open-ended: it overlaps whatever starts on or after its start,
        # and a closed holding still running on its first day
        closed_after = held.valid_to is not None and held.valid_to > data.valid_from
        if held.valid_from >= data.valid_from or closed_after:
            raise Conflict(
                "RIGHT_PERIOD_OVERLAP",
                f"the {data.right.value} right over this {data.subject_kind.value} is recorded "
                f"from {held.valid_from} (until {held.valid_to or 'further notice'}); a new "
                "holding must start after the open one's start and after every closed one",
                holding_id=str(held.id),
            )
    ended = next((held for held in same if held.valid_to is None), None)
    before = None
    if ended is not None:
        before = public(ended).model_dump(mode="json")
        ended.valid_to = data.valid_from
        ended.version += 1  # no ``updated_at`` column: the audit entry says when
        session.add(ended)
    row = RightHolding(**data.model_dump(), recorded_by=actor())
    session.add(row)
    session.flush()
    audit.record(
        session,
        action="right.recorded",
        resource_type="right_holding",
        resource_id=row.id,
        before=before,
        after=public(row).model_dump(mode="json"),
    )
    return row


def history(
    session: Session,
    params: PageParams,
    *,
    subject_kind: SubjectKind | None,
    subject_id: uuid.UUID | None,
    right: Right | None,
) -> Page[HoldingPublic]:
    """Holdings by subject and right, the latest first within each right."""
    return HOLDINGS.page(
        session, params, view=public, subject_kind=subject_kind, subject_id=subject_id, right=right
    )


def holders(session: Session, *, kind: SubjectKind, subject_id: uuid.UUID, day: date) -> Holders:
    """The five rights over the subject on ``day``, each with its holder and where it was
    recorded (the subject itself, or the room or building it lies in): one read."""
    _subject(session, kind, subject_id)
    found = holders_on(session, kind, subject_id, day)
    rights = []
    for right, held in found.items():
        if held is None:
            rights.append(
                HeldRight(
                    right=right,
                    holding=None,
                    recorded_on_kind=None,
                    recorded_on_id=None,
                    inherited=False,
                )
            )
            continue
        rights.append(
            HeldRight(
                right=right,
                holding=public(held.holding),
                recorded_on_kind=held.subject_kind,
                recorded_on_id=held.subject_id,
                inherited=(held.subject_kind, held.subject_id) != (kind, subject_id),
            )
        )
    return Holders(subject_kind=kind, subject_id=subject_id, day=day, rights=rights)
