"""Engines and sessions: SQLite (one file per service) by default, PostgreSQL in production."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel
from sqlalchemy import Engine, Table, create_engine, event, literal_column, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from shared.deps import from_app_state

log = logging.getLogger("shared.db")

# Up to 40 connections a process: as many as the worker threads that sync routes run on. They
# are opened as needed and then kept: an "overflow" connection would be closed on every return
# to the pool under load, and opening one costs a PostgreSQL backend (and SQLite's pragmas).
POOL_SIZE = 40
POOL_OVERFLOW = 0


def normalize_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` URLs."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.removeprefix("postgres://")
    return url


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create the engine for ``url``; SQLite gets WAL, foreign keys and write-ahead locking."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 15},
            hide_parameters=True,
            pool_size=POOL_SIZE,
            max_overflow=POOL_OVERFLOW,
            pool_timeout=10,
        )
        _configure_sqlite(engine)
        return engine
    # No ping on every checkout (a round trip per transaction): a connection the server
    # dropped fails its first statement, SQLAlchemy then discards every pooled connection
    # opened before, and the next transaction connects afresh (``shared.problems`` answers
    # 503 for the one that failed). Connections are renewed every half hour anyway.
    return create_engine(
        url,
        echo=echo,
        pool_recycle=1800,
        hide_parameters=True,  # statements in error logs never carry personal data
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
        pool_timeout=BUSY_SECONDS,
        connect_args={"connect_timeout": 5},
    )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so that BEGIN below is ours.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
        # 64 MiB of page cache (the default is 2 MiB): bulk writes into indexes keyed by
        # random UUIDs touch pages all over the file
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    # Writers of this process queue on a lock of their own before asking SQLite: SQLite lets
    # a waiting writer poll with sleeps of up to 100 ms, so under load some writers starve
    # past the busy timeout while others get through; a blocked thread is woken the moment
    # the lock is free. (Other processes still meet SQLite's own lock.)
    writer = threading.Lock()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writing transaction takes the write lock up front (IMMEDIATE): two of them can
        # never both read a balance (or an audit chain head) and then both write from it.
        # Reading transactions stay DEFERRED and never wait for each other.
        if not conn.get_execution_options().get(WRITE_OPTION, False):
            conn.exec_driver_sql("BEGIN")
            return
        if not writer.acquire(timeout=BUSY_SECONDS):
            raise OperationalError("BEGIN IMMEDIATE", None, sqlite3.OperationalError("locked"))
        conn.info[_HOLDS_WRITER] = True
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _release(conn)
            raise

    def _release(conn: Any) -> None:
        if conn.info.pop(_HOLDS_WRITER, False):
            writer.release()

    event.listen(engine, "commit", _release)
    event.listen(engine, "rollback", _release)

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        if record.info.pop(_HOLDS_WRITER, False):  # never returned with the lock held
            writer.release()


WRITE_OPTION = "suite_write"
BUSY_SECONDS = 15
_HOLDS_WRITER = "suite_holds_writer"
_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def for_writing(engine: Engine) -> Engine:
    """The same engine, marked so that its transactions take the write lock at BEGIN (SQLite;
    PostgreSQL ignores the mark and relies on row locks and constraints)."""
    return engine.execution_options(**{WRITE_OPTION: True})


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def ping(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


AFTER_COMMIT = "suite_after_commit"
_ANSWERS = "suite_answers"


def after_commit(session: Session, work: Callable[[], object]) -> None:
    """Queue ``work`` to run once the session's transaction has committed (never if it rolls
    back): sending what the committed rows describe, to a system outside this database."""
    session.info.setdefault(AFTER_COMMIT, []).append(work)


def finish(session: Session, read_bind: Engine | None = None) -> None:
    """Commit the unit of work, then run what was queued for after the commit, in order.

    A failing after-commit step is logged, not raised: the commit stands, and what the step
    does must be recoverable by other means (the treasury worker resends what is unsent).
    Answers rendered after the commit read through ``read_bind`` when given (on SQLite a
    read takes no write lock).
    """
    session.commit()
    after_committed(session, read_bind)


def after_committed(session: Session, read_bind: Engine | None = None) -> None:
    """The after-commit work and answers queued on ``session`` (its commit done)."""
    for work in session.info.pop(AFTER_COMMIT, []):
        try:
            work()
        except Exception:
            log.exception("after-commit work failed: %r", work)
    if read_bind is not None:
        session.bind = read_bind
    for render in session.info.pop(_ANSWERS, []):
        render()


def _queued(session: Session) -> bool:
    return bool(session.info.get(AFTER_COMMIT) or session.info.get(_ANSWERS))


def abandon(session: Session) -> None:
    session.info.pop(AFTER_COMMIT, None)
    session.info.pop(_ANSWERS, None)
    session.rollback()


@contextlib.contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """A transaction outside a request (workers, relays, seeding): the same rule as a
    request's, committed once when the block succeeds and rolled back when it raises."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
        except BaseException:
            abandon(session)
            raise
        finish(session)


