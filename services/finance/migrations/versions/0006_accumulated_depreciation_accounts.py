"""Accumulated depreciation accounts: 1602 固定资产累计折旧 (what assets' monthly depreciation
credits) and 1702 无形资产累计摊销, contra-asset accounts of the chart

Revision ID: finance_0006
Revises: finance_0005
"""

import sqlalchemy as sa
from alembic import op

revision = "finance_0006"
down_revision = "finance_0005"
branch_labels = None
depends_on = None

# (code, name, name_zh): asset accounts that carry a credit balance against 1601 and 1701
ACCOUNTS = [
    ("1602", "Accumulated depreciation of fixed assets", "固定资产累计折旧"),
    ("1702", "Accumulated amortization of intangible assets", "无形资产累计摊销"),
]
TABLE = sa.table(
    "finance_account",
    sa.column("code"),
    sa.column("name"),
    sa.column("name_zh"),
    sa.column("category"),
    sa.column("restricted", sa.Boolean),
    sa.column("active", sa.Boolean),
)


def upgrade() -> None:
    op.bulk_insert(
        TABLE,
        [
            {
                "code": code,
                "name": name,
                "name_zh": zh,
                "category": "asset",
                "restricted": False,
                "active": True,
            }
            for code, name, zh in ACCOUNTS
        ],
    )


def downgrade() -> None:
    op.execute(TABLE.delete().where(TABLE.c.code.in_([code for code, _, _ in ACCOUNTS])))
