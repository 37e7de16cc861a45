"""Stocktakes: campaigns, their frozen expected lists, scans (unique per campaign and client
scan id) and the adjustments a reconciliation proposes.

Revision ID: assets_0005
Revises: assets_0004
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import shared.types

revision = "assets_0005"
down_revision = "assets_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assets_stocktake",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("compound_id", sa.Uuid(), nullable=True),
        sa.Column("planned_start", sa.Date(), nullable=False),
        sa.Column("planned_end", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("started_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("started_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("closed_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("expected_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["compound_id"],
            ["assets_compound.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assets_stocktake", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assets_stocktake_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_assets_stocktake_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "assets_stocktake_scan",
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("scan_id", sa.Uuid(), nullable=False),
        sa.Column("tag", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("room_id", sa.Uuid(), nullable=False),
        sa.Column("counter", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("scanned_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("posted_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("posted_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["assets_stocktake.id"],
        ),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["assets_room.id"],
        ),
        sa.PrimaryKeyConstraint("campaign_id", "scan_id"),
    )
    with op.batch_alter_table("assets_stocktake_scan", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assets_stocktake_scan_tag", ["campaign_id", "tag", "room_id"], unique=False
        )

    op.create_table(
        "assets_stocktake_expected",
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("room_id", sa.Uuid(), nullable=True),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("custodian_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets_asset.id"],
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["assets_stocktake.id"],
        ),
        sa.PrimaryKeyConstraint("campaign_id", "asset_id"),
        sa.UniqueConstraint("campaign_id", "number"),
    )
    op.create_table(
        "assets_stocktake_proposal",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("tag", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("asset_id", sa.Uuid(), nullable=True),
        sa.Column("from_room_id", sa.Uuid(), nullable=True),
        sa.Column("to_room_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("proposed_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("decided_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("new_asset_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets_asset.id"],
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["assets_stocktake.id"],
        ),
        sa.ForeignKeyConstraint(
            ["new_asset_id"],
            ["assets_asset.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "tag"),
    )


def downgrade() -> None:
    op.drop_table("assets_stocktake_proposal")
    op.drop_table("assets_stocktake_expected")
    with op.batch_alter_table("assets_stocktake_scan", schema=None) as batch_op:
        batch_op.drop_index("ix_assets_stocktake_scan_tag")

    op.drop_table("assets_stocktake_scan")
    with op.batch_alter_table("assets_stocktake", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assets_stocktake_unit_id"))
        batch_op.drop_index(batch_op.f("ix_assets_stocktake_status"))

    op.drop_table("assets_stocktake")
