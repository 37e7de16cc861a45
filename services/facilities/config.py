"""Settings of the facilities service (environment variables prefixed ``FACILITIES_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings


class FacilitiesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FACILITIES_", extra="ignore")

    service_name: str = "facilities"
