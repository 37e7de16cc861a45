"""Payroll runs: worked payslips per grade (hand-computed), standards chosen by date, maker–
checker, budget control, personnel down mid-run, payment and a treasury rejection re-paid
once, staff reading only their own payslips, roles."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session

from services.finance.payroll import payment, treasury_file
from tests.finance.conftest import APPROVER, AUDITOR, OFFICER, OFFICER_2, ok
from tests.finance.iso20022_support import pain_xsd, parsed, texts
from tests.finance.payroll_support import (
    FakePersonnel,
    Staff,
    attach,
    computed,
    lines,
    new_run,
    open_books,
    report,
    slips,
)
from tests.finance.standards_support import issue_demo_set
from tests.support.tokens import bearer

YEAR, MONTH = 2026, 3
POSTED = date(2021, 3, 1)  # five whole years on 2026-03-01: step 3


@pytest.fixture
def books(app: FastAPI, client: TestClient) -> tuple[FakePersonnel, str]:
    issue_demo_set(client)
    unit = open_books(client, YEAR, MONTH, "PAY", "1000000.00")
    grades = ("excellent", "competent", "basically_competent", "incompetent", None)
    fake = FakePersonnel(
        [
            Staff(f"S{n:03d}", f"员工{n}", _uuid(unit), "clerk", POSTED, grade=g)
            for n, g in enumerate(grades, start=1)
        ]
        + [Staff("R001", "退休甲", _uuid(unit), "clerk", date(2020, 1, 1), status="retired")]
    )
    attach(app, fake)
    return fake, unit


def _uuid(text: str) -> uuid.UUID:
    return uuid.UUID(text)


# grade → (gross, contributions, tax, net), by hand: clerk step 3 = 3520, position 1300,
# contributions 26.5 % of gross (8 + 2 + 0.5 + 4 + 12), first month's exemption 5000, 3 %
WORKED = {
    "S001": ("excellent", "8320.00", "2204.80", "33.46", "6081.74"),
    "S002": ("competent", "7720.00", "2045.80", "20.23", "5653.97"),
    "S003": ("basically_competent", "6920.00", "1833.80", "2.59", "5083.61"),
    "S004": ("incompetent", "5420.00", "1436.30", "0.00", "3983.70"),
    "S005": ("ungraded", "7520.00", "1992.80", "15.82", "5511.38"),
}


def test_worked_payslips_per_grade(client: TestClient, books: Any) -> None:
    run = computed(client, YEAR, MONTH)
    assert run["status"] == "computed" and run["slips"] == 6
    found = slips(client, run["id"])
    for staff_no, (grade, gross, contributions, tax, net) in WORKED.items():
        slip = found[staff_no]
        assert (slip["grade"], slip["step"]) == (grade, 3)
        assert (slip["gross"], slip["contributions"], slip["tax"], slip["net"]) == (
            gross,
            contributions,
            tax,
            net,
        ), staff_no
    competent = lines(found["S002"])
    assert competent == {
        "base": "3520.00",
        "position_allowance": "1300.00",
        "performance": "2000.00",
        "welfare": "900.00",
        "pension": "617.60",
        "medical": "154.40",
        "unemployment": "38.60",
        "occupational_annuity": "308.80",
        "housing_fund": "926.40",
        "income_tax": "20.23",
    }
    base = found["S002"]["lines"][0]
    assert (base["standard_kind"], base["standard_version"]) == ("salary_scale", 1)
    assert "rank clerk, step 3" in base["trace"]
    assert "grade competent" in found["S002"]["lines"][2]["trace"]
    retiree = found["R001"]
    assert (retiree["kind"], retiree["net"], retiree["tax"]) == ("retiree", "4200.00", "0.00")
    assert lines(retiree) == {"retirement_pay": "4200.00"}
    total = sum(float(s["net"]) for s in found.values())
    assert run["net"] == f"{total:.2f}"


def test_salary_scale_version_by_date(client: TestClient, books: Any) -> None:
    """July 2026 pays by salary_scale v2 (3 % rise): clerk step 3 = 3630."""
    before = slips(client, computed(client, 2026, 6)["id"])["S002"]
    after = slips(client, computed(client, 2026, 7)["id"])["S002"]
    assert (before["lines"][0]["amount"], before["lines"][0]["standard_version"]) == (
        "3520.00",
        1,
    )
    assert (after["lines"][0]["amount"], after["lines"][0]["standard_version"]) == ("3630.00", 2)


def test_recompute_until_approved_then_frozen(client: TestClient, books: Any) -> None:
    fake, _ = books
    run = computed(client, YEAR, MONTH)
    fake.people[1].grade = "excellent"
    again = ok(client.post(f"/payroll-runs/{run['id']}/compute", headers=OFFICER))
    assert again["slips"] == 6 and slips(client, run["id"])["S002"]["net"] == "6081.74"
    ok(client.post(f"/payroll-runs/{run['id']}/approve", headers=APPROVER))
    frozen = client.post(f"/payroll-runs/{run['id']}/compute", headers=OFFICER)
    assert frozen.status_code == 409 and frozen.json()["code"] == "RUN_STATE"


def test_maker_checker(client: TestClient, books: Any) -> None:
    run = computed(client, YEAR, MONTH)
    preparer = bearer("finance_officer", "finance_approver", sub="officer-1")
    refused = client.post(f"/payroll-runs/{run['id']}/approve", headers=preparer)
    assert refused.status_code == 403 and refused.json()["code"] == "SELF_APPROVAL"
    assert client.post(f"/payroll-runs/{run['id']}/approve", headers=OFFICER).status_code == 403
    draft = new_run(client, YEAR, 4)
    early = client.post(f"/payroll-runs/{draft['id']}/approve", headers=APPROVER)
    assert early.status_code == 409 and early.json()["code"] == "RUN_STATE"
    done = ok(client.post(f"/payroll-runs/{run['id']}/approve", headers=APPROVER))
    assert (done["status"], done["approved_by"]) == ("approved", "approver-1")


def test_budget_control_at_approval(client: TestClient, books: Any) -> None:
    fake, _ = books
    poor = open_books(client, YEAR, MONTH, "POOR", "100.00")
    fake.people.append(Staff("P001", "穷", _uuid(poor), "clerk", POSTED, grade="competent"))
    run = computed(client, YEAR, MONTH)
    refused = client.post(f"/payroll-runs/{run['id']}/approve", headers=APPROVER)
    assert refused.status_code == 409 and refused.json()["code"] == "INSUFFICIENT_FUNDS"
    assert ok(client.get(f"/payroll-runs/{run['id']}", headers=OFFICER))["status"] == "computed"
    lines_ = ok(client.get("/appropriations?fiscal_year=2026", headers=OFFICER))["items"]
    assert all(line["committed"] == "0.00" for line in lines_), "nothing stays reserved"


def test_no_budget_line(client: TestClient, books: Any) -> None:
    run = computed(client, YEAR, 5)  # the line has no plan for May
    refused = client.post(f"/payroll-runs/{run['id']}/approve", headers=APPROVER)
    assert refused.status_code == 409 and refused.json()["code"] == "NO_PAYROLL_BUDGET"


def test_personnel_down_mid_run(client: TestClient, books: Any) -> None:
    fake, _ = books
    run = new_run(client, YEAR, MONTH)
    fake.fail_after = 2  # the serving staff and their grades; the retirees' read fails
    down = client.post(f"/payroll-runs/{run['id']}/compute", headers=OFFICER)
    assert down.status_code == 503 and down.json()["code"] == "PEER_UNAVAILABLE"
    unchanged = ok(client.get(f"/payroll-runs/{run['id']}", headers=OFFICER))
    assert (unchanged["status"], unchanged["slips"]) == ("draft", 0)
    assert slips(client, run["id"]) == {}
    refused = client.post(f"/payroll-runs/{run['id']}/approve", headers=APPROVER)
    assert refused.status_code == 409, "a half-computed run is never approved"
    fake.fail_after = None
    again = ok(client.post(f"/payroll-runs/{run['id']}/compute", headers=OFFICER))
    assert (again["status"], again["slips"]) == ("computed", 6)


def test_person_on_one_run_a_month(client: TestClient, books: Any) -> None:
    computed(client, YEAR, MONTH)
    other = new_run(client, YEAR, MONTH)
    refused = client.post(f"/payroll-runs/{other['id']}/compute", headers=OFFICER)
    assert refused.status_code == 409 and refused.json()["code"] == "STAFF_IN_OTHER_RUN"


def _paid(
    client: TestClient, app: FastAPI, books: Any, without_account: str | None = "S003"
) -> tuple[dict[str, Any], list[Any]]:
    for n, staff in enumerate(books[0].people):
        if staff.staff_no != without_account:
            body = {"account": f"62220000{n:08d}", "bank": "ICBC City Branch"}
            ok(client.put(f"/salary-accounts/{staff.staff_id}", json=body, headers=OFFICER))
    run = computed(client, YEAR, MONTH)
    ok(client.post(f"/payroll-runs/{run['id']}/approve", headers=APPROVER))
    paid = ok(
        client.post(f"/payroll-runs/{run['id']}/pay", json={"channel": "file"}, headers=OFFICER)
    )
    assert paid["status"] == "paid"
    transfers = ok(client.get(f"/payroll-transfers?run_id={run['id']}&limit=200", headers=OFFICER))[
        "items"
    ]
    return run, transfers


def test_pay_then_a_rejection_repaid_once(client: TestClient, app: FastAPI, books: Any) -> None:
    run, transfers = _paid(client, app, books)
    staff = [t for t in transfers if t["payee_kind"] == "staff"]
    withheld = {t["payee_kind"]: t["amount"] for t in transfers if t["payee_kind"] != "staff"}
    assert len(staff) == 6
    assert withheld == {
        "tax": "72.10",  # 33.46 + 20.23 + 2.59 + 0 + 15.82 (the retiree pays none)
        "social_insurance": "5205.50",
        "housing_fund": "4308.00",
    }
    no_account = [t for t in staff if t["status"] == "no_account"]
    assert [t["amount"] for t in no_account] == ["5083.61"]
    document = client.get(f"/payroll-runs/{run['id']}/pain001", headers=OFFICER)
    assert document.status_code == 200 and b"<NbOfTxs>8</NbOfTxs>" in document.content
    rejected = next(t for t in staff if t["status"] == "submitting")
    for t in transfers:
        if t["instruction_id"] is not None:
            report(app, t["instruction_id"], "rejected" if t is rejected else "settled", "AC04")
    exceptions = ok(client.get("/payroll-transfers?exceptions=true", headers=OFFICER))["items"]
    assert {t["id"] for t in exceptions} == {rejected["id"], no_account[0]["id"]}
    assert ok(client.get(f"/payroll-runs/{run['id']}", headers=OFFICER))["status"] == "paid"
    fixed = {"account": "62229999000000001", "bank": "CCB City Branch"}
    again = ok(
        client.post(f"/payroll-transfers/{rejected['id']}/repay", json=fixed, headers=OFFICER),
        201,
    )
    assert (again["attempt"], again["account"], again["status"]) == (
        2,
        fixed["account"],
        "submitting",
    )
    twice = client.post(f"/payroll-transfers/{rejected['id']}/repay", json=fixed, headers=OFFICER)
    assert twice.status_code == 409 and twice.json()["code"] == "NOT_AN_EXCEPTION"
    no_acct = client.post(
        f"/payroll-transfers/{no_account[0]['id']}/repay", json={}, headers=OFFICER
    )
    assert no_acct.status_code == 422 and no_acct.json()["code"] == "NO_ACCOUNT"
    third = ok(
        client.post(
            f"/payroll-transfers/{no_account[0]['id']}/repay",
            json={"account": "62228888000000003", "bank": "BOC"},
            headers=OFFICER,
        ),
        201,
    )
    report(app, again["instruction_id"], "settled")
    report(app, third["instruction_id"], "settled")
    closed = ok(client.get(f"/payroll-runs/{run['id']}", headers=OFFICER))
    assert closed["status"] == "closed"
    balance = ok(client.get("/ledger/trial-balance", headers=OFFICER))
    assert balance["balanced"] is True
    line = ok(client.get("/appropriations?fiscal_year=2026", headers=OFFICER))["items"][0]
    assert (line["committed"], line["paid"]) == ("0.00", run["gross"])


def test_pain001_is_checked_first_then_streamed(
    client: TestClient, app: FastAPI, books: Any
) -> None:
    draft = new_run(client, YEAR, MONTH + 1)
    nothing = client.get(f"/payroll-runs/{draft['id']}/pain001", headers=OFFICER)
    assert nothing.status_code == 409 and nothing.json()["code"] == "NOTHING_TO_EXPORT"
    run, transfers = _paid(client, app, books)
    filed = [t for t in transfers if t["instruction_id"] is not None]
    response = client.get(f"/payroll-runs/{run['id']}/pain001", headers=OFFICER)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml"
    assert int(response.headers["content-length"]) == len(response.content)
    pain_xsd().validate(response.content)
    root = parsed(response.content)
    (message_id,) = texts(root, "CstmrCdtTrfInitn/GrpHdr/MsgId")
    disposition = f'attachment; filename="{message_id}.xml"'
    assert response.headers["content-disposition"] == disposition
    tx = "CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf/"
    assert sorted(texts(root, tx + "PmtId/EndToEndId")) == sorted(
        t["instruction_id"] for t in filed
    )
    total = sum(Decimal(t["amount"]) for t in filed)
    assert texts(root, "CstmrCdtTrfInitn/GrpHdr/CtrlSum") == [f"{total:.2f}"]
    assert texts(root, "CstmrCdtTrfInitn/PmtInf/NbOfTxs") == [str(len(filed))]
    assert sum(Decimal(a) for a in texts(root, tx + "Amt/InstdAmt")) == total

    # a transfer that breaks a rule is refused before any byte is sent, naming it
    broken = filed[3]["instruction_id"]
    with app.state.engine.begin() as conn:
        conn.execute(
            text("UPDATE finance_payroll_transfer SET account = 'A B' WHERE instruction_id = :i"),
            {"i": broken},
        )
    refused = client.get(f"/payroll-runs/{run['id']}/pain001", headers=OFFICER)
    assert refused.status_code == 422 and refused.json()["code"] == "NOT_EXPORTABLE"
    assert "creditor.account: must not contain whitespace" in refused.json()["detail"]


def test_pain001_read_again_otherwise_is_never_finished(
    client: TestClient, app: FastAPI, books: Any
) -> None:
    """The pieces read the transfers again after the check: should they differ, the document
    ends unfinished (not well-formed), never with other totals than it declares."""
    run, transfers = _paid(client, app, books)
    engine = app.state.engine
    treasury = payment.Treasury("Treasury", "110060224018000012345")
    with Session(engine) as session:
        export = treasury_file.pain001(
            session, engine, run_id=uuid.UUID(run["id"]), treasury=treasury
        )
    filed = [t for t in transfers if t["instruction_id"] is not None]
    with engine.begin() as conn:
        raised = "UPDATE finance_payroll_transfer SET amount = amount + 1 WHERE instruction_id = :i"
        conn.execute(text(raised), {"i": filed[-1]["instruction_id"]})
    sent: list[bytes] = []
    with pytest.raises(ValueError, match="the document is left unfinished"):
        sent.extend(export.pieces)
    assert b"</Document>" not in b"".join(sent)  # (this small one is one piece: not sent)


def test_staff_read_only_their_own(client: TestClient, app: FastAPI, books: Any) -> None:
    fake, unit = books
    run, _ = _paid(client, app, books)
    me = fake.people[1]
    token = bearer("staff", sub="s2", staff_id=str(me.staff_id))
    mine = ok(client.get("/payslips/mine", headers=token))["items"]
    assert [s["staff_no"] for s in mine] == ["S002"]
    assert ok(client.get(f"/payslips/{mine[0]['id']}", headers=token))["net"] == "5653.97"
    other = slips(client, run["id"])["S001"]["id"]
    assert client.get(f"/payslips/{other}", headers=token).status_code == 404
    assert client.get(f"/payroll-runs/{run['id']}/payslips", headers=token).status_code == 403
    xlsx = client.get(f"/payslips/{mine[0]['id']}/export?format=xlsx", headers=token)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    pdf = client.get(f"/payslips/{mine[0]['id']}/export", headers=token)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    body = pdf.content
    assert body.startswith(b"%PDF-1.4") and b"/BaseFont /STSong-Light" in body
    assert b"<5DE58D445355" in body, "工资单 in the font's UCS-2 codes"
    xref = int(body.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    assert body[xref : xref + 4] == b"xref", "the cross-reference table is where it says"
    liaison = bearer("unit_liaison", sub="l1", unit_id=unit)
    totals = ok(client.get(f"/payroll-runs/{run['id']}/unit-totals", headers=liaison))["items"]
    assert [t["net"] for t in totals] == [run["net"]]
    assert client.get(f"/payroll-runs/{run['id']}/payslips", headers=liaison).status_code == 403
    bank = client.get(f"/payroll-runs/{run['id']}/units/{unit}/bank-file", headers=OFFICER)
    assert bank.status_code == 200 and bank.text.count("\n") == 6  # header + 5 with accounts
    assert client.get(f"/payslips/{other}", headers=AUDITOR).status_code == 200


def test_roles(client: TestClient, books: Any) -> None:
    run = new_run(client, YEAR, MONTH)
    rid = run["id"]
    liaison = bearer("unit_liaison", sub="l1", unit_id=books[1])
    staff = bearer("staff", sub="s1")
    denied = [
        ("POST", "/payroll-runs", AUDITOR),
        ("GET", "/payroll-runs", liaison),
        ("POST", f"/payroll-runs/{rid}/compute", APPROVER),
        ("POST", f"/payroll-runs/{rid}/approve", OFFICER_2),
        ("POST", f"/payroll-runs/{rid}/pay", AUDITOR),
        ("GET", f"/payroll-runs/{rid}/pain001", AUDITOR),
        ("GET", f"/payroll-runs/{rid}/payslips", staff),
        ("GET", f"/payroll-runs/{rid}/unit-totals", staff),
        ("GET", f"/payroll-runs/{rid}/units/{books[1]}/bank-file", AUDITOR),
        ("GET", f"/payroll-runs/{rid}/units/{books[1]}/summary", liaison),
        ("GET", "/payslips/mine", OFFICER),
        ("GET", f"/payslips/{rid}", liaison),
        ("GET", f"/payslips/{rid}/export", liaison),
        ("GET", "/payroll-transfers", liaison),
        ("POST", f"/payroll-transfers/{rid}/repay", AUDITOR),
        ("POST", "/salary-accounts/bulk", APPROVER),
        ("GET", f"/salary-accounts/{rid}", staff),
        ("PUT", f"/salary-accounts/{rid}", APPROVER),
        ("GET", "/pay-adjustments", staff),
    ]
    for method, path, headers in denied:
        response = client.request(method, path, headers=headers, json={})
        assert response.status_code == 403, (method, path, response.text)
        assert client.request(method, path, json={}).status_code == 401, (method, path)


def test_a_return_is_an_exception_paid_again(client: TestClient, app: FastAPI, books: Any) -> None:
    run, transfers = _paid(client, app, books)
    sent = [t for t in transfers if t["instruction_id"] is not None]
    for t in sent:
        report(app, t["instruction_id"], "settled")
    back = next(t for t in sent if t["payee_kind"] == "staff")
    report(app, back["instruction_id"], "returned", "AC04")
    [returned] = [
        t
        for t in ok(client.get("/payroll-transfers?exceptions=true", headers=OFFICER))["items"]
        if t["status"] == "returned"
    ]
    assert returned["id"] == back["id"]
    line = ok(client.get("/appropriations?fiscal_year=2026", headers=OFFICER))["items"][0]
    owed = [t["amount"] for t in transfers if t["status"] == "no_account"] + [back["amount"]]
    assert line["committed"] == f"{sum(float(a) for a in owed):.2f}", "held for re-payment"
    assert ok(client.get("/ledger/trial-balance", headers=OFFICER))["balanced"] is True
    again = ok(client.post(f"/payroll-transfers/{back['id']}/repay", json={}, headers=OFFICER), 201)
    assert (again["attempt"], again["account"]) == (2, back["account"])
    report(app, again["instruction_id"], "settled")
    still = ok(client.get(f"/payroll-runs/{run['id']}", headers=OFFICER))
    assert still["status"] == "paid", "the account-less payee is still owed"


def test_a_return_reopens_a_closed_run_until_its_repayment_settles(
    client: TestClient, app: FastAPI, books: Any
) -> None:
    run, transfers = _paid(client, app, books, without_account=None)
    for t in transfers:
        report(app, t["instruction_id"], "settled")
    closed = ok(client.get(f"/payroll-runs/{run['id']}", headers=OFFICER))
    assert closed["status"] == "closed" and closed["closed_at"] is not None
    back = next(t for t in transfers if t["payee_kind"] == "staff")
    for _ in range(2):  # the return is heard twice
        report(app, back["instruction_id"], "returned", "AC04")
    reopened = ok(client.get(f"/payroll-runs/{run['id']}", headers=OFFICER))
    assert (reopened["status"], reopened["closed_at"], reopened["version"]) == (
        "paid",
        None,
        closed["version"] + 1,
    ), "a payee is owed again"
    line = ok(client.get("/appropriations?fiscal_year=2026", headers=OFFICER))["items"][0]
    assert line["committed"] == back["amount"]
    again = ok(client.post(f"/payroll-transfers/{back['id']}/repay", json={}, headers=OFFICER), 201)
    for _ in range(2):  # and so is the re-payment's settlement
        report(app, again["instruction_id"], "settled")
    final = ok(client.get(f"/payroll-runs/{run['id']}", headers=OFFICER))
    assert (final["status"], final["version"]) == ("closed", reopened["version"] + 1)
    assert final["closed_at"] is not None
    line = ok(client.get("/appropriations?fiscal_year=2026", headers=OFFICER))["items"][0]
    assert (line["committed"], line["paid"]) == ("0.00", run["gross"])
    audit = ok(
        client.get(
            "/audit",
            params={"resource_type": "payroll_run", "resource_id": run["id"], "limit": 50},
            headers=AUDITOR,
        )
    )
    changes = [e for e in reversed(audit["items"]) if e["action"] in _FOLLOWED]
    assert [(e["action"], e["before"]["status"], e["after"]["status"]) for e in changes] == [
        ("payroll_run.closed", "paid", "closed"),
        ("payroll_run.reopened", "closed", "paid"),
        ("payroll_run.closed", "paid", "closed"),
    ]
    assert changes[1]["after"]["returned"] == back["instruction_id"]
    assert changes[1]["after"]["reason_code"] == "AC04"


_FOLLOWED = ("payroll_run.closed", "payroll_run.reopened")
