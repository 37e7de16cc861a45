"""Platform tables: audit log, outbox, inbox, idempotency store.

Revision ID: facilities_0001
Revises:
"""

from alembic import op

from shared.migrations import create_platform_tables_v1, drop_platform_tables_v1

revision = "facilities_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables_v1(op, "facilities")


def downgrade() -> None:
    drop_platform_tables_v1(op, "facilities")
