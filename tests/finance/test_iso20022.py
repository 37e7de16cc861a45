"""The treasury file formats: pain.001.001.09 out, camt.053 and the statement CSV in.

The XSDs are the ISO 20022 schema files as shipped inside two development-only packages
(``pain001`` and ``camt053``, pinned in requirements-dev.lock); none is copied here.
"""

from __future__ import annotations

import importlib.util
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from functools import cache
from pathlib import Path
from xml.etree.ElementTree import Element

import pytest
import xmlschema
from defusedxml import ElementTree as SafeElementTree

from services.finance.treasury.iso20022 import (
    CSV_COLUMNS,
    CreditTransfer,
    Party,
    PaymentBatch,
    Statement,
    StatementFormatError,
    StatementLine,
    pain001,
    parse_camt053,
    parse_statement,
    parse_statement_csv,
)

BEIJING = timezone(timedelta(hours=8))
PAIN = "{urn:iso:std:iso:20022:tech:xsd:pain.001.001.09}"
TSA = "110060224018000012345"


@cache
def schema(package: str, relative: str) -> xmlschema.XMLSchema:
    """An official XSD from the package data of a development dependency."""
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.submodule_search_locations, f"pip install {package}"
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    assert path.is_file(), path
    return xmlschema.XMLSchema(str(path))


def pain_xsd() -> xmlschema.XMLSchema:
    return schema("pain001", "templates/pain.001.001.09/pain.001.001.09.xsd")


def camt_xsd(version: int) -> xmlschema.XMLSchema:
    return schema("camt053", f"xsd/camt.053.001.{version:02d}.xsd")


# --- pain.001 -------------------------------------------------------------------------------


def payee(n: int, **bank: str) -> Party:
    return Party(f"供应商{n}有限公司", f"62220202001122{n:05d}", **bank)


def transfer(n: int, amount: str, **extra: str) -> CreditTransfer:
    return CreditTransfer(f"PAY-{n}", Decimal(amount), payee(n), f"办公用品采购 第{n}批", **extra)


def batch(*transfers: CreditTransfer, **changes: object) -> PaymentBatch:
    fields: dict[str, object] = {
        "message_id": "MSG-20260302-0001",
        "created_at": datetime(2026, 3, 2, 9, 30, tzinfo=BEIJING),
        "debtor": Party("市机关事务管理局", TSA, "中国工商银行北京分行营业部", "102100099996"),
        "requested_on": date(2026, 3, 3),
        "transfers": transfers or (transfer(1, "300.50"),),
    }
    fields.update(changes)
    return PaymentBatch(**fields)  # type: ignore[arg-type]


def parsed(document: bytes) -> Element:
    root: Element = SafeElementTree.fromstring(document)
    return root


def nodes(root: Element, path: str) -> list[Element]:
    return list(root.iterfind("/".join(PAIN + part for part in path.split("/"))))


def texts(root: Element, path: str) -> list[str]:
    return [node.text or "" for node in nodes(root, path)]


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


# --- camt.053 -------------------------------------------------------------------------------

BKTXCD = (
    "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn>"
    "</BkTxCd>"
)
BALANCE = (
    "<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy='CNY'>1000000.00</Amt>"
    "<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-02</Dt></Dt></Bal>"
)
US = ("市机关事务管理局", TSA)


def party(version: int, role: str, name: str, account: str) -> str:
    named = f"<Pty><Nm>{name}</Nm></Pty>" if version >= 8 else f"<Nm>{name}</Nm>"
    return (
        f"<{role}>{named}</{role}><{role}Acct><Id><Othr><Id>{account}</Id></Othr></Id></{role}Acct>"
    )


