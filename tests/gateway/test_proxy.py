"""The proxy: paths, headers, body cap, CORS, and clear problems when a service is down or slow."""

from __future__ import annotations

from fastapi.testclient import TestClient

from gateway.config import SERVICES
from tests.gateway.conftest import GatewayFactory, auth
from tests.support.servers import free_port
from tests.support.tokens import make_token

AUDITOR = auth(make_token("auditor"))


def test_request_reaches_the_service_with_forwarding_headers(gateway: TestClient) -> None:
    response = gateway.get(
        "/api/finance/audit?limit=5&action=x",
        headers={
            **AUDITOR,
            "X-Request-ID": "trace-me",
            "Connection": "keep-alive, X-Secret",
            "X-Secret": "hop",
            "traceparent": "00-" + "a" * 32 + "-" + "b" * 16 + "-01",
        },
    )
    assert response.status_code == 200
    echo = response.json()
    assert echo["path"] == "/audit" and echo["query"] == "limit=5&action=x"
    headers = echo["headers"]
    assert headers["authorization"] == AUDITOR["Authorization"], "services verify the token again"
    assert headers["x-request-id"] == "trace-me" == response.headers["x-request-id"]
    assert headers["x-forwarded-for"] == "testclient"
    assert headers["x-forwarded-proto"] == "http"
    assert headers["traceparent"].startswith("00-aaaa")
    assert "x-secret" not in headers, "headers named in Connection are hop-by-hop"
    assert response.headers["x-upstream"] == "echo"


def test_oversized_body_is_refused_before_the_service(make_gateway: GatewayFactory) -> None:
    gateway = make_gateway(max_body_bytes=1000)
    token = auth(make_token("auditor"))
    big = gateway.post(
        "/api/admin/users",
        content=b"x" * 2000,
        headers={**token, "Content-Type": "application/json"},
    )
    assert big.status_code == 413 and big.json()["code"] == "BODY_TOO_LARGE"

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(5):
            yield b"y" * 400

    streamed = gateway.post(
        "/auth/token",
        content=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert streamed.status_code == 413


def test_service_down_is_a_503_problem(make_gateway: GatewayFactory) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    gateway = make_gateway(service_urls=dict.fromkeys(SERVICES, dead))
    response = gateway.get("/api/finance/audit", headers=AUDITOR)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    assert response.json()["code"] == "SERVICE_UNAVAILABLE"
    health = gateway.get("/healthz").json()
    assert health == {"status": "degraded", "services": dict.fromkeys(SERVICES, "down")}


def test_slow_service_is_a_504_problem(make_gateway: GatewayFactory) -> None:
    from gateway.policy import POLICY, Rule

    gateway = make_gateway(proxy_read_timeout=0.3)
    gateway.app.state.policy.rules  # noqa: B018 - the table is fixed; add a route for this test only
    table = gateway.app.state.gate.policy
    table._by_method["GET"].append(Rule("GET", "/api/finance/slow", frozenset({"auditor"})))
    try:
        response = gateway.get("/api/finance/slow", headers=AUDITOR)
    finally:
        table._by_method["GET"].pop()
    assert response.status_code == 504 and response.json()["code"] == "UPSTREAM_TIMEOUT"
    assert POLICY  # the shared table itself was not changed


def test_cors_allows_only_configured_origins(make_gateway: GatewayFactory) -> None:
    gateway = make_gateway(cors_origins=["https://office.example"])
    ok = gateway.options(
        "/api/finance/audit",
        headers={"Origin": "https://office.example", "Access-Control-Request-Method": "GET"},
    )
    assert ok.headers["access-control-allow-origin"] == "https://office.example"
    other = gateway.options(
        "/api/finance/audit",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in other.headers


def test_health_reports_each_service_up(gateway: TestClient) -> None:
    assert gateway.get("/healthz").json() == {
        "status": "ok",
        "services": dict.fromkeys(SERVICES, "up"),
    }
    assert gateway.get("/readyz").json()["revision"] == "gateway_0002"
