"""Settings of the facilities service (environment variables prefixed ``FACILITIES_``)."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from shared.config import ServiceSettings


class FacilitiesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FACILITIES_", extra="ignore")

    service_name: str = "facilities"
    # a place read from assets younger than this is used without asking assets again
    place_fresh_seconds: int = 300
    # how often the escalation worker runs (the run is idempotent)
    escalation_interval_seconds: float = 600.0