def tx(
    version: int,
    *,
    e2e: str | None = None,
    ref: str | None = None,
    amount: str | None = None,
    via_details: bool = False,
    direction: str | None = None,
    them: tuple[str, str] | None = None,
    credit: bool = False,
    currency: str = "CNY",
) -> str:
    refs = (f"<AcctSvcrRef>{ref}</AcctSvcrRef>" if ref else "") + (
        f"<EndToEndId>{e2e}</EndToEndId>" if e2e else ""
    )
    out = f"<TxDtls>{f'<Refs>{refs}</Refs>' if refs else ''}"
    if amount is not None and version >= 8 and not via_details:
        out += f"<Amt Ccy='{currency}'>{amount}</Amt>"
    if direction is not None and version >= 8:
        out += f"<CdtDbtInd>{direction}</CdtDbtInd>"
    if amount is not None and (version < 8 or via_details):
        out += f"<AmtDtls><TxAmt><Amt Ccy='{currency}'>{amount}</Amt></TxAmt></AmtDtls>"
    if them is not None:
        debtor, creditor = (them, US) if credit else (US, them)
        both = party(version, "Dbtr", *debtor) + party(version, "Cdtr", *creditor)
        out += f"<RltdPties>{both}</RltdPties>"
    return out + "</TxDtls>"


def entry(
    version: int,
    amount: str,
    direction: str,
    *details: str,
    status: str = "BOOK",
    booked: str | None = "<Dt>2026-03-02</Dt>",
    ref: str | None = None,
    currency: str = "CNY",
) -> str:
    sts = f"<Sts><Cd>{status}</Cd></Sts>" if version >= 8 else f"<Sts>{status}</Sts>"
    return (
        f"<Ntry><Amt Ccy='{currency}'>{amount}</Amt><CdtDbtInd>{direction}</CdtDbtInd>{sts}"
        + (f"<BookgDt>{booked}</BookgDt>" if booked else "")
        + (f"<AcctSvcrRef>{ref}</AcctSvcrRef>" if ref else "")
        + BKTXCD
        + "".join(f"<NtryDtls>{d}</NtryDtls>" for d in details)
        + "</Ntry>"
    )


def camt(
    version: int,
    *entries: str,
    statement: str = "<Id>STMT-20260302</Id><CreDtTm>2026-03-02T18:00:00+08:00</CreDtTm>",
    account: str = f"<Othr><Id>{TSA}</Id></Othr>",
    statements: int = 1,
    namespace: str | None = None,
) -> bytes:
    ns = namespace or f"urn:iso:std:iso:20022:tech:xsd:camt.053.001.{version:02d}"
    stmt = f"<Stmt>{statement}<Acct><Id>{account}</Id></Acct>{BALANCE}{''.join(entries)}</Stmt>"
    return (
        f"<?xml version='1.0' encoding='UTF-8'?><Document xmlns='{ns}'><BkToCstmrStmt>"
        "<GrpHdr><MsgId>MSG-1</MsgId><CreDtTm>2026-03-02T18:00:00+08:00</CreDtTm></GrpHdr>"
        f"{stmt * statements}</BkToCstmrStmt></Document>"
    ).encode()


def sample(version: int) -> bytes:
    supplier = ("北京某某科技有限公司", "6222020200112233445")
    finance = ("市财政局", "0200001234567890123")
    return camt(
        version,
        entry(version, "300.50", "DBIT", tx(version, e2e="PAY-1", them=supplier), ref="B-1"),
        entry(
            version,
            "1000.30",
            "DBIT",
            tx(version, e2e="PAY-2", amount="0.10", direction="DBIT", them=supplier),
            tx(version, e2e="PAY-3", amount="0.20", via_details=True, them=("张三", "6217")),
            tx(version, e2e="NOTPROVIDED", amount="1000.00"),
            ref="B-2",
        ),
        entry(version, "5000.00", "CRDT", status="PDNG", booked=None, ref="P-1"),
        entry(
            version,
            "12.34",
            "CRDT",
            tx(version, e2e="NOTPROVIDED", them=finance, credit=True),
            booked="<DtTm>2026-03-02T23:30:00+08:00</DtTm>",
            ref="B-4",
        ),
        entry(version, "8", "DBIT", ref="B-5"),
    )


def expected_lines(version: int) -> tuple[StatementLine, ...]:
    day = date(2026, 3, 2)
    supplier = ("北京某某科技有限公司", "6222020200112233445")
    return (
        StatementLine("PAY-1", Decimal("300.50"), "DBIT", day, "B-1", *supplier),
        StatementLine("PAY-2", Decimal("0.10"), "DBIT", day, "B-2/1", *supplier),
        StatementLine("PAY-3", Decimal("0.20"), "DBIT", day, "B-2/2", "张三", "6217"),
        StatementLine(None, Decimal("1000.00"), "DBIT", day, "B-2/3", None, None),
        StatementLine(
            None, Decimal("12.34"), "CRDT", day, "B-4", "市财政局", "0200001234567890123"
        ),
        StatementLine(None, Decimal("8.00"), "DBIT", day, "B-5", None, None),
    )


