"""Claims against the real personnel app (in process, over ASGI): the claimant's unit and
name, and their rank on each night, are what personnel answers as of each day."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from services.finance.clients.personnel import PersonnelClient
from services.personnel.config import PersonnelSettings
from services.personnel.main import create_app as create_personnel
from tests.finance.claims_support import claim_body, line, raise_claim, submit, trip
from tests.finance.conftest import OFFICER, ok
from tests.finance.standards_support import issue_demo_set
from tests.personnel.conftest import HR
from tests.personnel.conftest import make_unit as make_personnel_unit
from tests.personnel.staffing import hire
from tests.support.databases import Databases
from tests.support.tokens import StaticToken, bearer, verifier


@pytest.fixture
def personnel(databases: Databases) -> Iterator[TestClient]:
    engine = databases.fresh_engine("personnel")
    app = create_personnel(
        PersonnelSettings(), engine=engine, verifier=verifier(), run_relay=False, access_log=False
    )
    with TestClient(app) as c:
        yield c
    engine.dispose()


def test_ranks_and_units_come_from_personnel_as_of_each_day(
    client: TestClient, personnel: TestClient
) -> None:
    unit = make_personnel_unit(personnel, "FINX")
    staff = hire(personnel, 1, unit["id"])  # a clerk since 2025-01-01
    promotion = {
        "effective_from": "2026-03-11",
        "rank_code": "deputy_bureau_chief",
        "reason": "promoted",
    }
    url = f"/staff/{staff['id']}/postings"
    ok(personnel.post(url, json=promotion, headers={**HR, "If-Match": '"1"'}), 201)
    body = {
        "id": unit["id"],
        "code": "FINX",
        "name": "Unit FINX",
        "zba_account": "ZBA-FINX-0001",
        "zba_bank": "Agent Bank",
    }
    ok(client.post("/budget-units", json=body, headers=OFFICER), 201)
    issue_demo_set(client)
    app: Any = client.app
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=personnel.app))
    token = StaticToken("service", sub="service:finance")
    app.state.peers["personnel"] = PersonnelClient(
        "personnel",
        "http://personnel",
        http,
        token,  # type: ignore[arg-type]
        timeout=5,
        retries=0,
    )
    who = bearer("staff", sub="user-1", staff_id=staff["id"])
    lodging = claim_body(
        [trip("北京", "2026-03-10", "2026-03-12")], [line("lodging", "2000.00", 0, "RP1")]
    )
    claim = raise_claim(client, who, lodging)
    assert (claim["unit_id"], claim["staff_name"]) == (unit["id"], staff["name"])
    done = submit(client, claim, who)
    # night of the 10th as a clerk (500), of the 11th as a deputy bureau chief (650)
    assert done["lines"][0]["cap"] == "1150.00"
    assert [t["rank"] for t in done["lines"][0]["trace"]] == ["clerk", "deputy_bureau_chief"]
    before = hire(personnel, 2, unit["id"], effective_from="2026-06-01")
    early = claim_body([trip("成都", "2026-03-10", "2026-03-11")], [line("meals", "10.00", 0)])
    newcomer = bearer("staff", sub="user-2", staff_id=before["id"])
    not_yet = client.post(
        f"/claims/{raise_claim(client, newcomer, early)['id']}/submit", headers=newcomer
    )
    assert (not_yet.status_code, not_yet.json()["code"]) == (422, "NOT_POSTED")
