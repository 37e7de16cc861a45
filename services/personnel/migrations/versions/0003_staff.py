"""staff, posting periods, retiree entitlements

Revision ID: personnel_0003
Revises: personnel_0002
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import shared.types

revision = "personnel_0003"
down_revision = "personnel_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "personnel_staff",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("staff_no", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("national_id_cipher", sa.Text(), nullable=False),
        sa.Column(
            "national_id_digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        ),
        sa.Column(
            "national_id_masked", sqlmodel.sql.sqltypes.AutoString(length=18), nullable=False
        ),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("national_id_digest"),
    )
    with op.batch_alter_table("personnel_staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_personnel_staff_staff_no"), ["staff_no"], unique=True)

    op.create_table(
        "personnel_retiree_entitlement",
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("former_rank_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("vehicle_level", sa.Integer(), nullable=False),
        sa.Column("medical_level", sa.Integer(), nullable=False),
        sa.Column("allowance_level", sa.Integer(), nullable=False),
        sa.Column("welfare_level", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["former_rank_code"],
            ["personnel_rank.code"],
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["personnel_staff.id"],
        ),
        sa.PrimaryKeyConstraint("staff_id"),
    )
    op.create_table(
        "personnel_staff_period",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("position_id", sa.Uuid(), nullable=True),
        sa.Column("rank_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("recorded_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["position_id"],
            ["personnel_position.id"],
        ),
        sa.ForeignKeyConstraint(
            ["rank_code"],
            ["personnel_rank.code"],
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["personnel_staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["personnel_unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("staff_id", "valid_from"),
    )
    with op.batch_alter_table("personnel_staff_period", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_personnel_staff_period_staff_id"), ["staff_id"], unique=False
        )
        batch_op.create_index(
            "ix_personnel_staff_period_unit_dates",
            ["unit_id", "valid_from", "valid_to"],
            unique=False,
        )
    op.create_index(
        "uq_personnel_staff_period_open",
        "personnel_staff_period",
        ["staff_id"],
        unique=True,
        sqlite_where=sa.text("valid_to IS NULL"),
        postgresql_where=sa.text("valid_to IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_personnel_staff_period_open", table_name="personnel_staff_period")
    with op.batch_alter_table("personnel_staff_period", schema=None) as batch_op:
        batch_op.drop_index("ix_personnel_staff_period_unit_dates")
        batch_op.drop_index(batch_op.f("ix_personnel_staff_period_staff_id"))

    op.drop_table("personnel_staff_period")
    op.drop_table("personnel_retiree_entitlement")
    with op.batch_alter_table("personnel_staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_personnel_staff_staff_no"))

    op.drop_table("personnel_staff")