@pytest.mark.parametrize("version", [8, 2])
def test_camt053_reads_booked_entries(version: int) -> None:
    document = sample(version)
    camt_xsd(version).validate(document)
    statement = parse_camt053(document)
    assert statement.statement_id == "STMT-20260302"
    assert statement.account == TSA
    assert statement.created_at == datetime(2026, 3, 2, 18, 0, tzinfo=BEIJING)
    assert statement.lines == expected_lines(version)
    assert all(isinstance(line.amount, Decimal) for line in statement.lines)
    assert [str(line.amount) for line in statement.lines] == [
        "300.50",
        "0.10",
        "0.20",
        "1000.00",
        "12.34",
        "8.00",
    ]
    assert sum(line.amount for line in statement.lines[1:4]) == Decimal("1000.30")
    assert parse_statement(document, "application/xml") == statement


def test_camt053_batch_with_own_references_and_iban_account() -> None:
    document = camt(
        8,
        entry(
            8,
            "3.00",
            "CRDT",
            tx(8, ref="T-1", amount="1.00", e2e="R-1"),
            tx(8, ref="T-2", amount="2.00"),
            ref="B-9",
        ),
        account="<IBAN>DE89370400440532013000</IBAN>",
        statement="<Id>S-2</Id>",
    )
    camt_xsd(8).validate(document)
    statement = parse_camt053(document)
    assert statement.account == "DE89370400440532013000"
    assert statement.created_at is None
    assert [(line.reference, line.end_to_end_id) for line in statement.lines] == [
        ("T-1", "R-1"),
        ("T-2", None),
    ]


