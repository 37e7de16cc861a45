"""The platform tables every service owns a copy of, named with the service's prefix.

SQLModel's metadata is process-global, so each service's copy carries its prefix
(``finance_audit_log``); ``platform_tables(prefix)`` builds them once per prefix.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    Uuid,
)
from sqlmodel import SQLModel

from shared.types import UTCDateTime


@dataclass(frozen=True)
class PlatformTables:
    prefix: str
    audit: Table
    outbox: Table
    inbox: Table
    idempotency: Table


@cache
def platform_tables(prefix: str) -> PlatformTables:
    return PlatformTables(
        prefix, _audit(prefix), _outbox(prefix), _inbox(prefix), _idempotency(prefix)
    )


def _audit(prefix: str) -> Table:
    return Table(
        f"{prefix}_audit_log",
        SQLModel.metadata,
        Column(
            "seq",
            BigInteger().with_variant(Integer, "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        Column("at", UTCDateTime(), nullable=False),
        Column("actor", String(200), nullable=False),
        Column("roles", String(500), nullable=False),
        Column("unit_id", String(64), nullable=True),
        Column("action", String(100), nullable=False),
        Column("resource_type", String(100), nullable=False),
        Column("resource_id", String(100), nullable=True),
        Column("request_id", String(64), nullable=False),
        Column("before", JSON, nullable=True),
        Column("after", JSON, nullable=True),
        Column("prev_hash", String(64), nullable=False),
        Column("hash", String(64), nullable=False),
        sqlite_autoincrement=True,  # a deleted tail's numbers are never handed out again
    )


def _outbox(prefix: str) -> Table:
    return Table(
        f"{prefix}_outbox",
        SQLModel.metadata,
        Column("id", Uuid, primary_key=True),
        Column("event_type", String(100), nullable=False),
        Column("destination", String(50), nullable=False),
        Column("payload", JSON, nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("attempts", Integer, nullable=False, default=0),
        Column("next_attempt_at", UTCDateTime(), nullable=False),
        Column("delivered_at", UTCDateTime(), nullable=True),
        Column("last_error", Text, nullable=True),
        Column("dead_at", UTCDateTime(), nullable=True),
        Index(f"ix_{prefix}_outbox_due", "delivered_at", "next_attempt_at"),
    )


def _inbox(prefix: str) -> Table:
    return Table(
        f"{prefix}_inbox",
        SQLModel.metadata,
        Column("event_id", Uuid, primary_key=True),
        Column("source", String(50), nullable=False),
        Column("event_type", String(100), nullable=False),
        Column("received_at", UTCDateTime(), nullable=False),
    )


def _idempotency(prefix: str) -> Table:
    return Table(
        f"{prefix}_idempotency",
        SQLModel.metadata,
        Column("caller", String(200), primary_key=True),
        Column("key", String(200), primary_key=True),
        Column("fingerprint", String(64), nullable=False),
        Column("status_code", Integer, nullable=False),
        Column("body", LargeBinary, nullable=False),
        Column("media_type", String(100), nullable=False),
        Column("headers", JSON, nullable=True),
        Column("created_at", UTCDateTime(), nullable=False),
    )
