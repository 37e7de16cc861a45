"""Bulk writing of the volume benchmark's books: COPY on PostgreSQL, one ``executemany`` per
table and month on SQLite, in one transaction, never through the API.

Values are stored exactly as the models' column types store them (SQLite: UUIDs as 32 hex
digits, days as ISO text, timestamps as UTC text; money in fen everywhere). The journal's
non-unique indexes are dropped before the load and created again after it (the same names and
columns), which is how a bulk load is done; the schema afterwards is the migrated one.
Afterwards every entry is checked to balance per unit, in SQL.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Engine, Uuid, inspect, text
from sqlmodel import SQLModel

from bench import volume_books as books
from shared.db import is_postgres

UNIT_COLUMNS = (
    *("id", "code", "name", "zba_account", "zba_bank", "active", "version"),
    *("created_at", "updated_at"),
)
JOURNAL = ("finance_journal_line", "finance_journal_entry")


def _sqlite_converter(column_type: Any) -> Callable[[Any], Any] | None:
    if isinstance(column_type, Uuid):
        return lambda v: None if v is None else v.hex
    if isinstance(column_type, DateTime) or isinstance(
        getattr(column_type, "impl", None), DateTime
    ):
        return lambda v: None if v is None else v.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(column_type, Date):
        return lambda v: None if v is None else v.isoformat()
    if isinstance(column_type, Boolean):
        return lambda v: None if v is None else int(v)
    return None


class Writer:
    """Appends rows to tables on one raw connection, inside one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.postgres = is_postgres(engine)
        self.raw: Any = engine.raw_connection()
        if not self.postgres:
            self.raw.execute("BEGIN")

    def write(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        names = ", ".join(columns)
        cursor = self.raw.cursor()
        if self.postgres:
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        model = SQLModel.metadata.tables[table]
        converters = [_sqlite_converter(model.c[name].type) for name in columns]
        if any(converters):
            rows = (
                [v if f is None else f(v) for f, v in zip(converters, row, strict=True)]
                for row in rows
            )
        marks = ", ".join("?" for _ in columns)
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608

    def sql(self, statement: str) -> None:
        self.raw.cursor().execute(statement)

    def commit(self) -> None:
        if self.postgres:
            self.raw.commit()
        else:
            self.raw.execute("COMMIT")
        self.raw.close()


@contextlib.contextmanager
def secondary_indexes_dropped(engine: Engine, writer: Writer) -> Iterator[None]:
    """Drop the journal's non-unique indexes for the load; create them again after it."""
    inspector = inspect(engine)
    dropped = [
        (table, index["name"], index["column_names"])
        for table in JOURNAL
        for index in inspector.get_indexes(table)
        if not index["unique"]
    ]
    for _table, name, _columns in dropped:
        writer.sql(f"DROP INDEX {name}")
    yield
    for table, name, columns in dropped:
        writer.sql(f"CREATE INDEX {name} ON {table} ({', '.join(map(str, columns))})")


def load(
    engine: Engine, plan: books.Plan, progress: Callable[[str], None] = lambda _m: None
) -> dict[str, int]:
    """Write the books of ``plan`` into a migrated, empty finance database (its units are
    written here too); return how many rows of each kind."""
    made = books.Books(plan)
    counts = {"entries": 0, "lines": 0}
    writer = Writer(engine)
    now = datetime(plan.last_year + 1, 1, 1)
    writer.write(
        "finance_budget_unit",
        UNIT_COLUMNS,
        [
            (
                unit_id,
                code,
                f"Budget unit {code[1:]}",
                f"ZBA-{n:04d}-{code}",
                "Agent Bank, Treasury Business Dept.",
                True,
                1,
                now,
                now,
            )
            for n, (unit_id, code) in enumerate(plan.units, start=1)
        ],
    )
    with secondary_indexes_dropped(engine, writer):
        for month in made.months():
            writer.write("finance_journal_entry", books.ENTRY_COLUMNS, month.entries)
            writer.write("finance_journal_line", books.LINE_COLUMNS, month.lines)
            writer.write("finance_quota", books.QUOTA_COLUMNS, month.quotas)
            counts["entries"] += len(month.entries)
            counts["lines"] += len(month.lines)
            if month.month == 12:
                progress(f"  {month.year}: {counts['lines']:,} lines so far")
        progress("  creating the journal's indexes again")
    appropriations = made.appropriations()
    writer.write("finance_appropriation", books.APPROPRIATION_COLUMNS, appropriations)
    writer.write("finance_period", books.PERIOD_COLUMNS, made.periods())
    writer.sql(f"UPDATE finance_counter SET value = {made.number} WHERE name = 'journal'")  # noqa: S608
    writer.commit()
    counts["appropriations"] = len(appropriations)
    check_balanced(engine)
    return counts


def check_balanced(engine: Engine) -> None:
    """Every entry has two lines or more, and balances for each unit it touches."""
    with engine.connect() as conn:
        lopsided = conn.execute(
            text(
                "SELECT count(*) FROM (SELECT entry_id FROM finance_journal_line "
                "GROUP BY entry_id, unit_id HAVING sum(debit) <> sum(credit)) AS x"
            )
        ).scalar_one()
        thin = conn.execute(
            text(
                "SELECT count(*) FROM (SELECT entry_id FROM finance_journal_line "
                "GROUP BY entry_id HAVING count(*) < 2) AS x"
            )
        ).scalar_one()
    if lopsided or thin:
        raise AssertionError(f"{lopsided} entries unbalanced per unit, {thin} with one line")


def unit_pairs(specs: Sequence[tuple[uuid.UUID, str, str]]) -> tuple[tuple[uuid.UUID, str], ...]:
    return tuple((unit_id, code) for unit_id, code, _name in specs)


def last_full_year(today: date) -> int:
    return today.year - 1
