"""The dependency a route takes to read places: assets' client (``ServiceSpec.peer_clients``,
``settings.peer_urls["assets"]``) with the cache's freshness from the settings."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from services.facilities.clients.assets import AssetsClient
from services.facilities.config import FacilitiesSettings
from services.facilities.locations.service import AssetsPlaces
from shared.deps import from_app_state, peer_client

FacilitiesSettingsDep = Annotated[
    FacilitiesSettings, Depends(from_app_state("settings", FacilitiesSettings))
]
AssetsDep = Annotated[Callable[[], AssetsClient], Depends(peer_client("assets", AssetsClient))]


WriteEngine = Annotated[Engine, Depends(from_app_state("write_engine", Engine))]


async def places(
    request: Request, assets: AssetsDep, settings: FacilitiesSettingsDep, writer: WriteEngine
) -> AssetsPlaces:
    """Where places are read: assets, with the cache's freshness from the settings. A
    reading request (whose unit of work never commits) caches in a transaction of its own."""
    reads = request.method in ("GET", "HEAD", "OPTIONS")
    fresh = timedelta(seconds=settings.place_fresh_seconds)
    return AssetsPlaces(assets, fresh, cache_engine=writer if reads else None)


PlacesDep = Annotated[AssetsPlaces, Depends(places)]
