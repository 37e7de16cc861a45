"""Settings of the treasury sandbox (environment variables prefixed ``TREASURY_``).

Development defaults work as they are; outside ``TREASURY_ENVIRONMENT=development`` the
development secrets refuse to start, as in every other process of the suite.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.config import DEV_SECRET

CallbackMode = Literal["deliver", "drop", "duplicate", "delay"]


class TreasurySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TREASURY_", extra="ignore")

    environment: str = "development"
    log_level: str = "INFO"
    # instructions, bookings and callbacks live here, so a restart continues where it stopped
    database_url: str = "sqlite:///var/treasury.db"

    # finance signs what it sends with this secret; the sandbox verifies it
    instruction_secret: str = DEV_SECRET
    # the sandbox signs its status callbacks with this one
    callback_secret: str = DEV_SECRET

    # where status callbacks go (through the gateway, which checks the bearer token)
    callback_url: str = "http://127.0.0.1:8000/api/finance/treasury/callbacks"
    # the bearer token of callbacks: ``static_token`` as-is when set, else a client-credentials
    # token from ``token_url`` for ``client_id``/``client_secret`` (cached until near expiry)
    token_url: str = "http://127.0.0.1:8000/auth/token"
    client_id: str = "treasury"
    client_secret: str = DEV_SECRET
    static_token: str | None = None

    # how long an instruction waits in ``received``, then in ``accepted``
    accept_delay_seconds: float = Field(default=0.05, ge=0)
    settle_delay_seconds: float = Field(default=0.3, ge=0)

    # callbacks at start (``PUT /control`` changes them at run time)
    callback_mode: CallbackMode = "deliver"
    callback_delay_seconds: float = Field(default=2.0, ge=0)
    # a refused or unreachable callback is tried this often in all, waiting
    # backoff, 2 × backoff, 4 × backoff … between tries, then given up (and logged)
    callback_attempts: int = Field(default=5, ge=1)
    callback_backoff_seconds: float = Field(default=0.5, ge=0)
    callback_timeout_seconds: float = Field(default=5.0, gt=0)

    # the acceptance rules (ISO 20022 external status reason codes in brackets)
    blocked_prefixes: list[str] = ["9999"]  # creditor account blocked (AC06)
    closed_prefixes: list[str] = ["0000"]  # creditor account closed (AC04)
    max_amount: Decimal = Decimal("50000000.00")  # above it: not allowed amount (AM02)

    # the treasury single account (国库单一账户) that statements are about
    tsa_account: str = Field(default="TSA-0001", pattern=r"^[A-Za-z0-9-]{1,34}$")

    # the unsigned /control endpoints (return a payment, change callbacks, go down)
    control_enabled: bool = True

    @model_validator(mode="after")
    def _refuse_development_secrets_elsewhere(self) -> TreasurySettings:
        if self.environment == "development":
            return self
        weak = [
            name
            for name, value in (
                ("instruction_secret", self.instruction_secret),
                ("callback_secret", self.callback_secret),
                ("client_secret", None if self.static_token else self.client_secret),
            )
            if value == DEV_SECRET
        ]
        if weak:
            raise ValueError(f"treasury: development default for {', '.join(weak)}")
        return self
