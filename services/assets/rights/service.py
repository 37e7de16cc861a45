"""Who holds which right over what on a day: the query every rule about rights asks.

A room without a holding of a right follows its building; an asset without one follows its
room (and so its building). The answer names where the holding was found (``inherited_from``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, col, select

from services.assets.realestate.models import Room
from services.assets.register.models import Asset
from services.assets.rights.models import Right, RightHolding, SubjectKind


@dataclass(frozen=True)
class Held:
    """A holding found for a subject: on the subject itself, or on what it lies in."""

    holding: RightHolding
    subject_kind: SubjectKind  # where the holding was recorded
    subject_id: uuid.UUID


def _chain(
    session: Session, kind: SubjectKind, subject_id: uuid.UUID
) -> list[tuple[SubjectKind, uuid.UUID]]:
    """The subject, then the room and the building it lies in (nearest first)."""
    chain = [(kind, subject_id)]
    room_id: uuid.UUID | None = None
    if kind is SubjectKind.ASSET:
        room_id = session.exec(select(Asset.room_id).where(Asset.id == subject_id)).first()
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
    chain = _chain(session, kind, subject_id)
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
