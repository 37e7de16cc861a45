"""Errors are RFC 9457 problems with a stable code and the request id; never a stack trace."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.shared.conftest import build_app
from tests.support.tokens import bearer


def test_validation_problem_names_the_field(client: TestClient) -> None:
    response = client.post(
        "/test/transfers",
        json={"amount": "x", "payee": "A"},
        headers={**bearer("finance_officer"), "Idempotency-Key": "k", "X-Request-ID": "req-42"},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "VALIDATION_FAILED"
    assert body["detail"].startswith("body.amount")
    assert body["request_id"] == "req-42" == response.headers["x-request-id"]
    assert {"type", "title", "status", "detail", "code", "request_id", "errors"} <= body.keys()


def test_unknown_route_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/nowhere", headers=bearer("auditor"))
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


def test_out_of_range_paging_is_422(client: TestClient) -> None:
    assert client.get("/audit", params={"limit": 201}, headers=bearer("auditor")).status_code == 422
    assert client.get("/audit", params={"offset": -1}, headers=bearer("auditor")).status_code == 422


def test_malformed_request_id_is_replaced(client: TestClient) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert response.headers["x-request-id"] != "bad id with spaces"
    assert len(response.headers["x-request-id"]) == 32


def test_database_down_is_a_503_problem_with_retry_after() -> None:
    from shared.db import make_engine

    dead = make_engine("postgresql://nobody@127.0.0.1:1/none")
    with build_app(dead) as client:
        response = client.get("/audit", headers=bearer("auditor"))
        assert response.status_code == 503
        assert response.headers["retry-after"] == "5"
        assert response.json()["code"] == "DATABASE_UNAVAILABLE"
        assert client.get("/readyz").status_code == 503
        assert client.get("/metrics").status_code == 200


def test_outside_development_defaults_refuse_to_start() -> None:
    import pytest
    from pydantic import ValidationError

    from gateway.config import GatewaySettings
    from shared.config import ServiceSettings

    with pytest.raises(ValidationError, match="client_secret is the development default"):
        ServiceSettings(environment="production", database_url="postgresql://x@db/finance")
    with pytest.raises(ValidationError, match="database_url must be set"):
        ServiceSettings(environment="production", client_secret="a-real-secret")
    with pytest.raises(ValidationError, match="development defaults"):
        GatewaySettings(environment="production", database_url="postgresql://x@db/gateway")
    with pytest.raises(ValidationError, match="GATEWAY_DATABASE_URL must be set"):
        GatewaySettings(environment="production", service_client_secrets={"finance": "real"})
    assert (
        ServiceSettings(
            environment="production", database_url="postgresql://x@db/f", client_secret="real"
        ).client_secret
        == "real"
    )


def test_sqlite_readers_do_not_wait_for_each_other_but_writers_lock_up_front(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3
    import time

    import pytest
    from sqlalchemy import text
    from sqlmodel import Session

    from shared.db import for_writing, make_engine

    engine = make_engine(f"sqlite:///{tmp_path}/lock.db")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (n INTEGER)"))
    with Session(engine) as reader:
        reader.execute(text("SELECT count(*) FROM t"))  # an open read transaction
        started = time.monotonic()
        with Session(engine) as other_reader:
            other_reader.execute(text("SELECT count(*) FROM t"))
        assert time.monotonic() - started < 0.5
        with Session(for_writing(engine)) as writer:
            writer.execute(text("INSERT INTO t VALUES (1)"))
            writer.commit()
    with Session(for_writing(engine)) as first:
        first.execute(text("SELECT count(*) FROM t"))  # a writer holds the lock from BEGIN
        other = sqlite3.connect(tmp_path / "lock.db", timeout=0.1, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


def test_a_service_refuses_an_oversized_body_before_reading_it(engine) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from shared.app import create_service_app
    from shared.config import ServiceSettings
    from tests.shared.conftest import TEST_SPEC
    from tests.support.tokens import verifier

    app = create_service_app(
        TEST_SPEC,
        ServiceSettings(service_name="finance", max_body_bytes=100),
        engine=engine,
        verifier=verifier(),
        run_relay=False,
        access_log=False,
    )
    with TestClient(app) as client:
        big = client.post(
            "/test/transfers",
            content=b"{" + b" " * 200 + b"}",
            headers={
                **bearer("finance_officer"),
                "Idempotency-Key": "k",
                "Content-Type": "application/json",
            },
        )
    assert big.status_code == 413
    assert big.json()["code"] == "BODY_TOO_LARGE"
