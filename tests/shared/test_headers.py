"""Every answer says not to sniff its type and not to cache it, once, unless it says otherwise."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.tokens import bearer


def test_answers_carry_the_default_headers_once(client: TestClient) -> None:
    for response in (
        client.get("/healthz"),
        client.get("/audit", headers=bearer("auditor")),
        client.get("/audit"),  # a problem
    ):
        assert response.headers.get_list("x-content-type-options") == ["nosniff"]
        assert response.headers.get_list("cache-control") == ["no-store"]
        assert len(response.headers.get_list("x-request-id")) == 1
