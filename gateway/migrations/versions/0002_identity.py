"""identity: users, service clients, refresh tokens, revocations

Revision ID: gateway_0002
Revises: gateway_0001

"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import shared.types

revision = "gateway_0002"
down_revision = "gateway_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "gateway_revoked_token",
        sa.Column("token_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("expires_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_id"),
    )
    op.create_table(
        "gateway_service_client",
        sa.Column("client_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("secret_hash", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("client_id"),
    )
    op.create_table(
        "gateway_user",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("username", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("display_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("unit_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("staff_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("token_epoch", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("gateway_user", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gateway_user_username"), ["username"], unique=True)

    op.create_table(
        "gateway_refresh_token",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("issued_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["gateway_user.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("gateway_refresh_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_gateway_refresh_token_family_id"), ["family_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_gateway_refresh_token_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("gateway_refresh_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gateway_refresh_token_user_id"))
        batch_op.drop_index(batch_op.f("ix_gateway_refresh_token_family_id"))

    op.drop_table("gateway_refresh_token")
    with op.batch_alter_table("gateway_user", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gateway_user_username"))

    op.drop_table("gateway_user")
    op.drop_table("gateway_service_client")
    op.drop_table("gateway_revoked_token")
