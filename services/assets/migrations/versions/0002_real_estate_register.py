"""Real-estate register: compounds, buildings, floors and rooms (areas in m², two decimals).

Revision ID: assets_0002
Revises: assets_0001
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import shared.types

revision = "assets_0002"
down_revision = "assets_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assets_compound",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("name_zh", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("land_area_m2", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "assets_building",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("compound_id", sa.Uuid(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("gross_floor_area_m2", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("built_year", sa.Integer(), nullable=True),
        sa.Column("land_parcel_no", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True),
        sa.Column(
            "land_certificate_no", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True
        ),
        sa.Column(
            "property_certificate_no", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=True
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["compound_id"],
            ["assets_compound.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("assets_building", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assets_building_compound_id"), ["compound_id"], unique=False
        )

    op.create_table(
        "assets_floor",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("building_id", sa.Uuid(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["building_id"],
            ["assets_building.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("building_id", "level"),
    )
    with op.batch_alter_table("assets_floor", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assets_floor_building_id"), ["building_id"], unique=False
        )

    op.create_table(
        "assets_room",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("compound_id", sa.Uuid(), nullable=False),
        sa.Column("building_id", sa.Uuid(), nullable=False),
        sa.Column("floor_id", sa.Uuid(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("use", sa.String(length=30), nullable=False),
        sa.Column("area_m2", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["building_id"],
            ["assets_building.id"],
        ),
        sa.ForeignKeyConstraint(
            ["compound_id"],
            ["assets_compound.id"],
        ),
        sa.ForeignKeyConstraint(
            ["floor_id"],
            ["assets_floor.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("assets_room", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assets_room_building_id"), ["building_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assets_room_compound_id"), ["compound_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assets_room_floor_id"), ["floor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assets_room_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assets_room_use"), ["use"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assets_room", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assets_room_use"))
        batch_op.drop_index(batch_op.f("ix_assets_room_unit_id"))
        batch_op.drop_index(batch_op.f("ix_assets_room_floor_id"))
        batch_op.drop_index(batch_op.f("ix_assets_room_compound_id"))
        batch_op.drop_index(batch_op.f("ix_assets_room_building_id"))

    op.drop_table("assets_room")
    with op.batch_alter_table("assets_floor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assets_floor_building_id"))

    op.drop_table("assets_floor")
    with op.batch_alter_table("assets_building", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assets_building_compound_id"))

    op.drop_table("assets_building")
    op.drop_table("assets_compound")
