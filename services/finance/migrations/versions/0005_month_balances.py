"""month balances: a closed month's debits and credits per unit and account, frozen as it
closes; the months closed before this revision get theirs from their lines here

Revision ID: finance_0005
Revises: finance_0004
"""

from datetime import date

import sqlalchemy as sa
import sqlmodel
from alembic import op

import shared.types

revision = "finance_0005"
down_revision = "finance_0004"
branch_labels = None
depends_on = None

FREEZE = sa.text(
    "INSERT INTO finance_month_balance (month, unit_id, account_code, debit, credit) "
    "SELECT :start, unit_id, account_code, sum(debit), sum(credit) FROM finance_journal_line "
    "WHERE entry_date >= :start AND entry_date < :following GROUP BY unit_id, account_code"
).bindparams(sa.bindparam("start", type_=sa.Date()), sa.bindparam("following", type_=sa.Date()))


def upgrade() -> None:
    op.create_table(
        "finance_month_balance",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("account_code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("debit", shared.types.Money(), nullable=False),
        sa.Column("credit", shared.types.Money(), nullable=False),
        sa.ForeignKeyConstraint(["account_code"], ["finance_account.code"]),
        sa.ForeignKeyConstraint(["unit_id"], ["finance_budget_unit.id"]),
        sa.PrimaryKeyConstraint("month", "unit_id", "account_code"),
    )
    bind = op.get_bind()
    closed = bind.execute(sa.text("SELECT year, month FROM finance_period WHERE status = 'closed'"))
    for year, month in closed.all():
        following = date(year + month // 12, month % 12 + 1, 1)
        bind.execute(FREEZE, {"start": date(year, month, 1), "following": following})


def downgrade() -> None:
    op.drop_table("finance_month_balance")
