"""Payroll files: one person's payslip (PDF, XLSX or CSV: its lines with their traces), a unit's
bank file (CSV: each person's net pay to their salary account, for the agent bank) and a
unit's summary (CSV or XLSX: each payslip's totals). A unit's files stream a slice of
payslips at a time."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam, select
from sqlmodel import Session

from services.finance.payroll import pdf
from services.finance.payroll.models import Payslip
from services.finance.payroll.schemas import PayslipPublic
from services.finance.payroll.service import get_run
from shared import tabular
from shared.bulk import table_of

_SLIPS: Any = table_of(Payslip)
_SLICE = 1000
BANK_HEADERS = ("staff_no", "name", "account", "bank", "amount", "purpose")
SUMMARY_HEADERS = (
    "staff_no",
    "name",
    "kind",
    "rank",
    "step",
    "grade",
    "gross",
    "contributions",
    "tax",
    "net",
)


class PayslipFormat(StrEnum):
    PDF = "pdf"
    XLSX = "xlsx"
    CSV = "csv"

    @property
    def media_type(self) -> str:
        if self is PayslipFormat.PDF:
            return "application/pdf"
        return tabular.TabularFormat(self.value).media_type


def payslip_pdf(slip: PayslipPublic) -> bytes:
    """One payslip as a PDF page: who and when, each line with its trace, the totals."""
    title = f"工资单 Payslip {slip.year}-{slip.month:02d}  {slip.name} ({slip.staff_no})"
    head = [
        f"rank {slip.rank_code}, step {slip.step or '-'}, grade {slip.grade or '-'}",
        "",
    ]
    body = [f"{line.code:<22} {line.amount:>12.2f}   {line.trace[:70]}" for line in slip.lines]
    totals = [
        "",
        f"{'gross':<22} {slip.gross:>12.2f}",
        f"{'contributions':<22} {slip.contributions:>12.2f}",
        f"{'tax':<22} {slip.tax:>12.2f}",
        f"{'net pay':<22} {slip.net:>12.2f}",
    ]
    return pdf.document(title, [*head, *body, *totals])


def payslip_file(slip: PayslipPublic, fmt: PayslipFormat) -> bytes:
    """One payslip: as PDF, or as a sheet (a heading row per fact, then its lines)."""
    if fmt is PayslipFormat.PDF:
        return payslip_pdf(slip)
    head: list[Sequence[Any]] = [
        ("staff_no", slip.staff_no, "", ""),
        ("name", slip.name, "", ""),
        ("period", f"{slip.year}-{slip.month:02d}", "", ""),
        ("rank", slip.rank_code, "step", slip.step or ""),
        ("grade", slip.grade or "", "", ""),
    ]
    lines = [(line.code, line.kind, f"{line.amount:.2f}", line.trace) for line in slip.lines]
    totals = [
        ("gross", "", f"{slip.gross:.2f}", ""),
        ("contributions", "", f"{slip.contributions:.2f}", ""),
        ("tax", "", f"{slip.tax:.2f}", ""),
        ("net", "", f"{slip.net:.2f}", ""),
    ]
    return tabular.write_table(
        tabular.TabularFormat(fmt.value),
        ("item", "kind", "amount", "trace"),
        [*head, *lines, *totals],
        title=f"payslip {slip.year}-{slip.month:02d}",
    )


def _slices(session: Session, run_id: uuid.UUID, unit_id: uuid.UUID) -> Iterator[list[Any]]:
    query = (
        select(_SLIPS)
        .where(
            _SLIPS.c.run_id == run_id,
            _SLIPS.c.unit_id == unit_id,
            _SLIPS.c.staff_no > bindparam("after"),
        )
        .order_by(_SLIPS.c.staff_no)
        .limit(_SLICE)
    )
    after = ""
    while True:
        rows = session.connection().execute(query, {"after": after}).all()
        if not rows:
            return
        yield list(rows)
        after = rows[-1].staff_no


def bank_file(session: Session, *, run_id: uuid.UUID, unit_id: uuid.UUID) -> bytes:
    """The unit's net pay per person with an account, for the agent bank (CSV)."""
    run = get_run(session, run_id)
    purpose = f"工资 {run.year}-{run.month:02d}"
    batches = (
        [
            (r.staff_no, r.name, r.account, r.bank, f"{r.net:.2f}", purpose)
            for r in rows
            if r.net > 0 and r.account is not None
        ]
        for rows in _slices(session, run.id, unit_id)
    )
    return b"".join(tabular.stream_csv(BANK_HEADERS, batches))


def summary(
    session: Session, fmt: tabular.TabularFormat, *, run_id: uuid.UUID, unit_id: uuid.UUID
) -> bytes:
    """Each payslip's totals for a unit."""
    run = get_run(session, run_id)
    rows = (
        (
            r.staff_no,
            r.name,
            r.kind,
            r.rank_code,
            r.step,
            r.grade,
            f"{r.gross:.2f}",
            f"{r.contributions:.2f}",
            f"{r.tax:.2f}",
            f"{r.net:.2f}",
        )
        for rows in _slices(session, run.id, unit_id)
        for r in rows
    )
    return tabular.write_table(
        fmt, SUMMARY_HEADERS, rows, title=f"payroll {run.year}-{run.month:02d}"
    )
