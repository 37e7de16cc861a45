"""Depreciation and disposals: monthly runs, each unit's total of a run (posted to finance),
each asset's charge per month, the disposed cards written off in finance; disposal requests
with their decision, at most one open per asset.

Revision ID: assets_0006
Revises: assets_0005
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import shared.types

revision = "assets_0006"
down_revision = "assets_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assets_depreciation_run",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("total", shared.types.Money(), nullable=False),
        sa.Column("assets", sa.Integer(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("run_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("run_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period"),
    )
    op.create_table(
        "assets_depreciation_write_off",
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("disposed_on", sa.Date(), nullable=False),
        sa.Column("value", shared.types.Money(), nullable=False),
        sa.Column("accumulated_depreciation", shared.types.Money(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("written_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("asset_id"),
    )
    op.create_table(
        "assets_depreciation_charge",
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("period", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("amount", shared.types.Money(), nullable=False),
        sa.Column("accumulated_after", shared.types.Money(), nullable=False),
        sa.Column("months_after", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["assets_depreciation_run.id"],
        ),
        sa.PrimaryKeyConstraint("asset_id", "period"),
    )
    op.create_table(
        "assets_depreciation_unit_total",
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("amount", shared.types.Money(), nullable=False),
        sa.Column("assets", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["assets_depreciation_run.id"],
        ),
        sa.PrimaryKeyConstraint("run_id", "unit_id"),
    )
    op.create_table(
        "assets_disposal",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("disposal_date", sa.Date(), nullable=False),
        sa.Column("proceeds", shared.types.Money(), nullable=True),
        sa.Column("counterparty", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column(
            "asset_status_before", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False
        ),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("requested_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("decided_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("holder_unit_id", sa.Uuid(), nullable=True),
        sa.Column("proceeds_event_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets_asset.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assets_disposal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assets_disposal_asset_id"), ["asset_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assets_disposal_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_assets_disposal_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_assets_disposal_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(
            "uq_assets_disposal_open",
            ["asset_id"],
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("assets_disposal", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_assets_disposal_open",
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )
        batch_op.drop_index(batch_op.f("ix_assets_disposal_unit_id"))
        batch_op.drop_index(batch_op.f("ix_assets_disposal_status"))
        batch_op.drop_index(batch_op.f("ix_assets_disposal_kind"))
        batch_op.drop_index(batch_op.f("ix_assets_disposal_asset_id"))

    op.drop_table("assets_disposal")
    op.drop_table("assets_depreciation_unit_total")
    op.drop_table("assets_depreciation_charge")
    op.drop_table("assets_depreciation_write_off")
    op.drop_table("assets_depreciation_run")