def test_camt053_debit_and_credit_details_net_to_the_entry() -> None:
    details = (
        tx(8, amount="10.00", direction="DBIT", e2e="A"),
        tx(8, amount="2.50", direction="CRDT", e2e="B"),
    )
    statement = parse_camt053(camt(8, entry(8, "7.50", "DBIT", *details, ref="N-1")))
    assert [(line.direction, line.amount) for line in statement.lines] == [
        ("DBIT", Decimal("10.00")),
        ("CRDT", Decimal("2.50")),
    ]


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE Document [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">&d;</Document>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt>
<Id>&x;</Id></Stmt></BkToCstmrStmt></Document>"""
PLAIN_DOCTYPE = b"<!DOCTYPE Document><Document/>"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"", "not well-formed"),
        (b"<Document><BkToCstmrStmt></Document>", "not well-formed XML at line 1"),
        (b"statement_id,account\n", "not well-formed"),
        (BOMB, "DOCTYPE"),
        (XXE, "DOCTYPE"),
        (PLAIN_DOCTYPE, "DOCTYPE"),
        (b"<Document/>", "not a camt.053"),
        (camt(8, namespace="urn:iso:std:iso:20022:tech:xsd:camt.053.001.09"), "not a camt.053"),
        (camt(8, namespace="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08"), "not a camt.053"),
        (pain001(batch()), "not a camt.053"),
        (
            b"<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.08'/>",
            "missing BkToCstmrStmt",
        ),
        (camt(8, statements=0), "exactly one BkToCstmrStmt/Stmt, found 0"),
        (camt(8, statements=2), "exactly one BkToCstmrStmt/Stmt, found 2"),
        (camt(8, statement=""), "missing Stmt/Id"),
        (camt(8, statement="<Id> </Id>"), "Stmt/Id is empty"),
        (camt(8, statement="<Id>S</Id><CreDtTm>yesterday</CreDtTm>"), "Stmt/CreDtTm"),
        (camt(8, account="<Othr><SchmeNm/></Othr>"), "missing Stmt/Acct/Id/IBAN or"),
    ],
)
def test_camt053_refuses_bad_documents(document: bytes, message: str) -> None:
    with pytest.raises(StatementFormatError, match=message):
        parse_camt053(document)


PENDING = entry(8, "1.00", "CRDT", status="PDNG", booked=None)


@pytest.mark.parametrize(
    ("bad_entry", "message"),
    [
        (entry(8, "1.00", "DBIT").replace("<Amt Ccy='CNY'>1.00</Amt>", ""), "missing Amt"),
        (entry(8, "1.00", "DBIT", currency=""), "Amt: missing or bad Ccy"),
        (entry(8, "-1.00", "DBIT"), "Amt: '-1.00' is not an amount"),
        (entry(8, "0.00", "DBIT"), "Amt: must be above zero"),
        (entry(8, "1.005", "DBIT"), "more than two decimals"),
        (entry(8, "1.00", "DEBIT"), "CdtDbtInd: expected DBIT or CRDT"),
        (entry(8, "1.00", "DBIT").replace("<CdtDbtInd>DBIT</CdtDbtInd>", ""), "missing CdtDbtInd"),
        (entry(8, "1.00", "DBIT").replace("<Sts><Cd>BOOK</Cd></Sts>", ""), "missing Sts"),
        (entry(8, "1.00", "DBIT", booked=None), "missing BookgDt"),
        (entry(8, "1.00", "DBIT", booked="<Dt>2026-02-30</Dt>"), "BookgDt/Dt: '2026-02-30'"),
        (entry(8, "1.00", "DBIT", booked="<DtTm>noon</DtTm>"), "BookgDt/DtTm"),
        (
            entry(8, "3.00", "DBIT", tx(8, amount="1.00"), tx(8, e2e="X")),
            "TxDtls 2: no Amt or AmtDtls/TxAmt/Amt",
        ),
        (
            entry(8, "3.00", "DBIT", tx(8, amount="1.00"), tx(8, amount="1.99")),
            "the TxDtls net to -2.99 but the entry is -3.00",
        ),
        (entry(8, "3.00", "DBIT", tx(8, amount="3.00", currency="USD")), "TxDtls 1: currency USD"),
        (entry(8, "3.00", "DBIT", tx(8, amount="3.00", direction="X")), "TxDtls 1: CdtDbtInd"),
        (entry(8, "1.00", "DBIT", ref="B-1"), "AcctSvcrRef 'B-1' repeats entry 1"),
    ],
)
def test_camt053_names_the_entry_at_fault(bad_entry: str, message: str) -> None:
    document = camt(8, entry(8, "9.00", "DBIT", ref="B-1"), PENDING, bad_entry)
    with pytest.raises(StatementFormatError, match=f"^entry 3: .*{message}") as caught:
        parse_camt053(document)
    assert caught.value.entry == 3


# --- CSV ------------------------------------------------------------------------------------

HEADER = ",".join(CSV_COLUMNS)


def csv_file(*rows: str, header: str = HEADER, bom: bool = False) -> bytes:
    text = "\r\n".join((header, *rows)) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode()


def row(**values: str) -> str:
    defaults = {
        "statement_id": "S-1",
        "account": TSA,
        "booked_on": "2026-03-02",
        "direction": "DBIT",
        "amount": "1.00",
        "currency": "CNY",
        "end_to_end_id": "",
        "counterparty_name": "",
        "counterparty_account": "",
        "reference": "",
    }
    defaults.update(values)
    return ",".join(defaults[column] for column in CSV_COLUMNS)


def test_statement_csv_happy_path() -> None:
    data = csv_file(
        row(
            end_to_end_id="PAY-1",
            amount="300.50",
            counterparty_name='"某某公司, 分公司"',
            counterparty_account="6222020200112233445",
            reference="B-1",
        ),
        row(end_to_end_id="NOTPROVIDED", amount="0.10", reference="B-2"),
        "",
        row(direction="CRDT", amount="1000", booked_on="2026-03-03", reference="B-3"),
        ",,,,,,,,,",
        bom=True,
    )
    statement = parse_statement_csv(data)
    assert statement == Statement(
        "S-1",
        TSA,
        None,
        (
            StatementLine(
                "PAY-1",
                Decimal("300.50"),
                "DBIT",
                date(2026, 3, 2),
                "B-1",
                "某某公司, 分公司",
                "6222020200112233445",
            ),
            StatementLine(None, Decimal("0.10"), "DBIT", date(2026, 3, 2), "B-2", None, None),
            StatementLine(None, Decimal("1000.00"), "CRDT", date(2026, 3, 3), "B-3", None, None),
        ),
    )
    assert [str(line.amount) for line in statement.lines] == ["300.50", "0.10", "1000.00"]
    assert parse_statement(data, "text/csv; charset=utf-8") == statement
    assert parse_statement(data, "statement.CSV") == statement
    assert parse_statement(data) == statement


def test_statement_csv_columns_in_any_order() -> None:
    columns = list(reversed(CSV_COLUMNS))
    values = dict(zip(CSV_COLUMNS, row(amount="2.50").split(","), strict=True))
    data = csv_file(",".join(values[c] for c in columns), header=",".join(columns))
    (line,) = parse_statement_csv(data).lines
    assert line.amount == Decimal("2.50")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty file"),
        (csv_file(), "no rows"),
        (csv_file(bom=True, header=HEADER + "\r\n,,,"), "no rows"),
        (
            csv_file(row(), header=HEADER.replace(",reference", "")),
            "row 1: bad header .*missing reference",
        ),
        (csv_file(row(), header=HEADER + ",memo"), "row 1: bad header .*unknown memo"),
        (
            csv_file(row(), header=HEADER.replace("currency", "account")),
            "row 1: .*repeated account",
        ),
        (
            csv_file(row(), row(statement_id="S-2")),
            "row 3: statement_id 'S-2' differs from 'S-1' in row 2",
        ),
        (csv_file(row(), row(), row(account="OTHER")), "row 4: account 'OTHER' differs"),
        (csv_file(row(statement_id="")), "row 2: statement_id is empty"),
        (csv_file(row(booked_on="2026/03/02")), "row 2: booked_on: '2026/03/02' is not a date"),
        (csv_file(row(booked_on="20260302")), "row 2: booked_on"),
        (csv_file(row(booked_on="2026-13-01")), "row 2: booked_on"),
        (csv_file(row(direction="debit")), "row 2: direction: expected DBIT or CRDT"),
        (csv_file(row(amount="-1.00")), "row 2: amount: '-1.00' is not an amount"),
        (csv_file(row(amount="0.00")), "row 2: amount: must be above zero"),
        (csv_file(row(amount="1.005")), "row 2: amount: 1.005 has fractions of a fen"),
        (csv_file(row(amount="1e3")), "row 2: amount: '1e3' is not an amount"),
        (csv_file(row(amount='"1,000.00"')), "row 2: amount: '1,000.00' is not an amount"),
        (csv_file(row(amount="")), "row 2: amount is empty"),
        (csv_file(row(currency="cny")), "row 2: currency"),
        (csv_file(row(end_to_end_id="E" * 36)), "row 2: end_to_end_id: at most 35"),
        (csv_file(row(), row() + ",extra"), "row 3: expected 10 fields, found 11"),
        (
            csv_file(row(reference="B-1"), row(reference="X"), row(reference="B-1")),
            "row 4: reference 'B-1' repeats row 2",
        ),
        (csv_file(row(counterparty_name='"unclosed')), "row 2: unreadable CSV"),
        (
            HEADER.encode() + b"\n" + row(counterparty_name="某公司").encode("gbk"),
            "the CSV is not UTF-8",
        ),
    ],
)
def test_statement_csv_refuses_bad_files(data: bytes, message: str) -> None:
    with pytest.raises(StatementFormatError, match=f"^{message}"):
        parse_statement_csv(data)


# --- either ---------------------------------------------------------------------------------


def test_parse_statement_tells_xml_from_csv() -> None:
    document = sample(8)
    expected = parse_camt053(document)
    assert parse_statement(document) == expected
    assert parse_statement(b"\xef\xbb\xbf" + document, "statement.xml") == expected
    undeclared = document.split(b"?>", 1)[1]
    assert parse_statement(b" \r\n\t" + undeclared, "camt053.XML") == expected
    assert parse_statement(undeclared.decode().encode("utf-16")) == expected
    assert parse_statement(document, "application/octet-stream") == expected
    assert parse_statement(document, "application/vnd.camt+xml") == expected
    with pytest.raises(StatementFormatError, match=r"declared as CSV .* but the content is XML"):
        parse_statement(document, "statement.csv")
    with pytest.raises(StatementFormatError, match=r"declared as XML .* but the content is CSV"):
        parse_statement(csv_file(row()), "text/xml")
    with pytest.raises(StatementFormatError, match="no rows"):
        parse_statement(csv_file(), "text/plain")
