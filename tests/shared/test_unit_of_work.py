"""The transaction rule: a request's work commits once after the handler succeeded, rolls back
when it raised, runs after-commit work only after a commit, and can answer with what that work
did. A returned problem keeps its record; a raised one does not."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi import APIRouter, Depends, Response
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import Engine, func, select
from sqlmodel import Session

from shared.audit import AuditDep
from shared.auth import require_roles
from shared.db import SessionDep, after_commit, answer_after_commit, unit_of_work
from shared.problems import Invalid, problem_response
from shared.tables import platform_tables
from shared.types import utcnow
from tests.shared.conftest import TEST_SPEC, build_app
from tests.support.tokens import bearer

router = APIRouter(prefix="/uow", dependencies=[Depends(require_roles("finance_officer"))])
sent: list[str] = []


class Count(BaseModel):
    entries: int
    sent: list[str]


def _entries(session: Session) -> int:
    audit = platform_tables("finance").audit
    return int(session.execute(select(func.count()).select_from(audit)).scalar_one())


@router.post("/ok")
def succeeds(session: SessionDep, audit: AuditDep) -> Count:
    audit.record(session, action="uow.ok", resource_type="test")
    after_commit(session, lambda: sent.append("ok"))
    return Count(entries=0, sent=list(sent))


@router.post("/fails")
def fails(session: SessionDep, audit: AuditDep) -> Count:
    audit.record(session, action="uow.fails", resource_type="test")
    after_commit(session, lambda: sent.append("fails"))
    raise Invalid("NOPE", "the rule says no")


@router.post("/refused")
def refused(session: SessionDep, audit: AuditDep) -> Response:
    audit.record(session, action="uow.refused", resource_type="test")
    return problem_response(401, "REFUSED", "kept on record")


@router.post("/answer", status_code=202)
def answers_after_commit(session: SessionDep, audit: AuditDep) -> Response:
    audit.record(session, action="uow.answer", resource_type="test")
    after_commit(session, lambda: sent.append("answer"))
    return answer_after_commit(
        session, lambda: Count(entries=_entries(session), sent=list(sent)), status_code=202
    )


@pytest.fixture
def uow_client(engine: Engine) -> Iterator[TestClient]:
    sent.clear()
    with build_app(engine, replace(TEST_SPEC, routers=[router])) as client:
        yield client


OFFICER = bearer("finance_officer")


def _count(engine: Engine) -> int:
    with Session(engine) as session:
        return _entries(session)


def test_a_successful_handler_commits_once_then_runs_after_commit_work(
    uow_client: TestClient, engine: Engine
) -> None:
    response = uow_client.post("/uow/ok", headers=OFFICER)
    assert response.status_code == 200
    assert response.json()["sent"] == []  # the handler ran before the commit
    assert sent == ["ok"]
    assert _count(engine) == 1


def test_a_raised_problem_rolls_back_and_skips_after_commit_work(
    uow_client: TestClient, engine: Engine
) -> None:
    response = uow_client.post("/uow/fails", headers=OFFICER)
    assert response.status_code == 422 and response.json()["code"] == "NOPE"
    assert sent == []
    assert _count(engine) == 0


def test_a_returned_problem_keeps_what_was_recorded(uow_client: TestClient, engine: Engine) -> None:
    response = uow_client.post("/uow/refused", headers=OFFICER)
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert _count(engine) == 1


def test_an_answer_after_commit_shows_what_the_after_commit_work_did(
    uow_client: TestClient, engine: Engine
) -> None:
    response = uow_client.post("/uow/answer", headers=OFFICER)
    assert response.status_code == 202
    assert response.json() == {"entries": 1, "sent": ["answer"]}
    assert int(response.headers["content-length"]) == len(response.content)


def test_a_unit_of_work_outside_a_request_commits_or_rolls_back(engine: Engine) -> None:
    log = platform_tables(TEST_SPEC.name).audit
    with unit_of_work(engine) as session:
        session.execute(log.insert().values(**_row("kept")))

    def failing_block() -> None:
        with unit_of_work(engine) as session:
            session.execute(log.insert().values(**_row("lost")))
            raise RuntimeError("the block failed")

    with pytest.raises(RuntimeError):
        failing_block()
    with Session(engine) as session:
        actions = session.execute(select(log.c.action)).scalars().all()
    assert actions == ["kept"]


def _row(action: str) -> dict[str, object]:
    return {
        "at": utcnow(),
        "actor": "test",
        "roles": "",
        "action": action,
        "resource_type": "test",
        "request_id": "-",
        "prev_hash": "0" * 64,
        "hash": "0" * 64,
    }
