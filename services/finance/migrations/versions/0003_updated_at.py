"""updated_at on every versioned finance row (budget units, budget lines, plans, quotas,
revenue receipts), so that a change to one is ``shared.changes.record_change``

Revision ID: finance_0003
Revises: finance_0002
"""

import sqlalchemy as sa
from alembic import op

import shared.types

revision = "finance_0003"
down_revision = "finance_0002"
branch_labels = None
depends_on = None

# rows changed before this revision keep when they were made (or an old day) as their last change
TABLES = {
    "finance_budget_unit": "created_at",
    "finance_appropriation": "created_at",
    "finance_payment_plan": None,
    "finance_quota": None,
    "finance_revenue_receipt": "recorded_at",
}


def upgrade() -> None:
    for table, made_at in TABLES.items():
        op.add_column(
            table,
            sa.Column(
                "updated_at",
                shared.types.UTCDateTime(timezone=True),
                nullable=False,
                server_default=sa.text("'2000-01-01 00:00:00'"),
            ),
        )
        if made_at is not None:
            op.execute(f"UPDATE {table} SET updated_at = {made_at}")  # noqa: S608


def downgrade() -> None:
    for table in TABLES:
        op.drop_column(table, "updated_at")
