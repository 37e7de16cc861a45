"""The ledger export: CSV streamed batch by batch from a connection of its own, the same file
as a whole one; the range and the caller's unit checked before anything is sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session

from services.finance.ledger import reports
from shared import tabular
from shared.types import today
from tests.finance.conftest import AUDITOR, OFFICER, make_unit, ok
from tests.finance.test_ledger import entry
from tests.support.tokens import bearer


def test_csv_export_streams_in_batches_the_same_file_as_written_whole(
    app: FastAPI, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = make_unit(client, "AAA"), make_unit(client, "BBB")
    for n, unit in enumerate((a, b, a)):
        amount = f"{100 + n}.00"
        ok(
            client.post(
                "/journal-entries", json=entry(unit["id"], amount, amount), headers=OFFICER
            ),
            201,
        )
    monkeypatch.setattr(reports, "EXPORT_BATCH", 2)  # six lines: three batches
    d = today()
    response = client.get(
        "/ledger/export",
        params={"date_from": d.isoformat(), "date_to": d.isoformat()},
        headers=AUDITOR,
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert f'filename="ledger-{d}-{d}.csv"' in response.headers["content-disposition"]
    with Session(app.state.engine) as session:
        rows = list(reports.export_rows(session, date_from=d, date_to=d, unit_id=None))
    assert response.content == tabular.write_csv(reports.EXPORT_HEADERS, rows)
    lines = response.text.lstrip("\ufeff").strip().splitlines()[1:]
    assert [(line.split(",")[0], line.split(",")[4]) for line in lines] == [
        (str(number), str(line_no)) for number in (1, 2, 3) for line_no in (1, 2)
    ]
    assert [line.split(",")[7] for line in lines] == ["AAA", "AAA", "BBB", "BBB", "AAA", "AAA"]


def test_csv_export_of_a_quiet_range_is_the_header_alone(client: TestClient) -> None:
    day = (today() - timedelta(days=400)).isoformat()
    response = client.get(
        "/ledger/export", params={"date_from": day, "date_to": day}, headers=AUDITOR
    )
    assert response.status_code == 200
    assert response.text.lstrip("\ufeff").strip().splitlines() == [",".join(reports.EXPORT_HEADERS)]


def test_csv_export_refuses_more_than_a_year_before_sending_anything(client: TestClient) -> None:
    d = today()
    response = client.get(
        "/ledger/export",
        params={"date_from": (d - timedelta(days=400)).isoformat(), "date_to": d.isoformat()},
        headers=AUDITOR,
    )
    assert response.status_code == 422
    assert response.json()["code"] == "BAD_DATE_RANGE"


def test_liaison_exports_only_its_own_unit(client: TestClient) -> None:
    a, b = make_unit(client, "AAA"), make_unit(client, "BBB")
    for unit in (a, b):
        ok(client.post("/journal-entries", json=entry(unit["id"]), headers=OFFICER), 201)
    liaison = bearer("unit_liaison", sub="liaison-a", unit_id=a["id"])
    d = today().isoformat()
    days = {"date_from": d, "date_to": d}
    refused = client.get("/ledger/export", params={**days, "unit_id": b["id"]}, headers=liaison)
    assert refused.status_code == 403
    own = client.get("/ledger/export", params=days, headers=liaison)
    assert own.status_code == 200
    units = {line.split(",")[7] for line in own.text.lstrip("\ufeff").strip().splitlines()[1:]}
    assert units == {"AAA"}


def test_stream_csv_pieces_make_write_csv_file() -> None:
    headers = ("a", "b")
    batches = [[["=1+1", "北京"], [2, None]], [], [["x", "y,z"]]]
    pieces = list(tabular.stream_csv(headers, batches))
    assert len(pieces) == 3  # the header, then one piece per batch that has rows
    assert b"".join(pieces) == tabular.write_csv(headers, [r for batch in batches for r in batch])
