"""Payroll: monthly runs, payslips and their traced lines, the transfers that pay them,
salary accounts and the arrears or recoveries owed from revised grades.

Revision ID: finance_0008
Revises: finance_0007
Create Date: 2026-12-04 11:10:32.310929
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import shared.types

revision = "finance_0008"
down_revision = "finance_0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "finance_payroll_run",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("unit_ids", sa.JSON(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("slips", sa.Integer(), nullable=False),
        sa.Column("gross", shared.types.Money(), nullable=False),
        sa.Column("contributions", shared.types.Money(), nullable=False),
        sa.Column("tax", shared.types.Money(), nullable=False),
        sa.Column("net", shared.types.Money(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("computed_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("computed_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("approved_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("paid_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("finance_payroll_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_finance_payroll_run_status"), ["status"], unique=False)

    op.create_table(
        "finance_salary_account",
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("account", sqlmodel.sql.sqltypes.AutoString(length=34), nullable=False),
        sa.Column("bank", sqlmodel.sql.sqltypes.AutoString(length=140), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("staff_id"),
    )
    op.create_table(
        "finance_payroll_transfer",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("payee_kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("payee_key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=True),
        sa.Column("payee_name", sqlmodel.sql.sqltypes.AutoString(length=140), nullable=False),
        sa.Column("account", sqlmodel.sql.sqltypes.AutoString(length=34), nullable=True),
        sa.Column("bank", sqlmodel.sql.sqltypes.AutoString(length=140), nullable=True),
        sa.Column("amount", shared.types.Money(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("instruction_id", sqlmodel.sql.sqltypes.AutoString(length=35), nullable=True),
        sa.Column("reason_code", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("entry_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["finance_payroll_run.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("instruction_id"),
        sa.UniqueConstraint("run_id", "payee_key", "attempt"),
    )
    with op.batch_alter_table("finance_payroll_transfer", schema=None) as batch_op:
        batch_op.create_index(
            "ix_finance_payroll_transfer_run_status", ["run_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_finance_payroll_transfer_status"), ["status"], unique=False
        )

    op.create_table(
        "finance_payslip",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("staff_no", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("rank_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("grade", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
        sa.Column("grade_cycle_id", sa.Uuid(), nullable=True),
        sa.Column("grade_year", sa.Integer(), nullable=True),
        sa.Column("gross", shared.types.Money(), nullable=False),
        sa.Column("contributions", shared.types.Money(), nullable=False),
        sa.Column("tax", shared.types.Money(), nullable=False),
        sa.Column("net", shared.types.Money(), nullable=False),
        sa.Column("ytd_months", sa.Integer(), nullable=False),
        sa.Column("ytd_income", shared.types.Money(), nullable=False),
        sa.Column("ytd_contributions", shared.types.Money(), nullable=False),
        sa.Column("ytd_tax", shared.types.Money(), nullable=False),
        sa.Column("account", sqlmodel.sql.sqltypes.AutoString(length=34), nullable=True),
        sa.Column("bank", sqlmodel.sql.sqltypes.AutoString(length=140), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["finance_payroll_run.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("year", "month", "staff_id"),
    )
    with op.batch_alter_table("finance_payslip", schema=None) as batch_op:
        batch_op.create_index("ix_finance_payslip_run_unit", ["run_id", "unit_id"], unique=False)
        batch_op.create_index(
            "ix_finance_payslip_staff_year", ["staff_id", "year", "month"], unique=False
        )

    op.create_table(
        "finance_pay_adjustment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("source_key", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("for_year", sa.Integer(), nullable=False),
        sa.Column("for_month", sa.Integer(), nullable=False),
        sa.Column("slip_id", sa.Uuid(), nullable=False),
        sa.Column("amount", shared.types.Money(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("consumed_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consumed_by"],
            ["finance_payroll_run.id"],
        ),
        sa.ForeignKeyConstraint(
            ["slip_id"],
            ["finance_payslip.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_key"),
    )
    with op.batch_alter_table("finance_pay_adjustment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finance_pay_adjustment_staff_id"), ["staff_id"], unique=False
        )

    op.create_table(
        "finance_payslip_line",
        sa.Column("slip_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("amount", shared.types.Money(), nullable=False),
        sa.Column("standard_kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
        sa.Column("standard_version", sa.Integer(), nullable=True),
        sa.Column("trace", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["finance_payroll_run.id"],
        ),
        sa.ForeignKeyConstraint(
            ["slip_id"],
            ["finance_payslip.id"],
        ),
        sa.PrimaryKeyConstraint("slip_id", "position"),
    )
    with op.batch_alter_table("finance_payslip_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finance_payslip_line_run_id"), ["run_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("finance_payslip_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_payslip_line_run_id"))

    op.drop_table("finance_payslip_line")
    with op.batch_alter_table("finance_pay_adjustment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_pay_adjustment_staff_id"))

    op.drop_table("finance_pay_adjustment")
    with op.batch_alter_table("finance_payslip", schema=None) as batch_op:
        batch_op.drop_index("ix_finance_payslip_staff_year")
        batch_op.drop_index("ix_finance_payslip_run_unit")

    op.drop_table("finance_payslip")
    with op.batch_alter_table("finance_payroll_transfer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_payroll_transfer_status"))
        batch_op.drop_index("ix_finance_payroll_transfer_run_status")

    op.drop_table("finance_payroll_transfer")
    op.drop_table("finance_salary_account")
    with op.batch_alter_table("finance_payroll_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_payroll_run_status"))

    op.drop_table("finance_payroll_run")
