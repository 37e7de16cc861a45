"""Typed dependencies of the facilities service: its settings and its peers (assets, finance)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import Depends

from services.facilities.clients.assets import AssetsClient
from services.facilities.clients.finance import FinanceClient
from services.facilities.config import FacilitiesSettings
from services.facilities.locations.service import AssetsPlaces
from shared.deps import from_app_state, peer_client

FacilitiesSettingsDep = Annotated[
    FacilitiesSettings, Depends(from_app_state("settings", FacilitiesSettings))
]
AssetsDep = Annotated[AssetsClient | None, Depends(peer_client("assets", AssetsClient))]
FinanceDep = Annotated[FinanceClient | None, Depends(peer_client("finance", FinanceClient))]


async def places(assets: AssetsDep, settings: FacilitiesSettingsDep) -> AssetsPlaces:
    """Where places are read: assets, with the cache's freshness from the settings."""
    return AssetsPlaces(assets, timedelta(seconds=settings.place_fresh_seconds))


PlacesDep = Annotated[AssetsPlaces, Depends(places)]
