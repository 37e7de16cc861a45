"""Approved payments exported as one pain.001 file, valid against the ISO 20022 schema."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from services.finance.payments.models import Payment
from tests.finance.conftest import (
    AUDITOR,
    OFFICER,
    approve,
    grant_quota,
    make_line,
    make_unit,
    ok,
    raise_payment,
)
from tests.finance.iso20022_support import pain_xsd, parsed, texts


def test_batch_of_approved_direct_payments_validates(client: TestClient) -> None:
    unit = make_unit(client)
    line = make_line(client, unit["id"], "100000.00")
    ids = []
    for amount in ("100.10", "200.20", "300.30"):
        payment = raise_payment(
            client, unit["id"], line["id"], amount, payee_bank_code="102100099996"
        )
        ok(approve(client, payment["id"]))
        ids.append(payment["id"])
    response = client.post("/payment-batches/pain001", json={"payment_ids": ids}, headers=OFFICER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    pain_xsd().validate(response.content)
    assert b"<CtrlSum>600.60</CtrlSum>" in response.content
    assert b"<NbOfTxs>3</NbOfTxs>" in response.content
    # the file is their submission: no longer cancellable, never sent over HTTP as well
    exported = ok(client.get(f"/payments/{ids[0]}", headers=AUDITOR))
    assert exported["status"] == "submitting"
    cancel = client.post(f"/payments/{ids[0]}/cancel", json={"reason": "oops"}, headers=OFFICER)
    assert cancel.status_code == 409
    assert client.post(f"/payments/{ids[0]}/submit", headers=OFFICER).status_code == 409
    assert client.app.state.treasury_sender.send_due() == 0  # type: ignore[attr-defined]
    # exporting again gives the same end-to-end ids
    again = client.post("/payment-batches/pain001", json={"payment_ids": ids}, headers=OFFICER)
    assert again.status_code == 200
    e2e = exported["instruction_id"].encode()
    assert e2e in response.content and e2e in again.content
    # an auditor reads, but does not submit by file
    auditor = client.post("/payment-batches/pain001", json={"payment_ids": ids}, headers=AUDITOR)
    assert auditor.status_code == 403


def test_batch_refuses_unapproved_and_mixed_payments(client: TestClient) -> None:
    unit = make_unit(client)
    line = make_line(client, unit["id"], "100000.00")
    pending = raise_payment(client, unit["id"], line["id"], "1.00")
    response = client.post(
        "/payment-batches/pain001", json={"payment_ids": [pending["id"]]}, headers=OFFICER
    )
    assert response.status_code == 409
    # a batch has one payer: direct payments and one unit's authorized payments do not mix
    grant_quota(client, unit["id"], "1000.00")
    direct = raise_payment(client, unit["id"], line["id"], "2.00")
    authorized = raise_payment(client, unit["id"], line["id"], "3.00", method="authorized")
    for payment in (direct, authorized):
        ok(approve(client, payment["id"]))
    mixed = client.post(
        "/payment-batches/pain001",
        json={"payment_ids": [direct["id"], authorized["id"]]},
        headers=OFFICER,
    )
    assert mixed.status_code == 422 and mixed.json()["code"] == "MIXED_BATCH"
    assert ok(client.get(f"/payments/{direct['id']}", headers=AUDITOR))["status"] == "approved"


def test_batch_is_checked_before_it_is_submitted_then_streamed(
    client: TestClient, app: FastAPI
) -> None:
    unit = make_unit(client)
    line = make_line(client, unit["id"], "100000.00")
    payments = [raise_payment(client, unit["id"], line["id"], f"{n}.25") for n in (1, 2, 3)]
    for payment in payments:
        ok(approve(client, payment["id"]))
    ids = [p["id"] for p in payments]
    # a payee account that breaks a rule (whitespace): refused before any byte, nothing
    # submitted
    with Session(app.state.engine) as session:
        row = session.get(Payment, uuid.UUID(ids[1]))
        assert row is not None
        row.payee_account = "6222 0202"
        session.add(row)
        session.commit()
    refused = client.post("/payment-batches/pain001", json={"payment_ids": ids}, headers=OFFICER)
    assert refused.status_code == 422 and refused.json()["code"] == "NOT_EXPORTABLE"
    assert "transfers[1].creditor.account" in refused.json()["detail"]
    assert {ok(client.get(f"/payments/{i}", headers=AUDITOR))["status"] for i in ids} == {
        "approved"
    }
    # mended: the document streamed, read again after the commit, as declared
    with Session(app.state.engine) as session:
        row = session.get(Payment, uuid.UUID(ids[1]))
        assert row is not None
        row.payee_account = "62220202"
        session.add(row)
        session.commit()
    response = client.post("/payment-batches/pain001", json={"payment_ids": ids}, headers=OFFICER)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/xml"
    assert int(response.headers["content-length"]) == len(response.content)
    pain_xsd().validate(response.content)
    root = parsed(response.content)
    (message_id,) = texts(root, "CstmrCdtTrfInitn/GrpHdr/MsgId")
    disposition = f'attachment; filename="{message_id}.xml"'
    assert response.headers["content-disposition"] == disposition
    submitted = [ok(client.get(f"/payments/{i}", headers=AUDITOR)) for i in ids]
    tx = "CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf/"
    assert texts(root, tx + "PmtId/EndToEndId") == [p["instruction_id"] for p in submitted]
    assert texts(root, tx + "CdtrAcct/Id/Othr/Id")[1] == "62220202"
    assert texts(root, "CstmrCdtTrfInitn/GrpHdr/CtrlSum") == ["6.75"]
