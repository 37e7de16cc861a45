"""The treasury's file formats for treasury centralized payment (国库集中支付), in one place.

Out: ``pain001(batch)`` writes a ``PaymentBatch`` as ISO 20022 pain.001.001.09 (rules in
``pain001.py``: CNY only, domestic accounts as ``Othr/Id``, banks by name and CNAPS code,
``ChrgBr`` DEBT, exact amounts with two decimals, correct ``NbOfTxs`` and ``CtrlSum``). A batch
too large to hold is written in pieces: ``check_pain001`` (every rule, before the first byte)
then ``write_pain001`` (the document as it is read again).

In: ``parse_statement(data, content_type_or_filename)`` reads a statement of a treasury
account, camt.053.001.02-.08 or the statement CSV, into a ``Statement`` of booked
``StatementLine``s; ``parse_camt053`` and ``parse_statement_csv`` read one format each
(rules in ``statement_lines.py``, ``statement_camt053.py`` and ``statement_csv.py``). Every
fault in a statement is a ``StatementFormatError`` naming the entry or row.
"""

from __future__ import annotations

from services.finance.treasury.pain001 import (
    BatchHead,
    Checked,
    CreditTransfer,
    Pain001File,
    Party,
    PaymentBatch,
    check_pain001,
    pain001,
    write_pain001,
)
from services.finance.treasury.statement_camt053 import parse_camt053
from services.finance.treasury.statement_csv import parse_statement_csv
from services.finance.treasury.statement_lines import (
    CSV_COLUMNS,
    Statement,
    StatementFormatError,
    StatementLine,
)
from services.finance.treasury.statements import parse_statement

__all__ = [
    "CSV_COLUMNS",
    "BatchHead",
    "Checked",
    "CreditTransfer",
    "Pain001File",
    "Party",
    "PaymentBatch",
    "Statement",
    "StatementFormatError",
    "StatementLine",
    "check_pain001",
    "pain001",
    "parse_camt053",
    "parse_statement",
    "parse_statement_csv",
    "write_pain001",
]
