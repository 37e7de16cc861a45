"""What the tests of the treasury file formats share: the official XSDs, pain.001 batches and
the paths of their documents, camt.053 documents and statement CSV files.

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

import xmlschema
from defusedxml import ElementTree as SafeElementTree

from services.finance.treasury.iso20022 import CSV_COLUMNS, CreditTransfer, Party, PaymentBatch

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
