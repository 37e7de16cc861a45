"""The treasury payment system's client: client credentials give a ``treasury`` token."""

from __future__ import annotations

import jwt
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlmodel import Session

from gateway.config import GatewaySettings
from gateway.identity.models import ServiceClient
from gateway.identity.passwords import verify_password
from gateway.identity.service import sync_service_clients
from tests.gateway.conftest import SERVICE_SECRET, GatewayFactory
from tests.support.databases import Databases

TREASURY_SECRET = "treasury-secret-for-tests"


def _grant(client: TestClient, client_id: str, secret: str) -> int | dict[str, object]:
    response = client.post(
        "/auth/token",
        data={"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret},
    )
    if response.status_code != 200:
        return response.status_code
    claims: dict[str, object] = jwt.decode(
        response.json()["access_token"], options={"verify_signature": False}
    )
    return claims


def test_the_treasury_client_gets_a_treasury_token(make_gateway: GatewayFactory) -> None:
    gateway = make_gateway(treasury_client_secrets={"treasury": TREASURY_SECRET})
    claims = _grant(gateway, "treasury", TREASURY_SECRET)
    assert isinstance(claims, dict)
    assert claims["roles"] == ["treasury"]
    assert claims["sub"] == "service:treasury"
    assert _grant(gateway, "treasury", "guess") == 401
    # the services keep their role
    service = _grant(gateway, "finance", SERVICE_SECRET)
    assert isinstance(service, dict) and service["roles"] == ["service"]


def test_the_development_default_treasury_client_exists(make_gateway: GatewayFactory) -> None:
    gateway = make_gateway()
    claims = _grant(gateway, "treasury", GatewaySettings().treasury_client_secrets["treasury"])
    assert isinstance(claims, dict) and claims["roles"] == ["treasury"]


def test_sync_updates_secret_and_role_of_a_stored_client(databases: Databases) -> None:
    engine = databases.fresh_engine("gateway")
    with Session(engine) as session:
        sync_service_clients(session, {"treasury": "first"})
        assert session.get(ServiceClient, "treasury").roles == ["service"]  # type: ignore[union-attr]
    with Session(engine) as session:
        sync_service_clients(session, {}, {"treasury": "second"})
    with Session(engine) as session:
        client = session.get(ServiceClient, "treasury")
        assert client is not None and client.roles == ["treasury"]
        assert verify_password(client.secret_hash, "second")
    engine.dispose()


def test_weak_or_ambiguous_treasury_secrets_are_refused() -> None:
    production = {
        "environment": "production",
        "database_url": "postgresql://gateway@db/gateway",
        "service_client_secrets": {"finance": "a-real-secret"},
    }
    with pytest.raises(ValidationError, match="development defaults for: treasury"):
        GatewaySettings(**production)  # type: ignore[arg-type]
    assert GatewaySettings(
        **production,  # type: ignore[arg-type]
        treasury_client_secrets={"treasury": "another-real-secret"},
    ).treasury_client_secrets == {"treasury": "another-real-secret"}
    with pytest.raises(ValidationError, match="both service and treasury: finance"):
        GatewaySettings(treasury_client_secrets={"finance": "x"})
