"""``make run``'s demo seeding (deploy/demo.py): every component seeds itself through its own
code, and the ids one hands the next agree across the databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import col, select

from deploy.cli import migrate
from deploy.components import ALL, BY_NAME, GATEWAY, unit_of_work
from deploy.demo import seed_demo
from gateway.identity.models import User
from services.assets.realestate.models import Room
from services.finance.units.models import BudgetUnit
from services.personnel import demo as personnel_demo


def test_the_demo_books_and_users_refer_to_personnel_s_units(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for component in ALL:
        url = f"sqlite:///{tmp_path}/{component.name}.db"
        monkeypatch.setenv(f"{component.env_prefix}DATABASE_URL", url)
    migrate("all")
    seed_demo("demo-password")
    assert "personnel: demo units" in capsys.readouterr().err

    with unit_of_work(BY_NAME["personnel"]) as session:
        units = personnel_demo.budget_units(session)
        bureau = personnel_demo.bureau_member(session)
    assert len(units) == 31 and bureau is not None
    assert bureau[0] == next(unit_id for unit_id, code, _ in units if code == "AAB")
    with unit_of_work(BY_NAME["finance"]) as session:
        books = {(u.id, u.code) for u in session.exec(select(BudgetUnit))}
    assert books == {(unit_id, code) for unit_id, code, _ in units}, "same ids and codes"
    with unit_of_work(BY_NAME["assets"]) as session:
        room_units = set(session.exec(select(Room.unit_id).where(col(Room.unit_id).is_not(None))))
    assert room_units == {unit_id for unit_id, _, _ in units}, "offices for every unit, by id"
    from services.assets.realestate.models import Compound
    from services.facilities.inspections.models import InspectionRound

    with unit_of_work(BY_NAME["assets"]) as session:
        compounds = set(session.exec(select(Compound.id)))
    with unit_of_work(BY_NAME["facilities"]) as session:
        inspected = set(session.exec(select(InspectionRound.compound_id)))
    assert inspected == compounds and len(compounds) == 6, "facilities inspects assets' compounds"
    with unit_of_work(GATEWAY) as session:
        users = {u.username: (u.unit_id, u.staff_id) for u in session.exec(select(User))}
        ids = {u.username: str(u.id) for u in session.exec(select(User))}
    # imported here: at collection, a lone payments model would leave its foreign keys to
    # tables not yet imported dangling in the shared metadata other tests compare against
    from services.finance.claims.models import Claim
    from services.finance.payments.models import Payment

    with unit_of_work(BY_NAME["finance"]) as session:
        claimed = select(Claim.payment_id).where(col(Claim.payment_id).is_not(None))
        requesters = set(
            session.exec(select(Payment.requested_by).where(col(Payment.id).not_in(claimed)))
        )
        claims = set(session.exec(select(Claim.status)))
        claim_payers = set(
            session.exec(select(Payment.requested_by).where(col(Payment.id).in_(claimed)))
        )
        approvers = set(
            session.exec(select(Payment.approved_by).where(col(Payment.approved_by).is_not(None)))
        )
    # made in the names of the demo users who sign in: the self-approval rule can match them
    assert requesters == {ids["finance.officer"]}
    assert approvers == {ids["finance.approver"]}
    # claims in each state, paid as requested by their claimants (demo staff)
    assert {"draft", "submitted", "approved", "rejected", "withdrawn"} <= claims
    assert claim_payers and all(p.startswith("demo:staff.") for p in claim_payers)
    assert users["unit.liaison"] == (str(bureau[0]), None)
    assert users["staff"] == (str(bureau[0]), str(bureau[1]))
    assert users["auditor"] == (None, None)

    from services.finance.payroll.models import PayrollRun, Payslip

    with unit_of_work(BY_NAME["finance"]) as session:
        runs = sorted(session.exec(select(PayrollRun)), key=lambda r: (r.year, r.month))
        slips = {
            r.id: len(session.exec(select(Payslip.id).where(Payslip.run_id == r.id)).all())
            for r in runs
        }
    assert [r.status for r in runs] == ["paid", "computed"], "last month paid, this month computed"
    assert slips[runs[0].id] == slips[runs[1].id] == runs[0].slips > 1000, "the whole organisation"
    assert runs[0].approved_by == ids["finance.approver"]

    seed_demo("demo-password")
    assert "created" not in capsys.readouterr().err, "a second run changes nothing"
    with unit_of_work(BY_NAME["finance"]) as session:
        assert len(session.exec(select(PayrollRun)).all()) == 2, "no run added"
