"""Staff roster import (all or nothing, every bad row reported) and export (CSV, XLSX)."""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from datetime import date, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from shared import tabular
from tests.personnel.conftest import HR, make_unit
from tests.personnel.staffing import hire, national_id
from tests.support.tokens import bearer

COLUMNS = [
    "staff_no",
    "name",
    "national_id",
    "unit_code",
    "position_code",
    "rank_code",
    "status",
    "effective_from",
    "phone",
    "email",
]
CHINESE = [
    "工号",
    "姓名",
    "身份证号",
    "单位代码",
    "岗位代码",
    "职级",
    "状态",
    "生效日期",
    "电话",
    "邮箱",
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def row(n: int, unit: str = "FIN", **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "staff_no": f"R{n:05d}",
        "name": f"职员{n}",
        "national_id": national_id(n),
        "unit_code": unit,
        "position_code": "",
        "rank_code": "clerk",
        "status": "serving",
        "effective_from": "2025-01-01",
        "phone": f"138{n:08d}",
        "email": f"staff{n}@example.gov.cn",
    }
    data.update(changes)
    return data


def as_csv(rows: list[dict[str, Any]], header: list[str] = COLUMNS, bom: bool = True) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[r.get(c, "") for c in COLUMNS] for r in rows])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode()


def as_xlsx(rows: list[dict[str, Any]], header: list[str] = COLUMNS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for r in rows:
        sheet.append([r.get(c) for c in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(
    client: TestClient,
    content: bytes,
    filename: str = "roster.csv",
    content_type: str = "text/csv",
    headers: dict[str, str] = HR,
    **params: Any,
) -> Any:
    files = {"file": (filename, content, content_type)}
    return client.post("/staff/import", files=files, params=params, headers=headers)


def staff_total(client: TestClient) -> int:
    total: int = client.get("/staff", params={"as_of": "2025-06-01"}, headers=HR).json()["total"]
    return total


def make_position(client: TestClient, unit_id: str, code: str) -> dict[str, Any]:
    data = {
        "code": code,
        "title": "Accountant",
        "unit_id": unit_id,
        "rank_code": "clerk",
        "responsibilities": "Keeps the ledger",
    }
    response = client.post("/positions", json=data, headers=HR)
    assert response.status_code == 201, response.text
    return dict(response.json())


def errors_of(response: Any) -> set[tuple[int, str]]:
    return {(e["row"], e["column"]) for e in response.json()["errors"]}


def test_a_csv_roster_hires_everyone_with_their_postings(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    hr = make_unit(client, "HR")
    accountant = make_position(client, fin["id"], "P-FIN-1")
    rows = [
        row(1, position_code="P-FIN-1"),
        row(2, unit="HR", rank_code="section_chief", effective_from="2024-03-01"),
        row(3, status="retired", phone="", email=""),
    ]
    response = upload(client, as_csv(rows))
    assert response.status_code == 201, response.text
    assert response.json() == {"imported": 3, "rows": 3, "dry_run": False, "ignored_columns": []}
    listing = client.get("/staff", params={"as_of": "2025-06-01"}, headers=HR).json()
    by_no = {s["staff_no"]: s for s in listing["items"]}
    assert set(by_no) == {"R00001", "R00002", "R00003"}
    first, second, third = by_no["R00001"], by_no["R00002"], by_no["R00003"]
    assert first["national_id"] == national_id(1)
    assert first["posting"]["position_id"] == accountant["id"]
    assert first["posting"]["unit_id"] == fin["id"]
    assert first["email"] == "staff1@example.gov.cn"
    assert (second["posting"]["unit_id"], second["posting"]["rank_code"]) == (
        hr["id"],
        "section_chief",
    )
    assert second["posting"]["valid_from"] == "2024-03-01"
    assert third["posting"]["status"] == "retired"
    assert third["phone"] is None
    audit = client.get("/audit", params={"action": "staff.import"}, headers=bearer("auditor"))
    entries = audit.json()["items"]
    assert len(entries) == 1
    assert entries[0]["after"]["count"] == 3
    assert entries[0]["after"]["file"] == "roster.csv"
    everything = json.dumps(client.get("/audit", headers=bearer("auditor")).json())
    assert not any(national_id(n) in everything for n in (1, 2, 3)), "no ID number is audited"


def test_an_xlsx_roster_with_chinese_headings_and_date_cells(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    rows = [
        row(1, effective_from=datetime(2025, 2, 1), status="在职", position_code=None),
        row(2, effective_from=datetime(2025, 3, 15), rank_code="科员/办事员", staff_no=12345),
    ]
    response = upload(client, as_xlsx(rows, CHINESE), "花名册.xlsx", XLSX)
    assert response.status_code == 201, response.text
    assert response.json()["imported"] == 2
    listing = client.get("/staff", params={"as_of": "2025-06-01"}, headers=HR).json()
    postings = {s["staff_no"]: s["posting"] for s in listing["items"]}
    assert postings["R00001"]["valid_from"] == "2025-02-01"
    assert postings["12345"]["valid_from"] == "2025-03-15"
    assert postings["12345"]["rank_code"] == "clerk"
    assert {p["unit_id"] for p in postings.values()} == {fin["id"]}
    chinese_csv = upload(client, as_csv([row(3)], CHINESE))
    assert chinese_csv.status_code == 201, chinese_csv.text


def test_every_bad_row_is_reported_and_nothing_is_imported(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    other = make_unit(client, "HR")
    make_position(client, other["id"], "P-HR-1")
    hire(client, 1, fin["id"])  # S00001 with national_id(1)
    wrong_check = national_id(4)[:-1] + ("0" if national_id(4)[-1] != "0" else "1")
    rows = [
        row(2),  # row 2: fine
        row(3, national_id=wrong_check),  # row 3
        row(5, unit_code="NOPE", effective_from="2025-13-01"),  # row 4
        row(6, position_code="P-HR-1"),  # row 5
        row(7, rank_code="emperor", email="not-an-email"),  # row 6
        row(8, name=""),  # row 7
        row(9, staff_no="S00001"),  # row 8: taken in the database
        row(10, national_id=national_id(1)),  # row 9: taken in the database
        row(11, staff_no="lower-case", effective_from="01/02/2025"),  # row 10
        row(12),  # row 11: fine
    ]
    response = upload(client, as_csv(rows))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "ROSTER_INVALID"
    assert errors_of(response) == {
        (3, "national_id"),
        (4, "unit_code"),
        (4, "effective_from"),
        (5, "position_code"),
        (6, "rank_code"),
        (6, "email"),
        (7, "name"),
        (8, "staff_no"),
        (9, "national_id"),
        (10, "staff_no"),
        (10, "effective_from"),
    }
    assert body["error_count"] == 11
    assert [e["row"] for e in body["errors"]] == sorted(e["row"] for e in body["errors"])
    messages = {(e["row"], e["column"]): e["message"] for e in body["errors"]}
    assert "check character" in messages[(3, "national_id")]
    assert "NOPE" in messages[(4, "unit_code")]
    assert "another unit" in messages[(5, "position_code")]
    assert "taken" in messages[(8, "staff_no")]
    assert national_id(1) not in json.dumps(body), "errors never echo an ID number"
    assert staff_total(client) == 1, "nothing was imported"


def test_duplicates_within_the_file_and_against_the_database(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    hire(client, 1, fin["id"], staff_no="R00099")
    rows = [
        row(2),  # row 2
        row(3),  # row 3
        row(4, staff_no="R00002"),  # row 4: staff number of row 2
        row(5, national_id=national_id(3)),  # row 5: ID number of row 3
        row(6, staff_no="R00099"),  # row 6: in the database
        row(7, staff_no="R00002", email="bad"),  # row 7: repeated and a bad email
    ]
    response = upload(client, as_csv(rows))
    assert response.status_code == 422
    assert errors_of(response) == {
        (4, "staff_no"),
        (5, "national_id"),
        (6, "staff_no"),
        (7, "staff_no"),
        (7, "email"),
    }
    messages = {(e["row"], e["column"]): e["message"] for e in response.json()["errors"]}
    assert messages[(4, "staff_no")] == "staff number R00002 is also on row 2"
    assert messages[(5, "national_id")] == "the same ID number is on row 3"
    assert staff_total(client) == 1


def test_oversized_files_are_refused_with_413(client: TestClient) -> None:
    make_unit(client, "FIN")
    just_over = as_csv([row(1)]) + b"#" * (tabular.MAX_FILE_BYTES)
    response = upload(client, just_over)
    assert response.status_code == 413
    assert response.json()["code"] == "FILE_TOO_LARGE"
    far_over = upload(client, b"x" * (tabular.MAX_UPLOAD_BYTES + 1))
    assert far_over.status_code == 413
    assert staff_total(client) == 0


def test_files_that_are_not_csv_or_xlsx_are_refused_with_415(client: TestClient) -> None:
    make_unit(client, "FIN")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    legacy_xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    gbk_csv = as_csv([row(1)], CHINESE, bom=False).decode().encode("gbk")
    cases = [
        (png, "photo.png", "image/png"),
        (png, "roster.csv", "text/csv"),
        (legacy_xls, "roster.xls", "application/vnd.ms-excel"),
        (archive.getvalue(), "letter.docx", "application/octet-stream"),
        (as_csv([row(1)]), "roster.xlsx", XLSX),
        (gbk_csv, "roster.csv", "text/csv"),
        (as_csv([row(1)]), "roster.csv", "application/pdf"),
    ]
    for content, name, media in cases:
        response = upload(client, content, name, media)
        assert response.status_code == 415, (name, media, response.text)
        assert response.json()["code"] == "UNSUPPORTED_FILE_TYPE"
    assert "UTF-8" in upload(client, gbk_csv).json()["detail"]
    assert staff_total(client) == 0


def test_empty_files_and_missing_headers_are_explained(client: TestClient) -> None:
    make_unit(client, "FIN")
    header_only = as_csv([])
    blank_first_row = b",,,\n" + as_csv([row(1)], bom=False)
    missing = as_csv([row(1)], ["staff_no", "name", "unit_code", "rank_code", "phone", "notes"])
    cases = [
        (b"", "EMPTY_FILE"),
        (b"\xef\xbb\xbf", "EMPTY_FILE"),
        (header_only, "ROSTER_EMPTY"),
        (blank_first_row, "MISSING_HEADER"),
        (missing, "ROSTER_COLUMNS_INVALID"),
        (as_xlsx([], []), "EMPTY_FILE"),
    ]
    for content, code in cases:
        name = "roster.xlsx" if content.startswith(b"PK") else "roster.csv"
        response = upload(client, content, name)
        assert response.status_code == 422, (code, response.text)
        assert response.json()["code"] == code
    lacking = upload(client, missing).json()
    assert {e["column"] for e in lacking["errors"]} == {"national_id", "effective_from"}


def test_unknown_columns_are_ignored_and_named(client: TestClient) -> None:
    make_unit(client, "FIN")
    content = as_csv([row(1)], [*COLUMNS[:-1], "备注"])
    response = upload(client, content)
    assert response.status_code == 201, response.text
    assert response.json()["ignored_columns"] == ["备注"]


def test_a_dry_run_checks_every_row_and_writes_nothing(client: TestClient) -> None:
    make_unit(client, "FIN")
    good = upload(client, as_csv([row(1), row(2)]), dry_run="true")
    assert good.status_code == 200, good.text
    assert good.json() == {"imported": 0, "rows": 2, "dry_run": True, "ignored_columns": []}
    bad = upload(client, as_csv([row(1), row(2, unit_code="NOPE")]), dry_run="true")
    assert bad.status_code == 422
    assert errors_of(bad) == {(3, "unit_code")}
    assert staff_total(client) == 0
    audit = client.get("/audit", params={"action": "staff.import"}, headers=bearer("auditor"))
    assert audit.json()["total"] == 0


def test_only_hr_imports(client: TestClient) -> None:
    make_unit(client, "FIN")
    for role in ("director", "auditor", "unit_liaison", "staff", "service"):
        response = upload(client, as_csv([row(1)]), headers=bearer(role))
        assert response.status_code == 403, role
    assert client.post("/staff/import", files={"file": ("r.csv", b"")}).status_code == 401


def _read_csv(content: bytes) -> list[dict[str, str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _read_xlsx(content: bytes) -> list[dict[str, Any]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(header, r, strict=True)) for r in rows]


def _export(client: TestClient, headers: dict[str, str], **params: Any) -> Any:
    return client.get("/staff/export", params={"as_of": "2025-06-01", **params}, headers=headers)


def test_csv_and_xlsx_exports_round_trip(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    make_unit(client, "HR")
    make_position(client, fin["id"], "P-FIN-1")
    rows = [
        row(1, position_code="P-FIN-1"),
        row(2, unit="HR", name='=HYPERLINK("http://evil")', phone="+8613800000002"),
        row(3, status="retired", effective_from="2024-12-31", phone="", email=""),
    ]
    assert upload(client, as_csv(rows)).status_code == 201
    expected = [
        {**r, "position_code": r["position_code"] or None, "phone": r["phone"] or None}
        for r in rows
    ]
    for r in expected:
        r["email"] = r["email"] or None
    response = _export(client, HR)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="staff-2025-06-01.csv"' in response.headers["content-disposition"]
    exported = _read_csv(response.content)
    assert exported[1]["name"] == '\'=HYPERLINK("http://evil")', "no formula in a CSV cell"
    assert exported[1]["phone"] == "'+8613800000002"
    parsed = tabular.read_table(response.content, filename="staff.csv")
    assert [{k: (v or None) for k, v in r.cells.items()} for r in parsed.rows] == expected, (
        "read back, the export equals what was imported"
    )
    workbook = _export(client, HR, format="xlsx")
    assert workbook.status_code == 200
    assert workbook.headers["content-type"] == XLSX
    assert 'filename="staff-2025-06-01.xlsx"' in workbook.headers["content-disposition"]
    sheet = _read_xlsx(workbook.content)
    assert [r["effective_from"] for r in sheet] == [
        datetime(2025, 1, 1),
        datetime(2025, 1, 1),
        datetime(2024, 12, 31),
    ], "days are date cells"
    assert sheet[1]["name"] == '=HYPERLINK("http://evil")', "kept as text, not a formula"
    assert [
        {**r, "effective_from": r["effective_from"].date().isoformat()} for r in sheet
    ] == expected
    listed = _export(client, HR, status="retired", format="xlsx")
    assert [r["staff_no"] for r in _read_xlsx(listed.content)] == ["R00003"]
    earlier = _export(client, HR, as_of=date(2024, 12, 31).isoformat())
    assert [r["staff_no"] for r in _read_csv(earlier.content)] == ["R00003"]


def test_exports_mask_id_numbers_for_everyone_but_hr(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    hire(client, 1, fin["id"])
    assert _read_csv(_export(client, HR).content)[0]["national_id"] == national_id(1)
    masked = "*" * 14 + national_id(1)[-4:]
    for role in ("director", "auditor", "service"):
        for fmt, read in (("csv", _read_csv), ("xlsx", _read_xlsx)):
            response = _export(client, bearer(role), format=fmt)
            assert response.status_code == 200, (role, fmt)
            assert read(response.content)[0]["national_id"] == masked, (role, fmt)
            assert national_id(1).encode() not in response.content


def test_a_liaison_exports_only_its_own_unit(client: TestClient) -> None:
    fin = make_unit(client, "FIN")
    section = make_unit(client, "FIN-01", kind="section", parent_id=fin["id"])
    other = make_unit(client, "HR")
    hire(client, 1, fin["id"])
    hire(client, 2, section["id"])
    hire(client, 3, other["id"])
    liaison = bearer("unit_liaison", unit_id=fin["id"])
    exported = _read_csv(_export(client, liaison).content)
    assert sorted((r["staff_no"], r["unit_code"]) for r in exported) == [
        ("S00001", "FIN"),
        ("S00002", "FIN-01"),
    ]
    assert all(r["national_id"].startswith("****") for r in exported)
    asked = _export(client, liaison, unit_id=other["id"])
    assert _read_csv(asked.content) == [], "a filter cannot widen the scope"
    assert _export(client, bearer("staff", staff_id="x")).status_code == 403
    assert _export(client, bearer("unit_liaison")).status_code == 403
    assert _export(client, HR, format="pdf").status_code == 422


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_thousand_rows_import_in_one_go(client: TestClient, fmt: str) -> None:
    fin = make_unit(client, "FIN")
    make_position(client, fin["id"], "P-FIN-1")
    rows = [row(n, position_code="P-FIN-1" if n % 2 else "") for n in range(1, 1001)]
    content = as_csv(rows) if fmt == "csv" else as_xlsx(rows)
    started = time.perf_counter()
    response = upload(client, content, f"roster.{fmt}")
    elapsed = time.perf_counter() - started
    assert response.status_code == 201, response.text[:500]
    assert response.json()["imported"] == 1000
    assert staff_total(client) == 1000
    print(f"1,000 rows took {elapsed:.1f} s")  # a figure to read, not a timed test
