"""Platform tables of the gateway: audit log (and the shared outbox, inbox, idempotency).

Revision ID: gateway_0001
Revises:
"""

from alembic import op

from shared.migrations import create_platform_tables_v1, drop_platform_tables_v1

revision = "gateway_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables_v1(op, "gateway")


def downgrade() -> None:
    drop_platform_tables_v1(op, "gateway")
