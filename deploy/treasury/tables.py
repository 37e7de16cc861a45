"""The sandbox's three tables, created at start (``metadata.create_all``; no migrations).

- ``treasury_instruction``: each instruction as received (its canonical JSON, for the
  idempotency check, and the columns the rules and statements read), its state, and
  ``due_at``: when its next automatic step is due (null once it has none left).
- ``treasury_entry``: the bookings on the treasury single account, one per settled payment
  (debit), settled remittance (credit) and returned payment (credit).
- ``treasury_callback``: the status callbacks, kept like an outbox: each has its fixed event
  id and body, and ``due_at`` for its next try, so sending resumes after a restart; ``seq``
  orders the callbacks of one instruction, which are sent one after the other.

Amounts are stored as their two-decimal text, exact on every backend.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Integer, MetaData, String, Table, Text

from shared.types import UTCDateTime

metadata = MetaData()

instructions = Table(
    "treasury_instruction",
    metadata,
    Column("instruction_id", String(35), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("canonical", Text, nullable=False),
    Column("debtor_name", String(140), nullable=False),
    Column("debtor_account", String(34), nullable=False, index=True),
    Column("creditor_name", String(140), nullable=False),
    Column("creditor_account", String(34), nullable=False, index=True),
    Column("amount", String(24), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reason_code", String(4)),
    Column("reason", String(140)),
    Column("received_at", UTCDateTime(), nullable=False),
    Column("updated_at", UTCDateTime(), nullable=False),
    Column("settled_on", Date),
    Column("due_at", UTCDateTime(), index=True),
)

entries = Table(
    "treasury_entry",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "instruction_id",
        String(35),
        ForeignKey("treasury_instruction.instruction_id"),
        nullable=False,
        index=True,
    ),
    Column("booked_on", Date, nullable=False, index=True),
    Column("direction", String(4), nullable=False),  # DBIT | CRDT
    Column("code", String(4), nullable=False),  # PMNT | RMTC | RTRN
    Column("amount", String(24), nullable=False),
)

callbacks = Table(
    "treasury_callback",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("event_id", String(40), nullable=False, unique=True),
    Column(
        "instruction_id",
        String(35),
        ForeignKey("treasury_instruction.instruction_id"),
        nullable=False,
        index=True,
    ),
    Column("body", Text, nullable=False),
    Column("state", String(16), nullable=False),  # pending | delivered | failed | dropped
    Column("copies_wanted", Integer, nullable=False),  # 2 in duplicate mode, else 1
    Column("copies_sent", Integer, nullable=False, default=0),
    Column("attempts", Integer, nullable=False, default=0),  # failed tries of this copy
    Column("due_at", UTCDateTime(), index=True),
    Column("last_error", String(200)),
    Column("created_at", UTCDateTime(), nullable=False),
)
