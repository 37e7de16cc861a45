"""Statement import and reconciliation (对账).

Each statement line is matched to our instruction by end-to-end id (our instruction id) and
amount: a settled payment or remittance shows as a line, a returned payment as a second,
opposite line. A line only matches an instruction our books hold as settled (or returned):
money the bank moved for a payment we think failed or still pending is a state mismatch.
The report lists what matched, lines with another amount or state, lines that are not ours,
and on our side instructions settled in the statement's days that no line shows — of the
statement's account (a statement of the treasury single account covers them all).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from services.finance.treasury import iso20022
from services.finance.treasury.models import Instruction, InstructionStatus
from services.finance.treasury.statement_models import ImportedLine, ImportedStatement, Match
from shared.audit import AuditLog
from shared.context import Principal
from shared.money import Money
from shared.problems import Conflict, NotFound, ProblemError


class LineReport(BaseModel):
    line_no: int
    end_to_end_id: str | None
    amount: Money
    direction: str
    booked_on: date
    match: Match
    instruction_id: str | None
    expected_amount: Money | None = None


class MissingInstruction(BaseModel):
    instruction_id: str
    kind: str
    status: str
    amount: Money
    settled_on: date | None


class Reconciliation(BaseModel):
    statement_id: str
    account: str
    lines: int
    matched: int
    amount_mismatches: list[LineReport]
    state_mismatches: list[LineReport]
    unmatched_lines: list[LineReport]
    duplicate_lines: list[LineReport]
    missing_from_statement: list[MissingInstruction]
    reconciled: bool


_BOOKED = frozenset({InstructionStatus.SETTLED, InstructionStatus.RETURNED})


def _expected_direction(instruction: Instruction) -> set[str]:
    if instruction.kind == "remittance":
        return {"CRDT"}
    return {"DBIT", "CRDT"} if instruction.status == InstructionStatus.RETURNED else {"DBIT"}


def _digest(statement: iso20022.Statement) -> str:
    """What makes two statements the same: id, account and booked lines (not when or in
    which format the file was made, so the same day fetched twice is the same statement)."""
    lines = sorted(
        (
            line.booked_on.isoformat(),
            line.direction,
            f"{line.amount:.2f}",
            line.currency,
            line.end_to_end_id or "",
            line.reference or "",
        )
        for line in statement.lines
    )
    canonical = json.dumps([statement.statement_id, statement.account, lines])
    return hashlib.sha256(canonical.encode()).hexdigest()


def import_statement(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    data: bytes,
    content_type: str | None,
) -> tuple[ImportedStatement, bool]:
    """Store and match a statement; returns it and whether it was new."""
    try:
        parsed = iso20022.parse_statement(data, content_type)
    except iso20022.StatementFormatError as exc:
        raise ProblemError(422, "BAD_STATEMENT", str(exc)) from None
    digest = _digest(parsed)
    existing = session.get(ImportedStatement, parsed.statement_id)
    if existing is not None:
        if existing.digest != digest:
            raise Conflict(
                "STATEMENT_CHANGED",
                f"statement {parsed.statement_id} was imported before with other content",
            )
        return existing, False
    booked = [line.booked_on for line in parsed.lines]
    statement = ImportedStatement(
        statement_id=parsed.statement_id,
        account=parsed.account,
        digest=digest,
        format="camt053" if data.lstrip().startswith(b"<") else "csv",
        first_booked_on=min(booked) if booked else None,
        last_booked_on=max(booked) if booked else None,
        imported_by=principal.sub,
    )
    session.add(statement)
    session.flush()
    ids = {line.end_to_end_id for line in parsed.lines if line.end_to_end_id}
    ours = {
        i.instruction_id: i
        for i in session.exec(select(Instruction).where(col(Instruction.instruction_id).in_(ids)))
    }
    seen: Counter[tuple[str, str]] = Counter()
    for n, line in enumerate(parsed.lines, start=1):
        instruction = ours.get(line.end_to_end_id or "")
        match = Match.UNMATCHED
        if instruction is not None:
            key = (instruction.instruction_id, line.direction)
            seen[key] += 1
            amount = Decimal(instruction.payload["amount"])
            if line.direction not in _expected_direction(instruction) or amount != line.amount:
                match = Match.AMOUNT_MISMATCH
            elif instruction.status not in _BOOKED:
                match = Match.STATE_MISMATCH
            elif seen[key] > 1:
                match = Match.DUPLICATE
            else:
                match = Match.MATCHED
        session.add(
            ImportedLine(
                statement_id=statement.statement_id,
                line_no=n,
                end_to_end_id=line.end_to_end_id,
                amount=line.amount,
                direction=line.direction,
                booked_on=line.booked_on,
                reference=line.reference,
                counterparty_name=(line.counterparty_name or "")[:200] or None,
                counterparty_account=(line.counterparty_account or "")[:100] or None,
                match=match,
                instruction_id=instruction.instruction_id if instruction else None,
            )
        )
    audit.record(
        session,
        action="statement.imported",
        resource_type="statement",
        resource_id=statement.statement_id,
        after={"lines": len(parsed.lines), "digest": digest},
        principal=principal,
    )
    session.flush()
    return statement, True


def _of_account(instruction: Instruction, account: str) -> bool:
    payload = instruction.payload
    return account in (payload["debtor"]["account"], payload["creditor"]["account"])


def report(session: Session, statement_id: str, tsa_account: str) -> Reconciliation:
    statement = session.get(ImportedStatement, statement_id)
    if statement is None:
        raise NotFound("statement", statement_id)
    lines = list(
        session.exec(
            select(ImportedLine)
            .where(ImportedLine.statement_id == statement_id)
            .order_by(col(ImportedLine.line_no))
        )
    )
    ids = {line.instruction_id for line in lines if line.instruction_id}
    ours = {
        i.instruction_id: i
        for i in session.exec(select(Instruction).where(col(Instruction.instruction_id).in_(ids)))
    }

    def line_report(line: ImportedLine) -> LineReport:
        instruction = ours.get(line.instruction_id or "")
        expected: Any = instruction.payload["amount"] if instruction else None
        return LineReport(
            line_no=line.line_no,
            end_to_end_id=line.end_to_end_id,
            amount=line.amount,
            direction=line.direction,
            booked_on=line.booked_on,
            match=Match(line.match),
            instruction_id=line.instruction_id,
            expected_amount=expected,
        )

    missing: list[MissingInstruction] = []
    if statement.first_booked_on and statement.last_booked_on:
        settled: Iterable[Instruction] = session.exec(
            select(Instruction).where(
                col(Instruction.status).in_(
                    [InstructionStatus.SETTLED, InstructionStatus.RETURNED]
                ),
                col(Instruction.settled_on) >= statement.first_booked_on,
                col(Instruction.settled_on) <= statement.last_booked_on,
                col(Instruction.instruction_id).not_in(ids),
            )
        )
        if statement.account != tsa_account:
            settled = (i for i in settled if _of_account(i, statement.account))
        missing = [
            MissingInstruction(
                instruction_id=i.instruction_id,
                kind=i.kind,
                status=i.status,
                amount=i.payload["amount"],
                settled_on=i.settled_on,
            )
            for i in settled
        ]
    by_match: dict[str, list[LineReport]] = {m: [] for m in Match}
    for line in lines:
        by_match[line.match].append(line_report(line))
    return Reconciliation(
        statement_id=statement.statement_id,
        account=statement.account,
        lines=len(lines),
        matched=len(by_match[Match.MATCHED]),
        amount_mismatches=by_match[Match.AMOUNT_MISMATCH],
        state_mismatches=by_match[Match.STATE_MISMATCH],
        unmatched_lines=by_match[Match.UNMATCHED],
        duplicate_lines=by_match[Match.DUPLICATE],
        missing_from_statement=missing,
        reconciled=not missing and len(by_match[Match.MATCHED]) == len(lines),
    )
