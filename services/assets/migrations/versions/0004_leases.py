"""Leases of operating space: contracts (assets_lease), the rooms each lets
(assets_lease_room) and their monthly rent invoices (assets_lease_invoice).

Revision ID: assets_0004
Revises: assets_0003
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import shared.types

revision = "assets_0004"
down_revision = "assets_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assets_lease",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("tenant_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column(
            "tenant_credit_code", sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False
        ),
        sa.Column("tenant_contact", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("area_m2", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("rent_per_m2", shared.types.Money(), nullable=False),
        sa.Column("escalation_pct", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("deposit", shared.types.Money(), nullable=False),
        sa.Column("market_rent_per_m2", shared.types.Money(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("revenue_unit_id", sa.Uuid(), nullable=True),
        sa.Column("occupied_to", sa.Date(), nullable=True),
        sa.Column("approved_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("approved_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("terminated_on", sa.Date(), nullable=True),
        sa.Column(
            "termination_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("assets_lease", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assets_lease_ends_on"), ["ends_on"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assets_lease_occupied_to"), ["occupied_to"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assets_lease_starts_on"), ["starts_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_assets_lease_status"), ["status"], unique=False)

    op.create_table(
        "assets_lease_invoice",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("lease_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount", shared.types.Money(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("payment_reference", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("paid_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("revenue_event_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lease_id"],
            ["assets_lease.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("lease_id", "seq"),
    )
    with op.batch_alter_table("assets_lease_invoice", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assets_lease_invoice_due_on"), ["due_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assets_lease_invoice_lease_id"), ["lease_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assets_lease_invoice_status"), ["status"], unique=False
        )

    op.create_table(
        "assets_lease_room",
        sa.Column("lease_id", sa.Uuid(), nullable=False),
        sa.Column("room_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lease_id"],
            ["assets_lease.id"],
        ),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["assets_room.id"],
        ),
        sa.PrimaryKeyConstraint("lease_id", "room_id"),
    )
    with op.batch_alter_table("assets_lease_room", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assets_lease_room_room_id"), ["room_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assets_lease_room", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assets_lease_room_room_id"))

    op.drop_table("assets_lease_room")
    with op.batch_alter_table("assets_lease_invoice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assets_lease_invoice_status"))
        batch_op.drop_index(batch_op.f("ix_assets_lease_invoice_lease_id"))
        batch_op.drop_index(batch_op.f("ix_assets_lease_invoice_due_on"))

    op.drop_table("assets_lease_invoice")
    with op.batch_alter_table("assets_lease", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assets_lease_status"))
        batch_op.drop_index(batch_op.f("ix_assets_lease_starts_on"))
        batch_op.drop_index(batch_op.f("ix_assets_lease_occupied_to"))
        batch_op.drop_index(batch_op.f("ix_assets_lease_ends_on"))

    op.drop_table("assets_lease")
