"""Paying an approved run: direct payments through the treasury, and the ledger.

``pay`` writes one transfer per payee — each person's net pay to their salary account, and
each unit's withholdings to their payees (income tax to the tax bureau, pension, medical,
unemployment and annuity shares to the social insurance agency, the housing fund share to
the housing fund centre, as the standards in force name them) — each with its treasury
instruction (kind ``payroll``, sent as a direct payment from the treasury single account),
and posts what the run owes: Dr 5001 业务活动费用 under class 301 / Cr 2201 应付职工薪酬, a
line pair per unit, one entry keyed by the run. All in one transaction; the run is ``paid``.
A person with no salary account on file gets a transfer ``no_account``: an exception.

The instructions go to the treasury as one pain.001 file (``channel=file``, exported by
``treasury_file.pain001``) or over the API (``channel=api``: sent after the commit, a few at a
time; what is not sent then is sent by the treasury worker). The treasury keys instructions by
id, so a resend never pays twice.

Each transfer then follows its instruction (``settlement``: settled, failed, returned; the
run closed once all are settled). A failed, returned or account-less transfer is an
exception, re-paid by ``repay`` as a new attempt of the same payee (unique run × payee ×
attempt; the old one ``superseded``, under its lock), so a payee is never paid twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import chain
from typing import Any

from sqlalchemy import bindparam, func
from sqlalchemy import select as core
from sqlmodel import Session, col, select

from services.finance.ledger import posting
from services.finance.ledger.chart import (
    OPERATING_EXPENSE,
    PAYROLL_PAYABLE,
    QUOTA_FUND,
)
from services.finance.ledger.models import EntrySource
from services.finance.payroll.decisions import WAGES
from services.finance.payroll.models import (
    EXCEPTIONS,
    PayeeKind,
    PayrollRun,
    PayrollTransfer,
    Payslip,
    PayslipLine,
    RunStatus,
    SalaryAccount,
    TransferStatus,
)
from services.finance.payroll.runs import first_day
from services.finance.payroll.schemas import Repayment, TransferPublic
from services.finance.payroll.service import get_run, wrong_state
from services.finance.periods import service as periods
from services.finance.standards.schemas import Contributions, IncomeTax, Payee
from services.finance.standards.service import in_force
from services.finance.treasury.models import Instruction, InstructionKind
from services.finance.treasury.models import InstructionStatus as Status
from services.finance.treasury.sender import Sender
from shared.audit import AuditLog
from shared.bulk import insert_rows, table_of
from shared.changes import record_change
from shared.context import Principal
from shared.pagination import Page, PageParams, paginate
from shared.problems import Conflict, Invalid, NotFound
from shared.types import today, utcnow

_TRANSFERS: Any = table_of(PayrollTransfer)
_INSTRUCTIONS: Any = table_of(Instruction)
_SLIPS: Any = table_of(Payslip)
_LINES: Any = table_of(PayslipLine)
_CHUNK = 2000
SOCIAL_INSURANCE = ("pension", "medical", "unemployment", "occupational_annuity")


class PayChannel(StrEnum):
    API = "api"
    FILE = "file"


@dataclass(frozen=True)
class Treasury:
    """The account direct payments are made from."""

    name: str
    account: str


def instruction_id(transfer_id: uuid.UUID, attempt: int) -> str:
    return f"PR-{transfer_id.hex[:24].upper()}-{attempt}"


def _payload(t: dict[str, Any], treasury: Treasury, run: PayrollRun, day: date) -> dict[str, Any]:
    return {
        "instruction_id": t["instruction_id"],
        "kind": "payment",
        "method": "direct",
        "debtor": {"name": treasury.name, "account": treasury.account},
        "creditor": {"name": t["payee_name"], "account": t["account"], "bank": t["bank"]},
        "amount": f"{t['amount']:.2f}",
        "currency": "CNY",
        "purpose": f"Payroll {run.year}-{run.month:02d} ({t['payee_kind']})",
        "requested_on": day.isoformat(),
    }


def _transfer(
    run: PayrollRun,
    unit_id: uuid.UUID,
    kind: PayeeKind,
    key: str,
    name: str,
    amount: Decimal,
    account: str | None,
    bank: str | None,
    staff_id: uuid.UUID | None = None,
    attempt: int = 1,
) -> dict[str, Any]:
    transfer_id = uuid.uuid4()
    has_account = account is not None and bank is not None
    now = utcnow()
    return {
        "id": transfer_id,
        "run_id": run.id,
        "unit_id": unit_id,
        "payee_kind": kind,
        "payee_key": key,
        "attempt": attempt,
        "staff_id": staff_id,
        "payee_name": name[:140],
        "account": account,
        "bank": bank,
        "amount": amount,
        "status": TransferStatus.SUBMITTING if has_account else TransferStatus.NO_ACCOUNT,
        "instruction_id": instruction_id(transfer_id, attempt) if has_account else None,
        "reason_code": None if has_account else "NOACCT",
        "reason": None if has_account else "no salary account on file",
        "created_at": now,
        "updated_at": now,
    }


def _instruction_rows(
    session: Session,
    transfers: list[dict[str, Any]],
    run: PayrollRun,
    treasury: Treasury,
    channel: PayChannel,
) -> list[str]:
    day = max(first_day(run), today())
    now = utcnow()
    rows = [
        {
            "instruction_id": t["instruction_id"],
            "kind": InstructionKind.PAYROLL,
            "subject_id": t["id"],
            "channel": channel.value,
            "payload": _payload(t, treasury, run, day),
            "status": Status.UNSENT,
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for t in transfers
        if t["instruction_id"] is not None
    ]
    insert_rows(session.connection(), _INSTRUCTIONS, rows)
    return [r["instruction_id"] for r in rows]


def _staff_transfers(session: Session, run: PayrollRun) -> Iterator[list[dict[str, Any]]]:
    """Net pay per person, a chunk at a time."""
    after = ""
    query = (
        core(_SLIPS.c.staff_no, _SLIPS.c.staff_id, _SLIPS.c.unit_id, _SLIPS.c.name, _SLIPS.c.net)
        .add_columns(_SLIPS.c.account, _SLIPS.c.bank)
        .where(_SLIPS.c.run_id == run.id, _SLIPS.c.staff_no > bindparam("after"), _SLIPS.c.net > 0)
        .order_by(_SLIPS.c.staff_no)
        .limit(_CHUNK)
    )
    while True:
        rows = session.connection().execute(query, {"after": after}).all()
        if not rows:
            return
        yield [
            _transfer(run, unit, PayeeKind.STAFF, str(sid), name, net, acc, bank, staff_id=sid)
            for _, sid, unit, name, net, acc, bank in rows
        ]
        after = rows[-1][0]


def _withholdings(session: Session, run: PayrollRun) -> list[dict[str, Any]]:
    """Each unit's withholdings to their payees (tax, social insurance, housing fund)."""
    day = first_day(run)
    _, contributions = in_force(session, Contributions, day)
    _, tax = in_force(session, IncomeTax, day)
    payees: dict[PayeeKind, Payee] = {
        PayeeKind.TAX: tax.payee,
        PayeeKind.SOCIAL_INSURANCE: contributions.social_insurance_payee,
        PayeeKind.HOUSING_FUND: contributions.housing_fund_payee,
    }
    kind_of = {code: PayeeKind.SOCIAL_INSURANCE for code in SOCIAL_INSURANCE}
    kind_of.update({"income_tax": PayeeKind.TAX, "housing_fund": PayeeKind.HOUSING_FUND})
    rows = session.connection().execute(
        core(_SLIPS.c.unit_id, _LINES.c.code, func.sum(_LINES.c.amount))
        .join(_SLIPS, _SLIPS.c.id == _LINES.c.slip_id)
        .where(_LINES.c.run_id == run.id, _LINES.c.code.in_(list(kind_of)))
        .group_by(_SLIPS.c.unit_id, _LINES.c.code)
    )
    sums: dict[tuple[uuid.UUID, PayeeKind], Decimal] = {}
    for unit_id, code, amount in rows:
        key = (unit_id, kind_of[code])
        sums[key] = sums.get(key, Decimal(0)) + Decimal(amount)
    return [
        _transfer(
            run,
            unit_id,
            kind,
            f"{unit_id}:{kind}",
            payees[kind].name,
            amount.quantize(Decimal("0.01")),
            payees[kind].account,
            payees[kind].bank,
        )
        for (unit_id, kind), amount in sorted(sums.items(), key=lambda i: (str(i[0][0]), i[0][1]))
        if amount > 0
    ]


