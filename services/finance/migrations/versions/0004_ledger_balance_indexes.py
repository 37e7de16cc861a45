"""balances as of a day read from two covering indexes of the journal's lines: (account, day,
debit, credit) for the consolidated trial balance, (unit, account, day, debit, credit) for one
unit's; they replace the single-column indexes on the account and the unit (their prefixes)

Revision ID: finance_0004
Revises: finance_0003
"""

from alembic import op

revision = "finance_0004"
down_revision = "finance_0003"
branch_labels = None
depends_on = None

ACCOUNT_DAY = ["account_code", "entry_date", "debit", "credit"]


def upgrade() -> None:
    with op.batch_alter_table("finance_journal_line", schema=None) as batch_op:
        batch_op.create_index("ix_finance_journal_line_account_day", ACCOUNT_DAY, unique=False)
        batch_op.create_index(
            "ix_finance_journal_line_unit_account_day", ["unit_id", *ACCOUNT_DAY], unique=False
        )
        batch_op.drop_index(batch_op.f("ix_finance_journal_line_account_code"))
        batch_op.drop_index(batch_op.f("ix_finance_journal_line_unit_id"))


def downgrade() -> None:
    with op.batch_alter_table("finance_journal_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_finance_journal_line_unit_id"), ["unit_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_finance_journal_line_account_code"), ["account_code"], unique=False
        )
        batch_op.drop_index("ix_finance_journal_line_unit_account_day")
        batch_op.drop_index("ix_finance_journal_line_account_day")
