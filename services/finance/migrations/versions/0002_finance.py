"""ledger, budgets, payments, treasury, revenue; the chart of accounts, economic
classification and fund sources as data

Revision ID: finance_0002
Revises: finance_0001
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import shared.types

revision = "finance_0002"
down_revision = "finance_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "finance_account",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("name_zh", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("category", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "finance_budget_unit",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("zba_account", sqlmodel.sql.sqltypes.AutoString(length=34), nullable=False),
        sa.Column("zba_bank", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "finance_counter",
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "finance_economic_class",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("name_zh", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("parent_code", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "finance_fund_source",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("name_zh", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "finance_journal_entry",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("source_ref", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("reverses_id", sa.Uuid(), nullable=True),
        sa.Column("posted_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("posted_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["finance_journal_entry.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("reverses_id"),
        sa.UniqueConstraint("source", "source_ref"),
    )
    with op.batch_alter_table("finance_journal_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finance_journal_entry_entry_date"), ["entry_date"], unique=False
        )

    op.create_table(
        "finance_period",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("changed_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("changed_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", "month"),
    )
    op.create_table(
        "finance_statement",
        sa.Column("statement_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("account", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("format", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("first_booked_on", sa.Date(), nullable=True),
        sa.Column("last_booked_on", sa.Date(), nullable=True),
        sa.Column("imported_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("imported_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("statement_id"),
    )
    op.create_table(
        "finance_treasury_callback",
        sa.Column("message_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("instruction_id", sqlmodel.sql.sqltypes.AutoString(length=35), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("received_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("message_id"),
    )
    with op.batch_alter_table("finance_treasury_callback", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finance_treasury_callback_instruction_id"),
            ["instruction_id"],
            unique=False,
        )

    op.create_table(
        "finance_treasury_instruction",
        sa.Column("instruction_id", sqlmodel.sql.sqltypes.AutoString(length=35), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("reason_code", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("settled_on", sa.Date(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_heard_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("instruction_id"),
    )
    with op.batch_alter_table("finance_treasury_instruction", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finance_treasury_instruction_next_attempt_at"),
            ["next_attempt_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_finance_treasury_instruction_status"), ["status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_finance_treasury_instruction_subject_id"), ["subject_id"], unique=False
        )

    op.create_table(
        "finance_appropriation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("economic_class", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("fund_source", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("amount", shared.types.Money(), nullable=False),
        sa.Column("committed", shared.types.Money(), nullable=False),
        sa.Column("paid", shared.types.Money(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "committed >= 0 AND paid >= 0 AND committed + paid <= amount",
            name="ck_finance_appropriation_within",
        ),
        sa.ForeignKeyConstraint(
            ["economic_class"],
            ["finance_economic_class.code"],
        ),
        sa.ForeignKeyConstraint(
            ["fund_source"],
            ["finance_fund_source.code"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["finance_budget_unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("fiscal_year", "unit_id", "economic_class", "fund_source"),
    )
    with op.batch_alter_table("finance_appropriation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finance_appropriation_fiscal_year"), ["fiscal_year"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_finance_appropriation_unit_id"), ["unit_id"], unique=False
        )

    op.create_table(
        "finance_journal_line",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("account_code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("debit", shared.types.Money(), nullable=False),
        sa.Column("credit", shared.types.Money(), nullable=False),
        sa.Column("economic_class", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("fund_source", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("memo", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.CheckConstraint(
            "debit >= 0 AND credit >= 0 AND (debit = 0) <> (credit = 0)",
            name="ck_finance_journal_line_one_side",
        ),
        sa.ForeignKeyConstraint(
            ["account_code"],
            ["finance_account.code"],
        ),
        sa.ForeignKeyConstraint(
            ["economic_class"],
            ["finance_economic_class.code"],
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["finance_journal_entry.id"],
        ),
        sa.ForeignKeyConstraint(
            ["fund_source"],
            ["finance_fund_source.code"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["finance_budget_unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("finance_journal_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finance_journal_line_account_code"), ["account_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_finance_journal_line_entry_date"), ["entry_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_finance_journal_line_entry_id"), ["entry_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_finance_journal_line_unit_id"), ["unit_id"], unique=False
        )

    op.create_table(
        "finance_quota",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("amount", shared.types.Money(), nullable=False),
        sa.Column("committed", shared.types.Money(), nullable=False),
        sa.Column("paid", shared.types.Money(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "committed >= 0 AND paid >= 0 AND committed + paid <= amount",
            name="ck_finance_quota_within",
        ),
        sa.CheckConstraint("month >= 1 AND month <= 12", name="ck_finance_quota_month"),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["finance_budget_unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_id", "fiscal_year", "month"),
    )
    with op.batch_alter_table("finance_quota", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_finance_quota_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "finance_revenue_receipt",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("amount", shared.types.Money(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("payer", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("source_event_id", sa.Uuid(), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("remittances", sa.Integer(), nullable=False),
        sa.Column("instruction_id", sqlmodel.sql.sqltypes.AutoString(length=35), nullable=True),
        sa.Column("remitted_on", sa.Date(), nullable=True),
        sa.Column("entry_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("recorded_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["finance_journal_entry.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["finance_budget_unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
        sa.UniqueConstraint("source_event_id"),
    )
    with op.batch_alter_table("finance_revenue_receipt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finance_revenue_receipt_received_on"), ["received_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_finance_revenue_receipt_status"), ["status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_finance_revenue_receipt_unit_id"), ["unit_id"], unique=False
        )

    op.create_table(
        "finance_statement_line",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("statement_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("end_to_end_id", sqlmodel.sql.sqltypes.AutoString(length=35), nullable=True),
        sa.Column("amount", shared.types.Money(), nullable=False),
        sa.Column("direction", sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
        sa.Column("booked_on", sa.Date(), nullable=False),
        sa.Column("reference", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("counterparty_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column(
            "counterparty_account", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True
        ),
        sa.Column("match", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("instruction_id", sqlmodel.sql.sqltypes.AutoString(length=35), nullable=True),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["finance_statement.statement_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("finance_statement_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finance_statement_line_end_to_end_id"), ["end_to_end_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_finance_statement_line_statement_id"), ["statement_id"], unique=False
        )

    op.create_table(
        "finance_appropriation_change",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("appropriation_id", sa.Uuid(), nullable=False),
        sa.Column("delta", shared.types.Money(), nullable=False),
        sa.Column("amount_after", shared.types.Money(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("changed_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["appropriation_id"],
            ["finance_appropriation.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("finance_appropriation_change", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finance_appropriation_change_appropriation_id"),
            ["appropriation_id"],
            unique=False,
        )

    op.create_table(
        "finance_payment_plan",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("appropriation_id", sa.Uuid(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("amount", shared.types.Money(), nullable=False),
        sa.Column("committed", shared.types.Money(), nullable=False),
        sa.Column("paid", shared.types.Money(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "committed >= 0 AND paid >= 0 AND committed + paid <= amount",
            name="ck_finance_payment_plan_within",
        ),
        sa.CheckConstraint("month >= 1 AND month <= 12", name="ck_finance_payment_plan_month"),
        sa.ForeignKeyConstraint(
            ["appropriation_id"],
            ["finance_appropriation.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("appropriation_id", "month"),
    )
    with op.batch_alter_table("finance_payment_plan", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finance_payment_plan_appropriation_id"),
            ["appropriation_id"],
            unique=False,
        )

    op.create_table(
        "finance_payment",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("payee_name", sqlmodel.sql.sqltypes.AutoString(length=140), nullable=False),
        sa.Column("payee_account", sqlmodel.sql.sqltypes.AutoString(length=34), nullable=False),
        sa.Column("payee_bank", sqlmodel.sql.sqltypes.AutoString(length=140), nullable=False),
        sa.Column("payee_bank_code", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True),
        sa.Column("amount", shared.types.Money(), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("appropriation_id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("quota_id", sa.Uuid(), nullable=True),
        sa.Column("economic_class", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("fund_source", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("expense_account", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("attachments", sa.JSON(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("requested_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("approved_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "director_approved_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True
        ),
        sa.Column("director_approved_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_reason", sa.Text(), nullable=True),
        sa.Column("instruction_id", sqlmodel.sql.sqltypes.AutoString(length=35), nullable=True),
        sa.Column("reason_code", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("settled_on", sa.Date(), nullable=True),
        sa.Column("entry_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["appropriation_id"],
            ["finance_appropriation.id"],
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["finance_journal_entry.id"],
        ),
        sa.ForeignKeyConstraint(
            ["expense_account"],
            ["finance_account.code"],
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["finance_payment_plan.id"],
        ),
        sa.ForeignKeyConstraint(
            ["quota_id"],
            ["finance_quota.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["finance_budget_unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("instruction_id"),
        sa.UniqueConstraint("number"),
    )
    with op.batch_alter_table("finance_payment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finance_payment_appropriation_id"), ["appropriation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_finance_payment_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_finance_payment_unit_id"), ["unit_id"], unique=False)

    _seed_reference_data()


def downgrade() -> None:
    with op.batch_alter_table("finance_payment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_payment_unit_id"))
        batch_op.drop_index(batch_op.f("ix_finance_payment_status"))
        batch_op.drop_index(batch_op.f("ix_finance_payment_appropriation_id"))

    op.drop_table("finance_payment")
    with op.batch_alter_table("finance_payment_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_payment_plan_appropriation_id"))

    op.drop_table("finance_payment_plan")
    with op.batch_alter_table("finance_appropriation_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_appropriation_change_appropriation_id"))

    op.drop_table("finance_appropriation_change")
    with op.batch_alter_table("finance_statement_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_statement_line_statement_id"))
        batch_op.drop_index(batch_op.f("ix_finance_statement_line_end_to_end_id"))

    op.drop_table("finance_statement_line")
    with op.batch_alter_table("finance_revenue_receipt", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_revenue_receipt_unit_id"))
        batch_op.drop_index(batch_op.f("ix_finance_revenue_receipt_status"))
        batch_op.drop_index(batch_op.f("ix_finance_revenue_receipt_received_on"))

    op.drop_table("finance_revenue_receipt")
    with op.batch_alter_table("finance_quota", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_quota_unit_id"))

    op.drop_table("finance_quota")
    with op.batch_alter_table("finance_journal_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_journal_line_unit_id"))
        batch_op.drop_index(batch_op.f("ix_finance_journal_line_entry_id"))
        batch_op.drop_index(batch_op.f("ix_finance_journal_line_entry_date"))
        batch_op.drop_index(batch_op.f("ix_finance_journal_line_account_code"))

    op.drop_table("finance_journal_line")
    with op.batch_alter_table("finance_appropriation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_appropriation_unit_id"))
        batch_op.drop_index(batch_op.f("ix_finance_appropriation_fiscal_year"))

    op.drop_table("finance_appropriation")
    with op.batch_alter_table("finance_treasury_instruction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_treasury_instruction_subject_id"))
        batch_op.drop_index(batch_op.f("ix_finance_treasury_instruction_status"))
        batch_op.drop_index(batch_op.f("ix_finance_treasury_instruction_next_attempt_at"))

    op.drop_table("finance_treasury_instruction")
    with op.batch_alter_table("finance_treasury_callback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_treasury_callback_instruction_id"))

    op.drop_table("finance_treasury_callback")
    op.drop_table("finance_statement")
    op.drop_table("finance_period")
    with op.batch_alter_table("finance_journal_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finance_journal_entry_entry_date"))

    op.drop_table("finance_journal_entry")
    op.drop_table("finance_fund_source")
    op.drop_table("finance_economic_class")
    op.drop_table("finance_counter")
    op.drop_table("finance_budget_unit")
    op.drop_table("finance_account")


# (code, name, name_zh, category, restricted) — 政府会计制度, the accounts this suite posts to
ACCOUNTS = [
    ("1001", "Cash on hand", "库存现金", "asset", False),
    ("1002", "Bank deposits", "银行存款", "asset", False),
    ("100201", "Non-tax revenue collection account", "非税收入汇缴户", "asset", True),
    ("1011", "Zero-balance account quota", "零余额账户用款额度", "asset", False),
    ("1201", "Fiscal funds due back", "财政应返还额度", "asset", False),
    ("1212", "Accounts receivable", "应收账款", "asset", False),
    ("1214", "Prepayments", "预付账款", "asset", False),
    ("1302", "Inventory", "库存物品", "asset", False),
    ("1601", "Fixed assets", "固定资产", "asset", False),
    ("1701", "Intangible assets", "无形资产", "asset", False),
    ("2103", "Revenue owed to the treasury", "应缴财政款", "liability", True),
    ("2201", "Payroll payable", "应付职工薪酬", "liability", False),
    ("2302", "Accounts payable", "应付账款", "liability", False),
    ("2307", "Other payables", "其他应付款", "liability", False),
    ("3001", "Accumulated surplus", "累计盈余", "net_assets", False),
    ("3301", "Surplus of the period", "本期盈余", "net_assets", False),
    ("4001", "Fiscal appropriation revenue", "财政拨款收入", "revenue", False),
    ("4101", "Operating revenue", "事业收入", "revenue", False),
    ("4609", "Other revenue", "其他收入", "revenue", False),
    ("5001", "Operating activity expense", "业务活动费用", "expense", False),
    ("5101", "Administrative expense", "单位管理费用", "expense", False),
    ("5301", "Asset disposal expense", "资产处置费用", "expense", False),
    ("5901", "Other expense", "其他费用", "expense", False),
]
# (code, name, name_zh) — 部门预算支出经济分类; a five-digit code's parent is its first three
ECONOMIC_CLASSES = [
    ("301", "Wages and welfare", "工资福利支出"),
    ("30101", "Basic salary", "基本工资"),
    ("30102", "Allowances and subsidies", "津贴补贴"),
    ("30103", "Bonuses", "奖金"),
    ("30107", "Performance pay", "绩效工资"),
    ("30108", "Basic pension contributions", "机关事业单位基本养老保险缴费"),
    ("30112", "Other social security contributions", "其他社会保障缴费"),
    ("30113", "Housing provident fund", "住房公积金"),
    ("30199", "Other wages and welfare", "其他工资福利支出"),
    ("302", "Goods and services", "商品和服务支出"),
    ("30201", "Office expenses", "办公费"),
    ("30202", "Printing", "印刷费"),
    ("30205", "Water", "水费"),
    ("30206", "Electricity", "电费"),
    ("30207", "Post and telecommunications", "邮电费"),
    ("30208", "Heating", "取暖费"),
    ("30209", "Property management", "物业管理费"),
    ("30211", "Travel", "差旅费"),
    ("30213", "Repairs and maintenance", "维修（护）费"),
    ("30214", "Rent", "租赁费"),
    ("30215", "Meetings", "会议费"),
    ("30216", "Training", "培训费"),
    ("30217", "Official reception", "公务接待费"),
    ("30226", "Labour services", "劳务费"),
    ("30227", "Commissioned services", "委托业务费"),
    ("30228", "Trade union funds", "工会经费"),
    ("30229", "Welfare", "福利费"),
    ("30231", "Official vehicle running costs", "公务用车运行维护费"),
    ("30239", "Other transport", "其他交通费用"),
    ("30299", "Other goods and services", "其他商品和服务支出"),
    ("303", "Transfers to individuals and families", "对个人和家庭的补助"),
    ("30301", "Retirement pay (pre-1949 cadres)", "离休费"),
    ("30302", "Retirement pay", "退休费"),
    ("30305", "Living allowances", "生活补助"),
    ("30307", "Medical subsidies", "医疗费补助"),
    ("30399", "Other transfers to individuals", "其他对个人和家庭的补助"),
    ("310", "Capital expenditure", "资本性支出"),
    ("31002", "Office equipment", "办公设备购置"),
    ("31003", "Special equipment", "专用设备购置"),
    ("31013", "Official vehicles", "公务用车购置"),
]
FUND_SOURCES = [
    ("GEN", "General public budget", "一般公共预算"),
    ("GOV_FUND", "Government fund budget", "政府性基金预算"),
    ("SOE_CAP", "State capital operation budget", "国有资本经营预算"),
    ("SPECIAL", "Funds in fiscal special accounts", "财政专户管理资金"),
    ("OWN", "Unit's own funds", "单位资金"),
]


def _seed_reference_data() -> None:
    table = sa.table
    column = sa.column
    op.bulk_insert(
        table(
            "finance_account",
            column("code"),
            column("name"),
            column("name_zh"),
            column("category"),
            column("restricted", sa.Boolean),
            column("active", sa.Boolean),
        ),
        [
            {
                "code": code,
                "name": name,
                "name_zh": zh,
                "category": category,
                "restricted": restricted,
                "active": True,
            }
            for code, name, zh, category, restricted in ACCOUNTS
        ],
    )
    op.bulk_insert(
        table(
            "finance_economic_class",
            column("code"),
            column("name"),
            column("name_zh"),
            column("parent_code"),
        ),
        [
            {
                "code": code,
                "name": name,
                "name_zh": zh,
                "parent_code": code[:3] if len(code) > 3 else None,
            }
            for code, name, zh in ECONOMIC_CLASSES
        ],
    )
    op.bulk_insert(
        table("finance_fund_source", column("code"), column("name"), column("name_zh")),
        [{"code": code, "name": name, "name_zh": zh} for code, name, zh in FUND_SOURCES],
    )
    op.bulk_insert(
        table("finance_counter", column("name"), column("value")),
        [{"name": name, "value": 0} for name in ("journal", "payment", "receipt")],
    )
