"""The statement CSV: UTF-8 with or without BOM, the columns of ``CSV_COLUMNS`` (in any
order, each once), ``statement_id`` and ``account`` the same on every row, ISO dates
(``YYYY-MM-DD``); blank rows are skipped; a file with a header only is refused ("no rows").
"""

from __future__ import annotations

import csv
import io

from services.finance.treasury.statement_lines import (
    _CURRENCY,
    CSV_COLUMNS,
    NOT_PROVIDED,
    Statement,
    StatementFormatError,
    StatementLine,
    _amount,
    _date,
    _direction,
    _Invalid,
    _limited,
)


def _csv_header(row: list[str]) -> list[str]:
    names = [name.strip() for name in row]
    missing = [name for name in CSV_COLUMNS if name not in names]
    unknown = [name for name in names if name not in CSV_COLUMNS]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if missing or unknown or repeated:
        faults = [
            f"{label} {', '.join(found)}"
            for label, found in (("missing", missing), ("unknown", unknown), ("repeated", repeated))
            if found
        ]
        raise _Invalid(f"bad header ({'; '.join(faults)}); expected {','.join(CSV_COLUMNS)}")
    return names


def _csv_line(names: list[str], row: list[str]) -> tuple[str, str, StatementLine]:
    if len(row) != len(names):
        raise _Invalid(f"expected {len(names)} fields, found {len(row)}")
    value = {name: field.strip() for name, field in zip(names, row, strict=True)}
    for name in ("statement_id", "account", "booked_on", "direction", "amount", "currency"):
        if not value[name]:
            raise _Invalid(f"{name} is empty")
    currency = value["currency"]
    if not _CURRENCY.fullmatch(currency):
        raise _Invalid(f"currency: expected three capital letters, got {currency!r}")
    end_to_end = _limited(value["end_to_end_id"], "end_to_end_id", 35)
    line = StatementLine(
        end_to_end_id=None if end_to_end in ("", NOT_PROVIDED) else end_to_end,
        amount=_amount(value["amount"], "amount"),
        direction=_direction(value["direction"], "direction"),
        booked_on=_date(value["booked_on"], "booked_on"),
        reference=_limited(value["reference"], "reference", 35) or None,
        counterparty_name=_limited(value["counterparty_name"], "counterparty_name", 140) or None,
        counterparty_account=_limited(value["counterparty_account"], "counterparty_account", 34)
        or None,
        currency=currency,
    )
    statement_id = _limited(value["statement_id"], "statement_id", 35)
    return statement_id, _limited(value["account"], "account", 34), line


def parse_statement_csv(data: bytes) -> Statement:
    """A statement CSV (see the module rules)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise StatementFormatError(f"the CSV is not UTF-8 (byte {exc.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    names: list[str] | None = None
    first: tuple[str, str, int] | None = None
    lines: list[StatementLine] = []
    seen: dict[str, int] = {}
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            if names is None:
                names = _csv_header(row)
                continue
            if not any(field.strip() for field in row):
                continue
            statement_id, account, line = _csv_line(names, row)
            if first is None:
                first = (statement_id, account, number)
            for label, got, want in (
                ("statement_id", statement_id, first[0]),
                ("account", account, first[1]),
            ):
                if got != want:
                    raise _Invalid(f"{label} {got!r} differs from {want!r} in row {first[2]}")
            if line.reference is not None:
                if line.reference in seen:
                    earlier = seen[line.reference]
                    raise _Invalid(f"reference {line.reference!r} repeats row {earlier}")
                seen[line.reference] = number
            lines.append(line)
    except csv.Error as exc:
        raise StatementFormatError(f"unreadable CSV ({exc})", row=number + 1) from None
    except _Invalid as exc:
        raise StatementFormatError(str(exc), row=number) from None
    if names is None:
        raise StatementFormatError(f"empty file: expected the header {','.join(CSV_COLUMNS)}")
    if first is None:
        raise StatementFormatError("no rows: the file has a header only")
    return Statement(first[0], first[1], None, tuple(lines))