def _post_accrual(session: Session, run: PayrollRun, actor: str) -> None:
    from services.finance.payroll.decisions import unit_gross

    lines: list[posting.LineSpec] = []
    for unit_id, gross in unit_gross(session, run.id):
        if gross <= 0:
            continue
        lines.append(
            posting.LineSpec(
                account=OPERATING_EXPENSE,
                unit_id=unit_id,
                debit=gross,
                economic_class=WAGES,
                fund_source=QUOTA_FUND,
            )
        )
        lines.append(
            posting.LineSpec(
                account=PAYROLL_PAYABLE, unit_id=unit_id, credit=gross, fund_source=QUOTA_FUND
            )
        )
    if lines:
        posting.post(
            session,
            entry_date=periods.posting_day(session, today()),
            memo=f"Payroll {run.year}-{run.month:02d}: pay owed",
            lines=lines,
            source=EntrySource.PAYROLL,
            source_ref=str(run.id),
            posted_by=actor,
        )


def pay(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    sender: Sender | None,
    *,
    run_id: uuid.UUID,
    treasury: Treasury,
    channel: PayChannel,
) -> PayrollRun:
    """Write every transfer of an approved run with its instruction, and post what it owes."""
    run = get_run(session, run_id, lock=True)
    if run.status != RunStatus.APPROVED:
        raise wrong_state(run, "paid")
    conn = session.connection()
    sent: list[str] = []
    # one chunk of transfers at a time: the withholdings' chunk is made after the last staff one
    chunks = chain(_staff_transfers(session, run), (_withholdings(session, run) for _ in (1,)))
    for chunk in chunks:
        insert_rows(conn, _TRANSFERS, chunk)
        sent += _instruction_rows(session, chunk, run, treasury, channel)
    _post_accrual(session, run, principal.sub)
    run.status = RunStatus.PAID
    run.paid_at = utcnow()
    if channel == PayChannel.API and sender is not None:
        # a run's transfers are many: sent after the answer, on a thread of their own
        sender.send_many_after_commit(session, sent)
    return record_change(
        session,
        audit,
        run,
        action="payroll_run.paid",
        resource_type="payroll_run",
        before={"status": RunStatus.APPROVED},
        after={"status": run.status, "transfers": len(sent), "channel": channel},
        principal=principal,
    )


