"""Idempotency-Key: a replay returns the stored response; a changed body is refused."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.tokens import make_token


def _headers(key: str | None, sub: str = "officer-1") -> dict[str, str]:
    headers = {"Authorization": f"Bearer {make_token('finance_officer', sub=sub)}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


def _audit_total(client: TestClient) -> int:
    auditor = {"Authorization": f"Bearer {make_token('auditor')}"}
    total: int = client.get("/audit", headers=auditor).json()["total"]
    return total


def test_replay_returns_the_stored_response_and_applies_once(client: TestClient) -> None:
    body = {"amount": "1200.00", "payee": "Jingzhou Printing Co."}
    first = client.post("/test/transfers", json=body, headers=_headers("pay-1"))
    second = client.post("/test/transfers", json=body, headers=_headers("pay-1"))
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    assert _audit_total(client) == 1


def test_same_key_with_a_different_body_is_refused(client: TestClient) -> None:
    client.post("/test/transfers", json={"amount": "5.00", "payee": "A"}, headers=_headers("pay-2"))
    changed = client.post(
        "/test/transfers", json={"amount": "500.00", "payee": "A"}, headers=_headers("pay-2")
    )
    assert changed.status_code == 422
    assert changed.headers["content-type"] == "application/problem+json"
    assert changed.json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert _audit_total(client) == 1


def test_keys_are_scoped_to_the_caller(client: TestClient) -> None:
    body = {"amount": "5.00", "payee": "A"}
    a = client.post("/test/transfers", json=body, headers=_headers("shared-key", sub="alice"))
    b = client.post("/test/transfers", json=body, headers=_headers("shared-key", sub="bob"))
    assert a.json()["id"] != b.json()["id"]
    assert _audit_total(client) == 2


def test_money_moving_post_without_a_key_is_refused(client: TestClient) -> None:
    response = client.post(
        "/test/transfers", json={"amount": "5.00", "payee": "A"}, headers=_headers(None)
    )
    assert response.status_code == 400
    assert response.json()["code"] == "IDEMPOTENCY_KEY_REQUIRED"
    assert _audit_total(client) == 0


def test_failed_request_does_not_burn_the_key(client: TestClient) -> None:
    bad = client.post(
        "/test/transfers", json={"amount": "lots", "payee": "A"}, headers=_headers("pay-3")
    )
    assert bad.status_code == 422
    good = client.post(
        "/test/transfers", json={"amount": "7.00", "payee": "A"}, headers=_headers("pay-3")
    )
    assert good.status_code == 201
    assert "Idempotent-Replayed" not in good.headers


def test_replay_keeps_the_location_header(client: TestClient) -> None:
    body = {"amount": "3.00", "payee": "A"}
    first = client.post("/test/transfers", json=body, headers=_headers("pay-loc"))
    again = client.post("/test/transfers", json=body, headers=_headers("pay-loc"))
    assert (
        again.headers["location"]
        == first.headers["location"]
        == f"/test/transfers/{first.json()['id']}"
    )


def test_concurrent_requests_with_one_key_apply_once(engine) -> None:  # type: ignore[no-untyped-def]
    """Eight clients retry the same payment at the same moment: one effect, eight equal answers."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    from shared.app import create_service_app
    from shared.config import ServiceSettings
    from tests.shared.conftest import TEST_SPEC
    from tests.support.servers import serve_in_thread
    from tests.support.tokens import verifier

    app = create_service_app(
        TEST_SPEC,
        ServiceSettings(service_name="finance"),
        engine=engine,
        verifier=verifier(),
        run_relay=False,
        access_log=False,
    )
    body = {"amount": "880.00", "payee": "Treasury"}
    with serve_in_thread(app) as url, httpx.Client(base_url=url, timeout=30) as http:

        def post(_: int) -> httpx.Response:
            return http.post("/test/transfers", json=body, headers=_headers("same-moment"))

        with ThreadPoolExecutor(8) as pool:
            responses = list(pool.map(post, range(8)))
        auditor = {"Authorization": f"Bearer {make_token('auditor')}"}
        total = http.get("/audit", headers=auditor).json()["total"]
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["id"] for r in responses}) == 1
    assert total == 1
