"""Alembic per service: its own history, its own version table, batch mode on SQLite.

Every service's ``migrations/env.py`` calls ``run_env``; the run command, tests and CI call
``upgrade`` and friends here instead of ``create_all``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command, context
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlmodel import SQLModel

from shared.db import make_engine, normalize_url
from shared.types import UTCDateTime


def version_table(prefix: str) -> str:
    return f"{prefix}_alembic_version"


def alembic_config(migrations_dir: Path, url: str, prefix: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    cfg.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    cfg.attributes["prefix"] = prefix
    return cfg


def upgrade(migrations_dir: Path, url: str, prefix: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(migrations_dir, url, prefix), revision)


def downgrade(migrations_dir: Path, url: str, prefix: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(migrations_dir, url, prefix), revision)


def head_revision(migrations_dir: Path) -> str | None:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir))
    return ScriptDirectory.from_config(cfg).get_current_head()


def current_revision(engine: Engine, prefix: str) -> str | None:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": version_table(prefix)})
        return ctx.get_current_revision()


def _owned(prefix: str) -> Any:
    def include_name(name: str | None, type_: str, _parent: Any) -> bool:
        if type_ == "table":
            return (
                bool(name) and str(name).startswith(prefix + "_") and name != version_table(prefix)
            )
        return True

    return include_name


def _owned_object(prefix: str) -> Any:
    owned = _owned(prefix)

    def include_object(obj: Any, name: str | None, type_: str, *_: Any) -> bool:
        return bool(owned(name, type_, None)) if type_ == "table" else True

    return include_object


def model_diff(engine: Engine, prefix: str) -> list[Any]:
    """Differences between the models of ``prefix`` and the migrated database (empty = agree)."""
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn,
            opts={
                "include_name": _owned(prefix),
                "include_object": _owned_object(prefix),
                "compare_type": True,
                "version_table": version_table(prefix),
            },
        )
        return list(compare_metadata(ctx, SQLModel.metadata))


def run_env() -> None:
    """Body of every ``migrations/env.py`` (online mode; offline SQL is not used here)."""
    cfg = context.config
    prefix = cfg.attributes["prefix"]
    engine = make_engine(cfg.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        context.configure(
            connection=conn,
            target_metadata=SQLModel.metadata,
            version_table=version_table(prefix),
            include_name=_owned(prefix),
            include_object=_owned_object(prefix),
            render_as_batch=conn.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


def create_platform_tables_v1(op: Any, prefix: str) -> None:
    """Audit log, outbox, inbox and idempotency store as first released (frozen: change by a
    new migration step, never by editing this)."""
    op.create_table(
        f"{prefix}_audit_log",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer, "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("roles", sa.String(500), nullable=False),
        sa.Column("unit_id", sa.String(64), nullable=True),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("resource_type", sa.String(100), nullable=False),
        sa.Column("resource_id", sa.String(100), nullable=True),
        sa.Column("request_id", sa.String(64), nullable=False),
        sa.Column("before", sa.JSON, nullable=True),
        sa.Column("after", sa.JSON, nullable=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        f"{prefix}_outbox",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("destination", sa.String(50), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("dead_at", UTCDateTime(), nullable=True),
    )
    op.create_index(
        f"ix_{prefix}_outbox_due", f"{prefix}_outbox", ["delivered_at", "next_attempt_at"]
    )
    op.create_table(
        f"{prefix}_inbox",
        sa.Column("event_id", sa.Uuid, primary_key=True),
        sa.Column("source", sa.String(50), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        f"{prefix}_idempotency",
        sa.Column("caller", sa.String(200), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("headers", sa.JSON, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


def drop_platform_tables_v1(op: Any, prefix: str) -> None:
    op.drop_table(f"{prefix}_idempotency")
    op.drop_table(f"{prefix}_inbox")
    op.drop_index(f"ix_{prefix}_outbox_due", table_name=f"{prefix}_outbox")
    op.drop_table(f"{prefix}_outbox")
    op.drop_table(f"{prefix}_audit_log")