# ---- exceptions and re-payment --------------------------------------------------------------


def transfer_public(t: PayrollTransfer) -> TransferPublic:
    return TransferPublic.model_validate(t, from_attributes=True)


def list_transfers(
    session: Session,
    params: PageParams,
    *,
    run_id: uuid.UUID | None,
    exceptions_only: bool,
    status: TransferStatus | None = None,
) -> Page[TransferPublic]:
    query = select(PayrollTransfer)
    if run_id is not None:
        query = query.where(PayrollTransfer.run_id == run_id)
    if exceptions_only:
        query = query.where(col(PayrollTransfer.status).in_(list(EXCEPTIONS)))
    if status is not None:
        query = query.where(PayrollTransfer.status == status)
    order = (
        col(PayrollTransfer.run_id),
        col(PayrollTransfer.payee_key),
        col(PayrollTransfer.attempt),
    )
    return paginate(session, query, params, *order, view=transfer_public)


def repay(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    sender: Sender | None,
    *,
    transfer_id: uuid.UUID,
    data: Repayment,
    treasury: Treasury,
) -> PayrollTransfer:
    """Pay an exception again, as a new attempt (to the corrected account when given)."""
    old = session.exec(
        select(PayrollTransfer).where(PayrollTransfer.id == transfer_id).with_for_update()
    ).first()
    if old is None:
        raise NotFound("payroll_transfer", transfer_id)
    if old.status not in EXCEPTIONS:
        raise Conflict(
            "NOT_AN_EXCEPTION",
            f"the transfer is {old.status}: only a failed, returned or account-less transfer "
            "is paid again",
            state=old.status,
        )
    if (data.account is None) != (data.bank is None):
        raise Invalid("ACCOUNT_AND_BANK", "give both the account and its bank, or neither")
    account, bank = data.account, data.bank
    if old.staff_id is not None:
        on_file = session.get(SalaryAccount, old.staff_id)
        if account is not None and bank is not None:
            _keep_account(session, principal, old.staff_id, account, bank, on_file)
        elif on_file is not None:
            account, bank = on_file.account, on_file.bank
    if account is None or bank is None:
        account, bank = old.account, old.bank
    if account is None or bank is None:
        raise Invalid("NO_ACCOUNT", "no salary account on file: give the account to pay")
    run = get_run(session, old.run_id)
    row = _transfer(
        run,
        old.unit_id,
        PayeeKind(old.payee_kind),
        old.payee_key,
        old.payee_name,
        old.amount,
        account,
        bank,
        staff_id=old.staff_id,
        attempt=old.attempt + 1,
    )
    old.status = TransferStatus.SUPERSEDED
    old.updated_at = utcnow()
    session.add(old)
    session.flush()
    insert_rows(session.connection(), _TRANSFERS, [row])
    [iid] = _instruction_rows(session, [row], run, treasury, PayChannel.API)
    if sender is not None:
        sender.send_after_commit(session, iid)
    audit.record(
        session,
        action="payroll_transfer.repaid",
        resource_type="payroll_transfer",
        resource_id=old.id,
        before={"status": "exception", "account": old.account},
        after={"attempt": row["attempt"], "account": account, "instruction_id": iid},
        principal=principal,
    )
    new = session.get(PayrollTransfer, row["id"])
    assert new is not None
    return new


def _keep_account(
    session: Session,
    principal: Principal,
    staff_id: uuid.UUID,
    account: str,
    bank: str,
    on_file: SalaryAccount | None,
) -> None:
    if on_file is None:
        session.add(
            SalaryAccount(staff_id=staff_id, account=account, bank=bank, updated_by=principal.sub)
        )
    else:
        on_file.account, on_file.bank = account, bank
        on_file.version += 1
        on_file.updated_by = principal.sub
        on_file.updated_at = utcnow()
        session.add(on_file)
