"""Gateway settings (environment variables prefixed ``GATEWAY_``)."""

from __future__ import annotations

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.config import DEV_SECRET

SERVICES = ("finance", "assets", "facilities", "personnel")


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    environment: str = "development"
    database_url: str = ""  # development default: sqlite:///var/gateway.db
    issuer: str = "agency-suite-gateway"
    audience: str = "agency-suite"
    signing_key_file: str = "var/gateway-signing-key.pem"
    access_token_seconds: int = 300
    refresh_token_seconds: int = 12 * 3600
    admin_password: str | None = None
    service_urls: dict[str, str] = {
        name: f"http://127.0.0.1:{8001 + i}" for i, name in enumerate(SERVICES)
    }
    # client_id -> secret for east-west service clients (role ``service``)
    service_client_secrets: dict[str, str] = dict.fromkeys(SERVICES, DEV_SECRET)
    # client_id -> secret for the treasury payment system's callbacks (role ``treasury``)
    treasury_client_secrets: dict[str, str] = {"treasury": DEV_SECRET}
    cors_origins: list[str] = []
    max_body_bytes: int = 10 * 1024 * 1024
    proxy_connect_timeout: float = 2.0
    proxy_read_timeout: float = 30.0
    proxy_total_timeout: float = 60.0
    # failed sign-ins of one account from one address before each attempt waits (1 s, then
    # doubling), and the longest wait (gateway/ratelimit.py)
    login_failures_per_account: int = 5
    login_failure_window_seconds: int = 900
    login_attempts_per_address: int = 30
    login_address_window_seconds: int = 60
    log_level: str = "INFO"
    # the JSON file in which ``make run``'s supervisor keeps the state of its processes;
    # ``/healthz`` includes it when it is there
    supervisor_status_file: str | None = None

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or "sqlite:///var/gateway.db"

    @model_validator(mode="after")
    def _one_role_per_client(self) -> GatewaySettings:
        both = sorted(self.service_client_secrets.keys() & self.treasury_client_secrets.keys())
        if both:
            raise ValueError(f"clients both service and treasury: {', '.join(both)}")
        return self

    @model_validator(mode="after")
    def _refuse_default_secrets_outside_development(self) -> GatewaySettings:
        if self.environment != "development":
            if not self.database_url:
                raise ValueError("GATEWAY_DATABASE_URL must be set outside development")
            clients = {**self.service_client_secrets, **self.treasury_client_secrets}
            weak = [c for c, s in clients.items() if s == DEV_SECRET]
            if weak:
                raise ValueError(
                    f"service client secrets are development defaults for: {', '.join(weak)}"
                )
        return self
