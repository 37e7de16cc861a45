"""Demo places: the compounds and buildings the assets step handed over, cached as read now."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from services.facilities.locations.models import PlaceCache, PlaceKind
from services.facilities.locations.service import remember

# (compound id, code, name, [(building id, code, name), …]), as deploy.demo's facts hold them
Compounds = list[tuple[uuid.UUID, str, str, list[tuple[uuid.UUID, str, str]]]]


def seed(session: Session, compounds: Compounds) -> None:
    """Cache each place handed over that is not cached yet (a reading of assets, made by the
    assets step)."""
    for compound_id, code, name, buildings in compounds:
        places = [(PlaceKind.COMPOUND, {"id": compound_id, "code": code, "name": name})]
        places += [
            (PlaceKind.BUILDING, {"id": b, "code": c, "name": n, "compound_id": compound_id})
            for b, c, n in buildings
        ]
        for kind, data in places:
            if session.get(PlaceCache, data["id"]) is None:
                remember(session, kind, data)
