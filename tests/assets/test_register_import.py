"""Registering cards from a file: every row checked, all or nothing, each error reported."""

from __future__ import annotations

import gzip
import io
import uuid
from typing import Any

from fastapi.testclient import TestClient
from openpyxl import Workbook

from tests.assets.conftest import OFFICER, layout
from tests.support.tokens import bearer

UNIT = str(uuid.uuid4())
HEADER = "number,category_code,name,unit_id,room_code,acquired_on,original_value\n"


def rows(count: int, room: str = "C1-B01-0101", start: int = 1) -> str:
    return "".join(
        f"B{n:06d},2020000,Printer {n},{UNIT},{room},2024-06-0{1 + n % 9},{1000 + n}.50\n"
        for n in range(start, start + count)
    )


def upload(client: TestClient, content: bytes, name: str = "register.csv", **params: Any) -> Any:
    files = {"file": (name, content, "text/csv")}
    return client.post("/assets/import", files=files, params=params, headers=OFFICER)


def test_csv_registers_every_card_with_its_step(client: TestClient) -> None:
    layout(client)
    response = upload(client, (HEADER + rows(25)).encode())
    assert response.status_code == 201, response.text
    assert response.json() == {"imported": 25, "rows": 25, "dry_run": False, "ignored_columns": []}
    page = client.get("/assets", params={"limit": 100}, headers=OFFICER).json()
    assert page["total"] == 25 and page["items"][0]["value"] == "1001.50"
    assert page["items"][0]["room_id"] is not None and page["items"][0]["fund_source"] == "fiscal"
    steps = client.get(f"/assets/{page['items'][0]['id']}/events", headers=OFFICER).json()
    assert steps["items"][0]["kind"] == "acquired" and "import_id" in steps["items"][0]["details"]
    audit = client.get("/audit", params={"action": "asset.import"}, headers=bearer("auditor"))
    (entry,) = audit.json()["items"]
    assert entry["after"]["count"] == 25 and entry["after"]["last_number"] == "B000025"


def test_one_bad_row_registers_nothing_and_every_error_is_listed(client: TestClient) -> None:
    layout(client)
    bad = (
        HEADER
        + rows(3)
        + f"B000002,2020000,Duplicate,{UNIT},,2024-01-01,10.00\n"  # number twice in the file
        + f"B000900,1234567,Unknown class,{UNIT},NOWHERE,2024-01-01,-5\n"
        + f"B000901,2020000,Future,{UNIT},,2999-01-01,1.00\n"
    )
    response = upload(client, bad.encode())
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "REGISTER_INVALID"
    found = {(e["row"], e["column"]) for e in body["errors"]}
    assert {(5, "number"), (6, "room_code"), (6, "original_value"), (7, "acquired_on")} <= found
    assert client.get("/assets", headers=OFFICER).json()["total"] == 0
    # a number already in the register is refused too
    assert upload(client, (HEADER + rows(2)).encode()).status_code == 201
    again = upload(client, (HEADER + rows(1, start=2)).encode())
    assert again.json()["errors"] == [
        {"row": 2, "column": "number", "message": "asset number B000002 is taken"}
    ]


def test_gzip_csv_xlsx_and_dry_run(client: TestClient) -> None:
    layout(client)
    dry = upload(client, (HEADER + rows(4)).encode(), dry_run=True)
    assert dry.status_code == 200 and dry.json()["imported"] == 0
    assert client.get("/assets", headers=OFFICER).json()["total"] == 0
    packed = gzip.compress((HEADER + rows(4)).encode())
    assert upload(client, packed, "register.csv.gz").json()["imported"] == 4
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["资产编号", "分类代码", "资产名称", "单位ID", "取得日期", "原值", "备注"])
    sheet.append(["X0001", "6010000", "Desk", UNIT, "2023-05-01", "1200.00", "ignored"])
    data = io.BytesIO()
    book.save(data)
    result = upload(client, data.getvalue(), "register.xlsx")
    assert result.status_code == 201, result.text
    assert result.json()["ignored_columns"] == ["备注"]
    assert client.get("/assets", headers=OFFICER).json()["total"] == 5


def test_refusals_of_the_file_itself(client: TestClient) -> None:
    missing = upload(client, b"number,name\nA1,x\n")
    assert missing.json()["code"] == "MISSING_COLUMNS"
    assert upload(client, HEADER.encode()).json()["code"] == "REGISTER_EMPTY"
    assert upload(client, b"\x1f\x8bnot gzip").json()["code"] == "UNREADABLE_FILE"
    assert upload(client, b"%PDF-1.4", "x.pdf").status_code == 415
    liaison = bearer("unit_liaison", unit_id=UNIT)
    files = {"file": ("r.csv", HEADER.encode(), "text/csv")}
    assert client.post("/assets/import", files=files, headers=liaison).status_code == 403
