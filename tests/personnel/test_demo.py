"""The run command's demo data: the sizes of the domain, generated once and deterministically."""

from __future__ import annotations

from fastapi.testclient import TestClient

from services.personnel import demo
from services.personnel.staff.identity_numbers import IdVault
from shared.db import unit_of_work
from tests.personnel.conftest import HR
from tests.support.databases import Databases


def test_demo_data_has_the_domain_sizes_and_is_seeded_once(databases: Databases) -> None:
    from services.personnel.config import PersonnelSettings
    from services.personnel.main import create_app
    from tests.support.tokens import verifier

    engine = databases.fresh_engine("personnel")
    vault = IdVault("demo-secret")
    with unit_of_work(engine) as session:
        assert demo.seed(session, vault) is True
    with unit_of_work(engine) as session:
        assert demo.seed(session, vault) is False, "a second run changes nothing"
    app = create_app(
        PersonnelSettings(id_secret="demo-secret"),
        engine=engine,
        verifier=verifier(),
        run_relay=False,
        access_log=False,
    )
    with TestClient(app) as client:
        units = client.get("/units", params={"kind": "budget_unit", "limit": 1}, headers=HR).json()
        assert units["total"] == 31
        assert client.get("/positions", params={"limit": 1}, headers=HR).json()["total"] == 41
        serving = client.get("/staff", params={"status": "serving", "limit": 1}, headers=HR).json()
        assert serving["total"] >= 1000
        retired = client.get("/staff", params={"status": "retired", "limit": 1}, headers=HR).json()
        assert retired["total"] >= 220
        assert client.get("/retirees", params={"limit": 1}, headers=HR).json()["total"] >= 220
        cycles = client.get("/appraisal-cycles", headers=HR).json()["items"]
        assert sorted((c["kind"], c["status"]) for c in cycles) == [
            ("annual", "finalized"),
            ("quarterly", "open"),
        ]
        annual = next(c for c in cycles if c["kind"] == "annual")
        grades = client.get("/grades", params={"year": 2025, "limit": 200}, headers=HR).json()
        assert grades["total"] >= 1000
        assert {g["grade"] for g in grades["items"]} >= {"excellent", "competent"}
        results = client.get(
            f"/appraisal-cycles/{annual['id']}/results", params={"limit": 1}, headers=HR
        ).json()
        assert results["total"] == grades["total"]
        first = client.get("/staff", params={"limit": 1}, headers=HR).json()["items"][0]
        assert first["national_id"][-1] in "0123456789X", "a readable, decrypted ID number"
    engine.dispose()