@dataclasses.dataclass
class _RequestWork:
    """A request's writing unit of work, for ``commit_request`` in the handler's thread."""

    session: Session
    read_bind: Engine
    done: bool = False


_request_work: ContextVar[_RequestWork | None] = ContextVar("suite_request_work", default=None)


def commit_request() -> None:
    """Commit the current request's writing unit of work now, in the calling thread (the
    handler's, right after it returned: ``shared.routing`` calls it), then run its
    after-commit work. Its locks (rows, the audit chain, SQLite's write lock) are released
    before anything waits for another thread: were the commit left for a thread of the pool,
    it could wait behind routes that wait for those very locks. A no-op outside a writing
    request, or when done already."""
    work = _request_work.get()
    if work is None or work.done:
        return
    work.done = True
    finish(work.session, work.read_bind)


async def get_session(request: Request) -> AsyncIterator[Session]:
    """The request's unit of work: one session, connected when first used.

    Requests that may write (anything but GET/HEAD/OPTIONS) get a writing transaction, which
    commits once after the handler succeeded (then runs the after-commit work) and rolls back
    when it raised. Handlers and services never commit; services only flush.
    """
    state = request.app.state
    writes = request.method not in _READ_METHODS
    bind = state.write_engine if writes else state.engine
    with Session(bind, expire_on_commit=False) as session:
        work = _RequestWork(session, state.engine) if writes else None
        _request_work.set(work)
        try:
            yield session
        except BaseException:
            abandon(session)
            raise
        finally:
            if work is not None:
                committed, work.done = work.done, True  # never committed by anyone later
        if work is None or committed:
            return
        # a handler that does not commit in its own thread (not a ``shared.routing`` route)
        if bind.dialect.name == "sqlite":
            # Committed here, on the event loop, not after a wait for a free worker thread:
            # the transaction holds the process's write lock, and the threads may all be
            # taken by routes waiting for that very lock (a deadlock until the busy timeout).
            # A SQLite commit is an append to the write-ahead log, and nothing waits for
            # other writers at this point. What comes after it may block: it takes a thread.
            session.commit()
            if _queued(session):
                await run_in_threadpool(after_committed, session, state.engine)
        else:
            await run_in_threadpool(finish, session, state.engine)


# "function" scope ends the unit of work (commit, close, the connection back to the pool) as
# soon as the route returns, before the response is sent: a sync route's connection must never
# wait for a free worker thread, or a burst of requests deadlocks the pool (bench/README.md).
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
# The app's engine for reads: what a streamed answer reads as it is sent, on a connection of
# its own, after the request's unit of work has ended.
ReadEngineDep = Annotated[Engine, Depends(from_app_state("engine", Engine))]


def answer_after_commit(
    session: Session,
    render: Callable[[], BaseModel],
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """A JSON answer rendered after the commit and the after-commit work queued before it: for
    a route whose answer says how far that work got (a payment the treasury already has)."""
    response = Response(status_code=status_code, headers=headers, media_type="application/json")

    def fill() -> None:
        response.body = render().model_dump_json().encode()
        response.headers["content-length"] = str(len(response.body))

    session.info.setdefault(_ANSWERS, []).append(fill)
    return response


def insert_unless_present(session: Session, table: Table, values: dict[str, Any]) -> bool:
    """Insert one row unless a row with the same unique key exists; True if this one was
    inserted. One statement (``INSERT … ON CONFLICT DO NOTHING``), no savepoint: on PostgreSQL
    a concurrent transaction inserting the same key is waited for, and the row counts as
    present once it commits (inserted here if it rolls back), as a unique violation would."""
    conn = session.connection()
    statement = _insert_unless_present(table, conn.dialect.name)
    return conn.execute(statement, values).first() is not None


@functools.cache
def _insert_unless_present(table: Table, dialect: str) -> Any:
    make = pg_insert if dialect == "postgresql" else sqlite_insert
    # RETURNING says whether a row went in (an INSERT's rowcount is not reported by psycopg)
    return make(table).on_conflict_do_nothing().returning(literal_column("1"))
