"""Settings of the assets service (environment variables prefixed ``ASSETS_``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import Depends
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings
from shared.deps import from_app_state


class AssetsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ASSETS_", extra="ignore")

    service_name: str = "assets"
    # a lease whose rent per m² is below this share of the market rent it names needs a
    # director's approval before it is activated (ASSETS_LEASE_MIN_MARKET_SHARE)
    lease_min_market_share: Decimal = Field(default=Decimal("0.8"), ge=0, le=1)


AssetsSettingsDep = Annotated[AssetsSettings, Depends(from_app_state("settings", AssetsSettings))]
