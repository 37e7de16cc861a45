"""Routes of places: one place as facilities reads it from assets (or its cache)."""

from __future__ import annotations

import uuid

from services.facilities.locations import service
from services.facilities.locations.deps import PlacesDep
from services.facilities.locations.models import PlaceKind
from services.facilities.locations.schemas import PlacePublic
from services.facilities.roles import read_wide
from shared.db import SessionDep
from shared.routing import Router

router = Router(tags=["places"])


@router.get("/places/{kind}/{place_id}", dependencies=read_wide)
def get_place(
    session: SessionDep, places: PlacesDep, kind: PlaceKind, place_id: uuid.UUID
) -> PlacePublic:
    """A compound, building or room with its parents' names, read from assets; when assets is
    unreachable, the cached reading with its age."""
    ids = {f"{kind.value}_id": place_id}
    return service.require_place(session, places, active=False, **ids).public()
