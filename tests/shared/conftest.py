"""A service app built by the shared factory, with test-only routes that use the platform."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi import APIRouter, Depends, Response
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import Engine

from services.finance.main import SPEC as FINANCE
from shared.app import ServiceSpec, create_service_app
from shared.audit import AuditDep
from shared.auth import require_roles
from shared.config import ServiceSettings
from shared.db import SessionDep
from shared.idempotency import IdempotencyRequired
from tests.support.databases import Databases
from tests.support.tokens import verifier


class TransferIn(BaseModel):
    amount: Decimal
    payee: str


router = APIRouter(prefix="/test")


@router.post(
    "/transfers", status_code=201, dependencies=[Depends(require_roles("finance_officer"))]
)
def make_transfer(
    session: SessionDep, audit: AuditDep, body: TransferIn, idem: IdempotencyRequired
) -> Response:
    """A money-moving write: audited, idempotent."""
    if (replay := idem.replayed(session)) is not None:
        return replay
    transfer = {"id": str(uuid.uuid4()), "amount": str(body.amount), "payee": body.payee}
    audit.record(
        session,
        action="transfer.create",
        resource_type="transfer",
        resource_id=transfer["id"],
        after=transfer,
    )
    return idem.respond(
        session,
        transfer,
        status_code=201,
        headers={"Location": f"/test/transfers/{transfer['id']}"},
    )


TEST_SPEC = ServiceSpec(
    name=FINANCE.name,
    title="test",
    description="test",
    migrations_dir=Path(FINANCE.migrations_dir),
    routers=[router],
)


def build_app(engine: Engine, spec: ServiceSpec = TEST_SPEC) -> TestClient:
    app = create_service_app(
        spec,
        ServiceSettings(service_name=spec.name),
        engine=engine,
        verifier=verifier(),
        run_relay=False,
        access_log=False,
    )
    return TestClient(app)


@pytest.fixture
def engine(databases: Databases) -> Iterator[Engine]:
    engine = databases.fresh_engine("finance")
    yield engine
    engine.dispose()


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    with build_app(engine) as c:
        yield c
