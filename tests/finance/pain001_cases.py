"""Batches whose pain.001 documents are pinned byte for byte in ``golden/pain001/<name>.xml``.

The files were written by the whole-tree (ElementTree) writer before the writer streamed; the
streamed document must equal them exactly. Regenerate only for a deliberate change of the
format: ``python -m tests.finance.pain001_cases`` (then review the diff).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from services.finance.treasury.iso20022 import CreditTransfer, Party, PaymentBatch, pain001

GOLDEN = Path(__file__).parent / "golden" / "pain001"
BEIJING = timezone(timedelta(hours=8))
TSA = "110060224018000012345"


def _treasury(**changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "message_id": "MSG-20260302-0001",
        "created_at": datetime(2026, 3, 2, 9, 30, tzinfo=BEIJING),
        "debtor": Party("市机关事务管理局", TSA, "中国工商银行北京分行营业部", "102100099996"),
        "requested_on": date(2026, 3, 3),
    }
    fields.update(changes)
    return fields


def _banks() -> PaymentBatch:
    """Every shape of bank: name and CNAPS code, name only, code only, none; a classification."""
    return PaymentBatch(
        **_treasury(),  # type: ignore[arg-type]
        transfers=(
            CreditTransfer(
                "PAY-1",
                Decimal("300.50"),
                Party(
                    "供应商1有限公司", "6222020200112200001", "中国银行北京西单支行", "104100004013"
                ),
                "办公费",
                classification="30201",
            ),
            CreditTransfer("PAY-2", Decimal("5"), Party("供应商2", "6222020200112200002"), "印刷"),
            CreditTransfer(
                "PAY-3", Decimal("0.01"), Party("供应商3", "62220202003", "农行"), "印刷费"
            ),
            CreditTransfer(
                "PAY-4",
                Decimal("9999999999999.99"),
                Party("供应商4", "62220202004", bank_code="103100000026"),
                "工程款",
                classification="31005",
            ),
        ),
    )


def _text() -> PaymentBatch:
    """Text that must be escaped, cleaned or cut; the debtor's bank unknown; an explicit
    payment information id."""
    return PaymentBatch(
        **_treasury(  # type: ignore[arg-type]
            message_id="AAS-20260302093000-0A1B2C3D",
            created_at=datetime(2026, 3, 2, 1, 30, 5, 999999, tzinfo=UTC),
            debtor=Party('  A & B <Procurement> "Office" \'s  ', "TSA-0001"),
            payment_info_id="PI-&<>-1",
        ),
        transfers=(
            CreditTransfer(
                "E2E-<1>&'\"",
                Decimal("1234.5"),
                Party('Smith & Sons <Ltd> "quoted"', "ACC-&-1", "Bank & Trust <HQ>"),
                "Invoice <42> & 'fees' \"net\"\n\t\x07 ]]> end",
                classification="302&01",
            ),
            CreditTransfer("E2E-2", Decimal("1"), Party("某单位", "2"), "会议费" * 60 + "结束"),
            CreditTransfer("E2E-3", Decimal("2"), Party("Ünïcödé", "3"), "a" * 139 + "e\u0301tail"),
            CreditTransfer(
                "E2E-4", Decimal("3.10"), Party("Zeile\u2028Zwei", "4"), "\u00a0 nbsp\u3000全角 "
            ),
            CreditTransfer("E2E-5", Decimal("4.00"), Party("emoji", "5"), "👍🏽" * 80),
        ),
    )


def _many() -> PaymentBatch:
    """A payroll-like batch of 60 transfers (several pieces when pieces are small)."""
    return PaymentBatch(
        **_treasury(message_id="PR-202603-093000-ABC123", debtor=Party("Treasury", TSA)),  # type: ignore[arg-type]
        transfers=tuple(
            CreditTransfer(
                f"PR-{n:024X}-1",
                Decimal(n * 997 % 100_000) / 100 + Decimal("0.01"),
                Party(f"职工{n:04d}", f"6222{n:012d}", "ICBC City Branch"),
                f"Payroll 2026-03 ({'staff' if n % 7 else 'tax'})",
                classification="30101",
            )
            for n in range(1, 61)
        ),
    )


CASES = {"banks": _banks, "text": _text, "many": _many}


def golden(name: str) -> bytes:
    return (GOLDEN / f"{name}.xml").read_bytes()


if __name__ == "__main__":
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, make in CASES.items():
        (GOLDEN / f"{name}.xml").write_bytes(pain001(make()))
        print(GOLDEN / f"{name}.xml")
