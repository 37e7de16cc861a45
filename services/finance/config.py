"""Settings of the finance service (environment variables prefixed ``FINANCE_``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import Depends
from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from shared.config import DEV_SECRET, ServiceSettings
from shared.deps import from_app_state


class FinanceSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FINANCE_", extra="ignore")

    service_name: str = "finance"
    # the treasury payment system (in development and tests: the sandbox, deploy/treasury)
    treasury_url: str = "http://127.0.0.1:8009"
    # finance signs what it sends the treasury with this secret (Standard Webhooks, whsec_…)
    treasury_instruction_secret: str = DEV_SECRET
    # the treasury signs its status callbacks with this one
    treasury_callback_secret: str = DEV_SECRET
    treasury_timeout_seconds: float = 10.0
    # the treasury single account (国库单一账户) direct payments are made from
    treasury_account: str = "TSA-0001"
    treasury_account_name: str = "国库单一账户"
    # a payment above this amount (yuan) also needs a director's approval
    director_threshold: Decimal = Decimal("500000.00")
    # how often the submitter retries unsent instructions and polls unfinished ones
    treasury_poll_seconds: float = 30.0
    # an instruction in flight (received, accepted) with no callback for this long is polled
    treasury_poll_after_seconds: float = 60.0
    # an instruction exported in a file and not loaded by the treasury yet is asked about
    # this long after its export, then as often (a person carries the file)
    treasury_file_poll_after_seconds: float = 600.0

    @model_validator(mode="after")
    def _refuse_default_treasury_secrets(self) -> FinanceSettings:
        if self.environment != "development" and DEV_SECRET in (
            self.treasury_instruction_secret,
            self.treasury_callback_secret,
        ):
            raise ValueError("finance: a treasury secret is the development default")
        return self


FinanceSettingsDep = Annotated[
    FinanceSettings, Depends(from_app_state("settings", FinanceSettings))
]
