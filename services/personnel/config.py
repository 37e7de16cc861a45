"""Settings of the personnel service (environment variables prefixed ``PERSONNEL_``)."""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from shared.config import DEV_SECRET, ServiceSettings


class PersonnelSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PERSONNEL_", extra="ignore")

    service_name: str = "personnel"
    # secret from which the keys that encrypt and fingerprint national ID numbers derive;
    # changing it makes stored numbers unreadable
    id_secret: str = DEV_SECRET
    # peers that receive grade.finalized / grade.revised (each needs an entry in peer_urls):
    # finance, whose payroll pays arrears or recovers what a late or revised grade changes
    grade_subscribers: list[str] = Field(default_factory=lambda: ["finance"])

    @model_validator(mode="after")
    def _refuse_default_id_secret(self) -> PersonnelSettings:
        if self.environment != "development" and self.id_secret == DEV_SECRET:
            raise ValueError("personnel: id_secret is the development default")
        return self
