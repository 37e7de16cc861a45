"""Appraisal results exported as CSV and XLSX, within the caller's scope."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.personnel.appraisal_support import (
    add_staff,
    advance,
    liaison,
    make_cycle,
    make_scheme,
    score,
)
from tests.personnel.conftest import HR, make_unit


def test_results_export_as_csv_and_xlsx_and_respects_unit_scope(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    edu = make_unit(client, "EDU")
    scheme = make_scheme(client)
    people = {
        add_staff(client, fin["id"], "甲"): "95",
        add_staff(client, fin["id"], "乙"): "80",
        add_staff(client, fin["id"], "丙"): "78",
        add_staff(client, fin["id"], "丁"): "77",
        add_staff(client, fin["id"], "戊"): "76",
        add_staff(client, edu["id"], "己"): "70",
    }
    both = make_cycle(
        client, scheme["id"], [fin["id"], edu["id"]], start="2025-01-01", end="2025-12-31"
    )
    for staff_id, value in people.items():
        assert score(client, both["id"], staff_id, value).status_code == 200
    advance(client, both["id"], "submit", "review", "finalize")
    url = f"/appraisal-cycles/{both['id']}/results/export"

    response = client.get(url, headers=HR)
    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith('.csv"')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 6
    top = next(r for r in rows if r["name"] == "甲")
    assert (top["unit_code"], top["rank_in_unit"], top["grade"], top["等级"]) == (
        "FIN",
        "1",
        "excellent",
        "优秀",
    )

    xlsx = client.get(url, params={"format": "xlsx"}, headers=HR)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "unit_code"
    assert len(values) == 7

    own = client.get(url, headers=liaison(edu))
    names = [r["name"] for r in csv.DictReader(io.StringIO(own.content.decode("utf-8-sig")))]
    assert names == ["己"]
    assert client.get(url, params={"format": "pdf"}, headers=HR).status_code == 422
