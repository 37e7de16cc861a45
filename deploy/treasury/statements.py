"""Account statements of the treasury single account: one day's bookings, as CSV or camt.053.

What is booked, and when: a settled payment is a debit (``DBIT``, code ``PMNT``) on its
settlement day; a settled remittance a credit (``CRDT``, ``RMTC``) on its settlement day; a
returned payment a credit (``CRDT``, ``RTRN``) on the day it came back (its debit stays on its
own day). Received, accepted and rejected instructions book nothing.

The statement id is ``STMT-<yyyymmdd>``, with ``-<account>`` when filtered by an account, so
the same day asked twice is the same statement (entries booked since are added to it).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

from deploy.treasury.store import Entry

CSV_HEADER = (
    "statement_id",
    "account",
    "booked_on",
    "direction",
    "amount",
    "currency",
    "end_to_end_id",
    "counterparty_name",
    "counterparty_account",
    "reference",
)


def statement_id(day: date, account: str | None) -> str:
    base = f"STMT-{day:%Y%m%d}"
    return f"{base}-{account}" if account else base


def to_csv(statement: str, tsa_account: str, entries: Sequence[Entry]) -> bytes:
    """UTF-8 CSV, one line per entry under the header ``CSV_HEADER``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for e in entries:
        writer.writerow(
            (
                statement,
                tsa_account,
                e.booked_on.isoformat(),
                e.direction,
                e.amount,
                e.currency,
                e.instruction_id,
                e.counterparty_name,
                e.counterparty_account,
                e.reference,
            )
        )
    return out.getvalue().encode()
