"""The pain.001.001.09 document: valid against the official XSD, its totals exact, unknown
banks and long or untidy purposes written as the rules say, a batch that breaks a rule refused."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from services.finance.treasury.iso20022 import CreditTransfer, Party, pain001
from tests.finance.iso20022_support import (
    BEIJING,
    TSA,
    batch,
    nodes,
    pain_xsd,
    parsed,
    payee,
    texts,
    transfer,
)


def test_pain001_is_valid_against_the_official_xsd() -> None:
    document = pain001(
        batch(
            CreditTransfer(
                "PAY-1",
                Decimal("300.50"),
                payee(1, bank="中国银行北京西单支行", bank_code="104100004013"),
                "办公费",
                classification="30201",
            ),
            transfer(2, "5"),
            CreditTransfer("PAY-3", Decimal("0.01"), payee(3, bank="农行"), "印刷费"),
        )
    )
    assert document.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    pain_xsd().validate(document)
    root = parsed(document)
    assert texts(root, "CstmrCdtTrfInitn/GrpHdr/NbOfTxs") == ["3"]
    assert texts(root, "CstmrCdtTrfInitn/PmtInf/NbOfTxs") == ["3"]
    assert texts(root, "CstmrCdtTrfInitn/GrpHdr/CtrlSum") == ["305.51"]
    assert texts(root, "CstmrCdtTrfInitn/PmtInf/CtrlSum") == ["305.51"]
    assert texts(root, "CstmrCdtTrfInitn/GrpHdr/CreDtTm") == ["2026-03-02T09:30:00+08:00"]
    assert texts(root, "CstmrCdtTrfInitn/PmtInf/PmtInfId") == ["MSG-20260302-0001"]
    assert texts(root, "CstmrCdtTrfInitn/PmtInf/ChrgBr") == ["DEBT"]
    assert texts(root, "CstmrCdtTrfInitn/PmtInf/ReqdExctnDt/Dt") == ["2026-03-03"]
    assert texts(root, "CstmrCdtTrfInitn/PmtInf/DbtrAcct/Id/Othr/Id") == [TSA]
    tx = "CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf/"
    assert texts(root, tx + "Amt/InstdAmt") == ["300.50", "5.00", "0.01"]
    assert {node.get("Ccy") for node in nodes(root, tx + "Amt/InstdAmt")} == {"CNY"}
    assert texts(root, tx + "PmtId/EndToEndId") == ["PAY-1", "PAY-2", "PAY-3"]
    assert texts(root, tx + "PmtId/InstrId") == ["PAY-1", "PAY-2", "PAY-3"]
    assert texts(root, tx + "CdtrAcct/Id/Othr/Id") == [payee(n).account for n in (1, 2, 3)]
    assert texts(root, tx + "CdtrAgt/FinInstnId/ClrSysMmbId/ClrSysId/Cd") == ["CNAPS"]
    assert texts(root, tx + "CdtrAgt/FinInstnId/ClrSysMmbId/MmbId") == ["104100004013"]
    assert texts(root, tx + "CdtrAgt/FinInstnId/Nm") == ["中国银行北京西单支行", "农行"]
    assert texts(root, tx + "Purp/Prtry") == ["30201"]
    assert texts(root, tx + "RmtInf/Ustrd") == ["办公费", "办公用品采购 第2批", "印刷费"]
    assert b"IBAN" not in document


def test_ctrl_sum_is_the_exact_sum() -> None:
    amounts = ["0.10", "0.20", "0.30", "9999999999.99", "1", "0.01"] * 5
    transfers = tuple(transfer(n, a) for n, a in enumerate(amounts, start=1))
    root = parsed(pain001(batch(*transfers)))
    (ctrl_sum,) = texts(root, "CstmrCdtTrfInitn/GrpHdr/CtrlSum")
    assert Decimal(ctrl_sum) == sum((Decimal(a) for a in amounts), Decimal(0))
    assert ctrl_sum == "50000000008.00"
    assert texts(root, "CstmrCdtTrfInitn/GrpHdr/NbOfTxs") == [str(len(amounts))]


def test_unknown_banks_and_explicit_payment_info_id() -> None:
    document = pain001(
        batch(transfer(1, "1.00"), debtor=Party("某单位", "TSA-0001"), payment_info_id="PI-1")
    )
    pain_xsd().validate(document)
    root = parsed(document)
    info = "CstmrCdtTrfInitn/PmtInf/"
    assert texts(root, info + "PmtInfId") == ["PI-1"]
    assert texts(root, info + "DbtrAgt/FinInstnId/Othr/Id") == ["NOTPROVIDED"]
    assert texts(root, info + "CdtTrfTxInf/CdtrAgt/FinInstnId/Nm") == []
    assert texts(root, info + "CdtTrfTxInf/Purp/Prtry") == []


def test_purpose_is_cut_to_140_characters_on_a_character_boundary() -> None:
    long_chinese = "会议费" * 60 + "结束"
    accent = "a" * 139 + "e\u0301" + "tail"
    messy = "差旅费\n\t 张三\x07  出差"
    document = pain001(
        batch(
            CreditTransfer("P1", Decimal("1"), payee(1), long_chinese),
            CreditTransfer("P2", Decimal("1"), payee(2), accent),
            CreditTransfer("P3", Decimal("1"), payee(3), messy),
        )
    )
    pain_xsd().validate(document)
    first, second, third = texts(
        parsed(document), "CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf/RmtInf/Ustrd"
    )
    assert first == long_chinese[:140]
    assert second == "a" * 139
    assert third == "差旅费 张三 出差"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"message_id": ""}, "message_id"),
        ({"message_id": "M" * 36}, "message_id"),
        ({"message_id": "MSG 1"}, "message_id"),
        ({"payment_info_id": "P" * 36}, "payment_info_id"),
        ({"created_at": datetime(2026, 3, 2, 9, 30)}, "created_at"),
        ({"requested_on": datetime(2026, 3, 3, tzinfo=BEIJING)}, "requested_on"),
        ({"transfers": ()}, "transfers"),
        ({"debtor": Party("", TSA)}, "debtor.name"),
        ({"debtor": Party("单位", "1" * 35)}, "debtor.account"),
        ({"debtor": Party("单位", TSA, bank_code="10210009999")}, "debtor.bank_code"),
        ({"debtor": Party("单位", TSA, bank_code="10210009999X")}, "debtor.bank_code"),
        ({"debtor": Party("单位\n二", TSA)}, "debtor.name"),
        ({"transfers": (transfer(1, "0"),)}, "transfers[0].amount"),
        ({"transfers": (transfer(1, "-5.00"),)}, "transfers[0].amount"),
        ({"transfers": (transfer(1, "1.005"),)}, "transfers[0].amount"),
        ({"transfers": (transfer(1, "1E+16"),)}, "transfers[0].amount"),
        ({"transfers": (transfer(1, "NaN"),)}, "transfers[0].amount"),
        ({"transfers": (transfer(1, "1E+30"),)}, "transfers[0].amount"),
        ({"transfers": (transfer(1, "9999999999999999.99"), transfer(2, "0.01"))}, "control sum"),
        ({"transfers": (transfer(1, "1"), transfer(1, "2"))}, "transfers[1].end_to_end_id"),
        ({"transfers": (CreditTransfer("X" * 36, Decimal(1), payee(1), "p"),)}, "end_to_end_id"),
        ({"transfers": (CreditTransfer("X", Decimal(1), payee(1), " \n "),)}, "purpose"),
        ({"transfers": (CreditTransfer("X", 1.5, payee(1), "p"),)}, "amount"),  # type: ignore[arg-type]
        ({"transfers": (transfer(1, "1", classification="302 01"),)}, "classification"),
    ],
)
def test_pain001_refuses_what_breaks_a_rule(change: dict[str, object], field: str) -> None:
    with pytest.raises(ValueError, match=field.replace("[", r"\[").replace("]", r"\]")):
        pain001(batch(**change))
