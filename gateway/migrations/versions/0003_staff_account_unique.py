"""A member of staff has one account at most: a unique index on the users' staff id (NULL,
an account of no one, may repeat). Refuses to apply while two accounts share a staff id.

Revision ID: gateway_0003
Revises: gateway_0002
Create Date: 2026-12-03 19:07:53.824364
"""

import sqlmodel  # noqa: F401
from alembic import op

import shared.types  # noqa: F401

revision = "gateway_0003"
down_revision = "gateway_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("gateway_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gateway_user_staff_id"), ["staff_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("gateway_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gateway_user_staff_id"))
