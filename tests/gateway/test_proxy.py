"""The proxy: paths, headers, body cap, CORS, and clear problems when a service is down or slow."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from gateway.config import SERVICES
from gateway.main import MIGRATIONS_DIR
from gateway.policy import POLICY, PolicyTable, Rule
from shared.migrations import head_revision
from tests.gateway.conftest import BIG, GatewayAppFactory, GatewayFactory, auth
from tests.support.servers import free_port, serve_in_thread
from tests.support.tokens import make_token

AUDITOR = auth(make_token("auditor"))
TEST_POLICY = PolicyTable(
    [
        *POLICY,
        Rule("GET", "/api/finance/slow", frozenset({"auditor"})),
        Rule("GET", "/api/finance/big", frozenset({"auditor"})),
        Rule("GET", "/api/finance/chunked", frozenset({"auditor"})),
        Rule("GET", "/api/finance/broken", frozenset({"auditor"})),
        Rule("GET", "/api/finance/moved", frozenset({"auditor"})),
        Rule("GET", "/api/finance/cookie", frozenset({"auditor"})),
        Rule("POST", "/api/finance/upload", frozenset({"auditor"})),
        Rule("GET", "/api/personnel/units/{unit_id}/staff/{staff_id}", frozenset({"unit_liaison"})),
    ]
)


def test_request_reaches_the_service_with_forwarding_headers(gateway: TestClient) -> None:
    response = gateway.get(
        "/api/finance/audit?limit=5&action=x",
        headers={
            **AUDITOR,
            "X-Request-ID": "trace-me",
            "X-Client-Request-ID": "forged",  # the gateway's to set, never a client's
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
    # the gateway mints the id the suite records; the client's own is kept apart
    assert headers["x-request-id"] == response.headers["x-request-id"] != "trace-me"
    assert len(headers["x-request-id"]) == 32
    assert headers["x-client-request-id"] == "trace-me"
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
    gateway = make_gateway(policy=TEST_POLICY, proxy_read_timeout=0.3)
    response = gateway.get("/api/finance/slow", headers=AUDITOR)
    assert response.status_code == 504
    assert response.json()["code"] == "UPSTREAM_TIMEOUT"


def test_large_response_streams_through_whole(make_gateway: GatewayFactory) -> None:
    gateway = make_gateway(policy=TEST_POLICY)
    response = gateway.get("/api/finance/big", headers=AUDITOR)
    assert response.status_code == 200
    assert response.content == b"z" * BIG
    assert response.headers["content-length"] == str(BIG)  # the size, as the service said


def test_an_answer_without_a_length_streams_through_whole(
    make_gateway_app: GatewayAppFactory,
) -> None:
    with serve_in_thread(make_gateway_app(policy=TEST_POLICY)) as url:
        response = httpx.get(f"{url}/api/finance/chunked", headers=AUDITOR, timeout=10)
    assert response.status_code == 200
    assert response.content == b"c" * BIG
    assert response.headers["transfer-encoding"] == "chunked"


def test_an_answer_the_service_breaks_off_is_broken_off_to_the_client(
    make_gateway_app: GatewayAppFactory,
) -> None:
    """Never ended cleanly as though it were whole: a client keeps no half file."""
    with serve_in_thread(make_gateway_app(policy=TEST_POLICY)) as url:
        with pytest.raises(httpx.RemoteProtocolError):
            httpx.get(f"{url}/api/finance/broken", headers=AUDITOR, timeout=10)
        assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200  # still serving


def test_streamed_upload_reaches_the_service(make_gateway: GatewayFactory) -> None:
    gateway = make_gateway(policy=TEST_POLICY)

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(40):
            yield b"u" * 1000

    response = gateway.post("/api/finance/upload", content=chunks(), headers=AUDITOR)
    assert response.status_code == 200
    assert response.json()["body_bytes"] == 40_000


def test_redirects_do_not_reveal_the_service_address(make_gateway: GatewayFactory) -> None:
    gateway = make_gateway(policy=TEST_POLICY)
    response = gateway.get("/api/finance/moved", headers=AUDITOR, follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/api/finance/audit"


@pytest.mark.parametrize(
    "path",
    [
        "/api/personnel/units/%2E%2E/staff/7",  # (a literal .. is resolved by the client)
        "/api/personnel/units/u1/staff/%3Flimit=200",
        "/api/personnel/units/u1/staff/a%2Fb",
        "/api/personnel/units//staff/7",
        "/api/personnel/units/u1/staff/7/",
        "/api/fin%0dance/audit",
        "/api/fin%09ance/audit",
    ],
)
def test_ambiguous_paths_are_refused_before_the_policy(
    make_gateway: GatewayFactory, path: str
) -> None:
    gateway = make_gateway(policy=TEST_POLICY)
    liaison = auth(make_token("unit_liaison"))
    response = gateway.get(path, headers=liaison)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "MALFORMED_PATH"


def test_exactly_the_checked_path_is_forwarded(make_gateway: GatewayFactory) -> None:
    gateway = make_gateway(policy=TEST_POLICY)
    liaison = auth(make_token("unit_liaison"))
    response = gateway.get("/api/personnel/units/u%201/staff/7?x=%2F", headers=liaison)
    assert response.status_code == 200
    assert response.json()["path"] == "/units/u 1/staff/7"
    assert response.json()["query"] == "x=%2F"
    dots = gateway.get("/api/personnel/units/%2E%2E/staff/7", headers=liaison)
    assert dots.status_code == 400
    assert dots.json()["code"] == "MALFORMED_PATH"


def test_a_cookie_set_for_one_caller_is_not_sent_for_the_next(
    make_gateway: GatewayFactory,
) -> None:
    gateway = make_gateway(policy=TEST_POLICY)
    first = gateway.get("/api/finance/cookie", headers=AUDITOR)
    assert "session=for-whoever-asked" in first.headers["set-cookie"], "relayed to its caller"
    gateway.cookies.clear()
    other = auth(make_token("auditor"))
    echoed = gateway.get("/api/finance/audit", headers=other).json()["headers"]
    assert "cookie" not in echoed


def test_client_cannot_choose_its_forwarded_address(gateway: TestClient) -> None:
    spoof = {"X-Forwarded-For": "6.6.6.6", "Forwarded": "for=6.6.6.6", "X-Real-IP": "6.6.6.6"}
    headers = gateway.get("/api/finance/audit", headers={**AUDITOR, **spoof}).json()["headers"]
    assert headers["x-forwarded-for"] == "testclient"
    assert "forwarded" not in headers
    assert "x-real-ip" not in headers


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
    # ready at the newest migration (whichever that is now)
    assert gateway.get("/readyz").json()["revision"] == head_revision(MIGRATIONS_DIR)


def test_health_includes_the_supervisors_account_when_there_is_one(
    make_gateway: GatewayFactory, tmp_path: Path
) -> None:
    status_file = tmp_path / "supervisor.json"
    gateway = make_gateway(supervisor_status_file=str(status_file))
    assert "supervisor" not in gateway.get("/healthz").json(), "no file, nothing said"
    running = {"state": "running", "pid": 7, "restarts": 1, "last_exit": -9}
    account = {"given_up": [], "processes": {"finance": running}}
    status_file.write_text(json.dumps(account))
    health = gateway.get("/healthz").json()
    assert health["status"] == "ok" and health["supervisor"] == account
    given_up = {"state": "given_up", "pid": None, "restarts": 5, "last_exit": 3}
    account = {"given_up": ["treasury"], "processes": {"treasury": given_up}}
    status_file.write_text(json.dumps(account))
    health = gateway.get("/healthz").json()
    assert health["status"] == "degraded", "a process given up on leaves the suite degraded"
    assert health["supervisor"]["given_up"] == ["treasury"]
    assert health["services"] == dict.fromkeys(SERVICES, "up")
