"""A paid run's file for the treasury: its transfers paid by file (``channel=file``) as one
pain.001 document, written in pieces by ``pain001``.

- The document holds the same EndToEndIds each time it is exported: the transfers'
  treasury instruction ids.
- Every rule is checked first, in the request's transaction (422 ``NOT_EXPORTABLE`` before
  any byte; 409 ``NOTHING_TO_EXPORT`` for a run with no transfer paid by file): a first pass
  over the transfers keeps only their count, sum and digest (their end-to-end ids are the
  treasury instructions' primary key, so they are distinct without a set of them).
- The pieces read the transfers again, ``_EXPORT_SLICE`` rows at a time, on a connection of
  their own, once the request's unit of work has ended; a run's transfers paid by file never
  change after it is paid, and the writer ends unfinished if they did.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy import select as core
from sqlmodel import Session

from services.finance.payroll.decisions import WAGES
from services.finance.payroll.models import PayrollRun, PayrollTransfer
from services.finance.payroll.payment import Treasury
from services.finance.payroll.runs import first_day
from services.finance.payroll.service import get_run
from services.finance.treasury import iso20022
from services.finance.treasury.models import Channel, Instruction
from shared.bulk import table_of
from shared.problems import Conflict, Invalid
from shared.types import today, utcnow

_TRANSFERS: Any = table_of(PayrollTransfer)
_INSTRUCTIONS: Any = table_of(Instruction)
_EXPORT_SLICE = 500  # transfers read at a time while writing a pain.001


def _file_transfers(run: PayrollRun) -> Any:
    """The run's transfers paid by file, in the order they are written."""
    t, i = _TRANSFERS.c, _INSTRUCTIONS.c
    return (
        core(t.instruction_id, t.amount, t.payee_name, t.account, t.bank, t.payee_kind)
        .join_from(_TRANSFERS, _INSTRUCTIONS, i.instruction_id == t.instruction_id)
        .where(t.run_id == run.id, i.channel == Channel.FILE)
        .order_by(t.created_at, t.payee_key)
    )


def _credit_transfers(conn: Connection, run: PayrollRun) -> Iterator[iso20022.CreditTransfer]:
    """The run's transfers paid by file as the treasury's credit transfers, ``_EXPORT_SLICE``
    rows at a time (a server-side cursor on PostgreSQL)."""
    purpose = f"Payroll {run.year}-{run.month:02d}"
    rows = conn.execute(_file_transfers(run).execution_options(yield_per=_EXPORT_SLICE))
    for r in rows:
        yield iso20022.CreditTransfer(
            end_to_end_id=r.instruction_id,
            amount=r.amount,
            creditor=iso20022.Party(name=r.payee_name, account=r.account or "", bank=r.bank),
            purpose=f"{purpose} ({r.payee_kind})",
            classification=WAGES,
        )


def pain001(
    session: Session, engine: Engine, *, run_id: uuid.UUID, treasury: Treasury
) -> iso20022.Pain001File:
    """The run's transfers written for the file channel, as one pain.001 document in pieces:
    every rule checked here first, the pieces read the transfers again (the module's rules)."""
    run = get_run(session, run_id)
    conn = session.connection()
    if conn.execute(_file_transfers(run).order_by(None).limit(1)).first() is None:
        raise Conflict("NOTHING_TO_EXPORT", "the run has no transfers paid by file")
    created = utcnow()
    message_id = f"PR-{run.year}{run.month:02d}-{created:%H%M%S}-{uuid.uuid4().hex[:6].upper()}"
    head = iso20022.BatchHead(
        message_id=message_id,
        created_at=created,
        debtor=iso20022.Party(name=treasury.name, account=treasury.account),
        requested_on=max(first_day(run), today()),
    )
    try:
        checked = iso20022.check_pain001(head, _credit_transfers(conn, run), unique_ids=True)
    except ValueError as exc:
        raise Invalid("NOT_EXPORTABLE", str(exc)) from None

    def pieces() -> Iterator[bytes]:
        with engine.connect() as own:
            yield from iso20022.write_pain001(head, _credit_transfers(own, run), checked)

    return iso20022.Pain001File(f"{message_id}.xml", checked.size, pieces())
