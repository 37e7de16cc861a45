"""The dependency a route takes to read places: assets' client (``ServiceSpec.peer_clients``,
``settings.peer_urls["assets"]``) with the cache's freshness from the settings."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends

from services.facilities.clients.assets import AssetsClient
from services.facilities.config import FacilitiesSettings
from services.facilities.locations.service import AssetsPlaces
from shared.deps import from_app_state, peer_client

FacilitiesSettingsDep = Annotated[
    FacilitiesSettings, Depends(from_app_state("settings", FacilitiesSettings))
]
AssetsDep = Annotated[AssetsClient | None, Depends(peer_client("assets", AssetsClient))]


async def places(assets: AssetsDep, settings: FacilitiesSettingsDep) -> AssetsPlaces:
    """Where places are read: assets, with the cache's freshness from the settings."""
    return AssetsPlaces(assets, timedelta(seconds=settings.place_fresh_seconds))


PlacesDep = Annotated[AssetsPlaces, Depends(places)]
