"""Expense and travel claims: claims, their trips, lines (caps, flags, exceptions) and
receipts (a live receipt number unique across all claims).

Revision ID: finance_0009
Revises: finance_0008
Create Date: 2026-12-04 10:43:45.020180
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import shared.types

revision = "finance_0009"
down_revision = "finance_0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "finance_claim",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("staff_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("payee_account", sqlmodel.sql.sqltypes.AutoString(length=34), nullable=False),
        sa.Column("payee_bank", sqlmodel.sql.sqltypes.AutoString(length=140), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("claimed", shared.types.Money(), nullable=False),
        sa.Column("payable", shared.types.Money(), nullable=False),
        sa.Column("prepared_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("submitted_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("submitted_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("decided_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_reason", sa.Text(), nullable=True),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["finance_payment.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("payment_id"),
    )
    with op.batch_alter_table("finance_claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_finance_claim_staff_id"), ["staff_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_finance_claim_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_finance_claim_submitted_at"), ["submitted_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_finance_claim_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "finance_claim_line",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("claim_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("trip", sa.Integer(), nullable=True),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("amount", shared.types.Money(), nullable=False),
        sa.Column("cap", shared.types.Money(), nullable=True),
        sa.Column("payable", shared.types.Money(), nullable=False),
        sa.Column("flag", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("trace", sa.JSON(), nullable=False),
        sa.Column("exception_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("exception_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("exception_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["finance_claim.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("finance_claim_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finance_claim_line_claim_id"), ["claim_id"], unique=False
        )

    op.create_table(
        "finance_claim_trip",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("claim_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("city", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("depart_on", sa.Date(), nullable=False),
        sa.Column("return_on", sa.Date(), nullable=False),
        sa.Column("train_seat", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("flight_cabin", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("city_class", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["finance_claim.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("finance_claim_trip", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finance_claim_trip_claim_id"), ["claim_id"], unique=False
        )

    op.create_table(
        "finance_claim_receipt",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("claim_id", sa.Uuid(), nullable=False),
        sa.Column("line_id", sa.Uuid(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("live_number", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issuer", sqlmodel.sql.sqltypes.AutoString(length=140), nullable=False),
        sa.Column("amount", shared.types.Money(), nullable=False),
        sa.Column("attachment", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["finance_claim.id"],
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["finance_claim_line.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("live_number"),
    )
    with op.batch_alter_table("finance_claim_receipt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finance_claim_receipt_claim_id"), ["claim_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_finance_claim_receipt_line_id"), ["line_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_finance_claim_receipt_number"), ["number"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("finance_claim_receipt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_claim_receipt_number"))
        batch_op.drop_index(batch_op.f("ix_finance_claim_receipt_line_id"))
        batch_op.drop_index(batch_op.f("ix_finance_claim_receipt_claim_id"))

    op.drop_table("finance_claim_receipt")
    with op.batch_alter_table("finance_claim_trip", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_claim_trip_claim_id"))

    op.drop_table("finance_claim_trip")
    with op.batch_alter_table("finance_claim_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_claim_line_claim_id"))

    op.drop_table("finance_claim_line")
    with op.batch_alter_table("finance_claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_claim_unit_id"))
        batch_op.drop_index(batch_op.f("ix_finance_claim_submitted_at"))
        batch_op.drop_index(batch_op.f("ix_finance_claim_status"))
        batch_op.drop_index(batch_op.f("ix_finance_claim_staff_id"))

    op.drop_table("finance_claim")
