"""Writing many rows of one table at once, at the speed of the database driver.

``insert(table)`` with a list of dicts makes SQLAlchemy build each row's parameters through
its compiled statement; over 100,000 rows that costs several times what the database spends
writing them. ``insert_rows`` compiles the statement once, takes each column's bind processor
(a TypeDecorator's ``process_bind_param`` and the dialect's own conversion: UUIDs, dates,
money in fen, JSON) once, and hands the driver one ``executemany`` of ready tuples. It runs on
the caller's connection, in the caller's transaction; rows are dicts keyed by column name,
every row with the same keys. On PostgreSQL the rows go by ``COPY``, which is several times
faster again than a batched ``INSERT``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Table, column, insert, table
from sqlalchemy.exc import DBAPIError


def insert_rows(connection: Connection, table_: Table, rows: Sequence[Mapping[str, Any]]) -> int:
    """Insert ``rows`` into ``table_``; how many were inserted."""
    if not rows:
        return 0
    names = list(rows[0])
    return insert_ready(connection, table_, names, _prepared(connection, table_, names, rows))


def insert_ready(
    connection: Connection, table_: Table, names: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> int:
    """Insert ``rows``, tuples of the ``names`` columns whose values are already as the driver
    takes them (read from the database as it gave them, money in whole fen): nothing is
    converted. How many were inserted."""
    if not rows:
        return 0
    dialect = connection.dialect
    names = list(names)
    # a bare clause of just these columns: the table's Python-side defaults stay out of it
    target = table(table_.name, *(column(n, table_.c[n].type) for n in names))
    compiled = insert(target).compile(dialect=dialect, column_keys=names)
    if dialect.name == "postgresql":
        _copy(connection, table_.name, names, rows)
    elif compiled.positional:
        assert list(compiled.positiontup or names) == names  # a bare insert keeps their order
        connection.exec_driver_sql(str(compiled), list(rows))
    else:
        keyed = [dict(zip(names, values, strict=True)) for values in rows]
        connection.exec_driver_sql(str(compiled), keyed)
    return len(rows)


def _prepared(
    connection: Connection, table_: Table, order: list[str], rows: Sequence[Mapping[str, Any]]
) -> list[tuple[Any, ...]]:
    """Each row's values in ``order``, converted as the column types convert them: fetched at
    C speed, then only the columns that need it converted in place. A conversion is a pure
    function of the value, so each distinct value of a column is converted once (a batch
    repeats its units, rooms, categories, days and timestamps on every row)."""
    dialect = connection.dialect
    pick = itemgetter(*order)
    convert = [
        (i, _remembered(p))
        for i, name in enumerate(order)
        if (p := table_.c[name].type.dialect_impl(dialect).bind_processor(dialect)) is not None
    ]
    prepared = []
    for row in rows:
        values = list(pick(row)) if len(order) > 1 else [row[order[0]]]
        for i, process in convert:
            values[i] = process(values[i])
        prepared.append(tuple(values))
    return prepared


def _remembered(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``process``, remembering its answer for each hashable value it was given."""
    seen: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            seen[value] = converted = process(value)
            return converted
        except TypeError:  # unhashable (a JSON document)
            return process(value)

    return convert


def _copy(
    connection: Connection, name: str, order: list[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """PostgreSQL's COPY: the rows stream to the server in one command (psycopg adapts each
    value as it would a parameter)."""
    driver = connection.connection.driver_connection
    assert driver is not None
    columns = ", ".join(f'"{c}"' for c in order)
    statement = f'COPY "{name}" ({columns}) FROM STDIN'
    dbapi_error = connection.dialect.loaded_dbapi.Error
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
    except dbapi_error as exc:
        # as SQLAlchemy would have raised it (a unique key taken meanwhile: IntegrityError,
        # which the problem handlers answer with 409)
        raise DBAPIError.instance(statement, None, exc, dbapi_error) from exc


def table_of(model: type[Any]) -> Table:
    """The Core table of a SQLModel table class."""
    found: Table = model.__table__
    return found
