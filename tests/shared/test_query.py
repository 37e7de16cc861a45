"""Query strings hold only what the operation declares, each single value once."""

from __future__ import annotations

from typing import Annotated

from fastapi import FastAPI, Query
from fastapi.testclient import TestClient

from shared.problems import install_problem_handlers
from shared.routing import Router


def _client() -> TestClient:
    router = Router()

    @router.get("/things")
    def things(
        unit_id: str | None = None, status: Annotated[list[str] | None, Query()] = None
    ) -> dict[str, object]:
        return {"unit_id": unit_id, "status": status}

    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(router)
    return TestClient(app)


def test_declared_parameters_pass_and_a_list_may_repeat() -> None:
    client = _client()
    assert client.get("/things").json() == {"unit_id": None, "status": None}
    answer = client.get("/things?unit_id=u1&status=a&status=b")
    assert answer.json() == {"unit_id": "u1", "status": ["a", "b"]}


def test_a_misspelt_parameter_is_refused_rather_than_ignored() -> None:
    answer = _client().get("/things?unit=u1")
    assert answer.status_code == 422
    assert answer.json()["code"] == "UNKNOWN_QUERY_PARAMETER"
    assert "'unit'" in answer.json()["detail"] and "unit_id" in answer.json()["detail"]


def test_a_single_parameter_given_twice_is_refused_rather_than_the_last_kept() -> None:
    answer = _client().get("/things?unit_id=u1&unit_id=u2")
    assert answer.status_code == 422
    assert answer.json()["code"] == "REPEATED_QUERY_PARAMETER"
