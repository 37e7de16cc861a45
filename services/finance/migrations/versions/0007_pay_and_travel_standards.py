"""Pay and travel standards: effective-dated versions of the salary scale, the allowances,
the contributions, the income tax table and the travel caps (finance_standard).

Revision ID: finance_0007
Revises: finance_0006
Create Date: 2026-12-04 10:30:40.348118
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import shared.types

revision = "finance_0007"
down_revision = "finance_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "finance_standard",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("drafted_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("drafted_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("approved_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("approved_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "version"),
    )
    with op.batch_alter_table("finance_standard", schema=None) as batch_op:
        batch_op.create_index(
            "ix_finance_standard_in_force", ["kind", "effective_from"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("finance_standard", schema=None) as batch_op:
        batch_op.drop_index("ix_finance_standard_in_force")

    op.drop_table("finance_standard")
