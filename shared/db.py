"""Engines and sessions: SQLite (one file per service) by default, PostgreSQL in production."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

# Up to 40 connections a process: as many as the worker threads that sync routes run on.
POOL_SIZE = 10
POOL_OVERFLOW = 30


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
    return create_engine(
        url,
        echo=echo,
        pool_pre_ping=True,
        hide_parameters=True,  # statements in error logs never carry personal data
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
        pool_timeout=5,
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


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request; it connects only when first used and closes afterwards.

    Requests that may write (anything but GET/HEAD/OPTIONS) get a writing transaction.
    """
    state = request.app.state
    bind = state.engine if request.method in _READ_METHODS else state.write_engine
    with Session(bind, expire_on_commit=False) as session:
        yield session


# "function" scope closes the session (returning its connection to the pool) as soon as the
# route returns, before the response is serialised: a sync route's connection must never wait
# for a free worker thread, or a burst of requests deadlocks the pool (bench/README.md).
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
