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
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from services.finance.treasury import iso20022
from services.finance.treasury.models import (
    ImportedLine,
    ImportedStatement,
    Instruction,
    InstructionStatus,
    Match,
)
from services.finance.treasury.schemas import LineReport, MissingInstruction, Reconciliation
from shared.audit import AuditLog
from shared.context import Principal
from shared.problems import Conflict, Invalid, NotFound

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


def _instructions(session: Session, ids: Iterable[str]) -> dict[str, Instruction]:
    query = select(Instruction).where(col(Instruction.instruction_id).in_(set(ids)))
    return {i.instruction_id: i for i in session.exec(query)}


def _match(
    line: iso20022.StatementLine,
    instruction: Instruction | None,
    seen: Counter[tuple[str, str]],
) -> Match:
    """What ``line`` is to our books (``seen`` counts the lines matched per instruction)."""
    if instruction is None:
        return Match.UNMATCHED
    key = (instruction.instruction_id, line.direction)
    seen[key] += 1
    amount = Decimal(instruction.payload["amount"])
    if line.direction not in _expected_direction(instruction) or amount != line.amount:
        return Match.AMOUNT_MISMATCH
    if instruction.status not in _BOOKED:
        return Match.STATE_MISMATCH
    if seen[key] > 1:
        return Match.DUPLICATE
    return Match.MATCHED


def _store_lines(
    session: Session, statement: ImportedStatement, lines: Iterable[iso20022.StatementLine]
) -> None:
    lines = list(lines)
    ours = _instructions(session, (line.end_to_end_id for line in lines if line.end_to_end_id))
    seen: Counter[tuple[str, str]] = Counter()
    for n, line in enumerate(lines, start=1):
        instruction = ours.get(line.end_to_end_id or "")
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
                match=_match(line, instruction, seen),
                instruction_id=instruction.instruction_id if instruction else None,
            )
        )


def _parse(data: bytes, content_type: str | None) -> iso20022.Statement:
    try:
        return iso20022.parse_statement(data, content_type)
    except iso20022.StatementFormatError as exc:
        raise Invalid("BAD_STATEMENT", str(exc)) from None


def import_statement(
    session: Session,
    audit: AuditLog,
    principal: Principal,
    data: bytes,
    content_type: str | None,
) -> tuple[ImportedStatement, bool]:
    """Store and match a statement; returns it and whether it was new."""
    parsed = _parse(data, content_type)
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
    _store_lines(session, statement, parsed.lines)
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


def _missing(
    session: Session, statement: ImportedStatement, matched_ids: set[str], tsa_account: str
) -> list[MissingInstruction]:
    """Instructions settled in the statement's days, of its account, that no line shows."""
    if not (statement.first_booked_on and statement.last_booked_on):
        return []
    settled: Iterable[Instruction] = session.exec(
        select(Instruction).where(
            col(Instruction.status).in_([InstructionStatus.SETTLED, InstructionStatus.RETURNED]),
            col(Instruction.settled_on) >= statement.first_booked_on,
            col(Instruction.settled_on) <= statement.last_booked_on,
            col(Instruction.instruction_id).not_in(matched_ids),
        )
    )
    if statement.account != tsa_account:
        settled = (i for i in settled if _of_account(i, statement.account))
    return [
        MissingInstruction(
            instruction_id=i.instruction_id,
            kind=i.kind,
            status=i.status,
            amount=i.payload["amount"],
            settled_on=i.settled_on,
        )
        for i in settled
    ]


def _line_report(line: ImportedLine, instruction: Instruction | None) -> LineReport:
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
    ours = _instructions(session, ids)
    missing = _missing(session, statement, ids, tsa_account)
    by_match: dict[str, list[LineReport]] = {m: [] for m in Match}
    for line in lines:
        by_match[line.match].append(_line_report(line, ours.get(line.instruction_id or "")))
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
