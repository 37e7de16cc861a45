"""Settings every service shares; each service subclasses with its own env prefix."""

from __future__ import annotations

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "dev-insecure-change-me"


class ServiceSettings(BaseSettings):
    """Configuration of one service; a subclass sets ``env_prefix`` (e.g. ``FINANCE_``)."""

    model_config = SettingsConfigDict(env_prefix="SERVICE_", extra="ignore")

    service_name: str = "service"
    environment: str = "development"
    database_url: str = ""
    gateway_url: str = "http://127.0.0.1:8000"
    jwks_url: str = ""
    token_issuer: str = "agency-suite-gateway"
    token_audience: str = "agency-suite"
    client_secret: str = DEV_SECRET
    peer_urls: dict[str, str] = {}
    outbox_poll_seconds: float = 2.0
    # how often the gateway's revocation feed is read (a revocation reaches the service within)
    revocation_poll_seconds: float = 2.0
    peer_timeout_seconds: float = 5.0
    max_body_bytes: int = 10 * 1024 * 1024
    log_level: str = "INFO"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///var/{self.service_name}.db"

    @property
    def resolved_jwks_url(self) -> str:
        return self.jwks_url or f"{self.gateway_url.rstrip('/')}/.well-known/jwks.json"

    @model_validator(mode="after")
    def _refuse_default_secret_outside_development(self) -> ServiceSettings:
        if self.environment != "development" and not self.database_url:
            raise ValueError(f"{self.service_name}: database_url must be set outside development")
        if self.environment != "development" and self.client_secret == DEV_SECRET:
            raise ValueError(
                f"{self.service_name}: client_secret is the development default; "
                "set a real secret outside development"
            )
        return self
