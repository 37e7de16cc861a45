"""Organisation and positions, with the ranks and the four leading bodies as reference data.

Revision ID: personnel_0002
Revises: personnel_0001
"""

import uuid

import sqlalchemy as sa
import sqlmodel
from alembic import op

import shared.types

revision = "personnel_0002"
down_revision = "personnel_0001"
branch_labels = None
depends_on = None

# Ranks used by the seed text and the office-space standards; level 1 is the highest.
RANKS = [
    ("city_head", "City-level head", "市级正职", 1),
    ("deputy_city_head", "City-level deputy", "市级副职", 2),
    ("bureau_chief", "Bureau chief", "正局级", 3),
    ("deputy_bureau_chief", "Deputy bureau chief", "副局级", 4),
    ("section_chief", "Section chief / principal staff member", "科长/主任科员", 5),
    (
        "deputy_section_chief",
        "Deputy section chief / deputy principal staff member",
        "副科长/副主任科员",
        6,
    ),
    ("clerk", "Clerk", "科员/办事员", 7),
]
# The four leading bodies (四大家), with ids stable across installations.
BODIES = [
    ("PC", "Municipal Party Committee", "市委"),
    ("NPC", "Municipal People's Congress Standing Committee", "市人大常委会"),
    ("GOV", "Municipal People's Government", "市人民政府"),
    ("CPPCC", "Municipal CPPCC Committee", "市政协"),
]
BODY_NAMESPACE = uuid.UUID("6b1d3f4e-5c2a-4f0e-9d7b-0a1e2c3d4f50")


def upgrade() -> None:
    op.create_table(
        "personnel_body",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("name_zh", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "personnel_rank",
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("name_zh", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_table(
        "personnel_unit",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("name_zh", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("body_id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["personnel_body.id"],
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["personnel_unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("personnel_unit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_personnel_unit_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_personnel_unit_code"), ["code"], unique=True)

    op.create_table(
        "personnel_position",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("rank_code", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("responsibilities", sa.Text(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["rank_code"],
            ["personnel_rank.code"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["personnel_unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("personnel_position", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_personnel_position_code"), ["code"], unique=True)
        batch_op.create_index(
            batch_op.f("ix_personnel_position_unit_id"), ["unit_id"], unique=False
        )
    rank = sa.table(
        "personnel_rank",
        sa.column("code"),
        sa.column("name"),
        sa.column("name_zh"),
        sa.column("level"),
    )
    op.bulk_insert(
        rank, [dict(zip(("code", "name", "name_zh", "level"), r, strict=True)) for r in RANKS]
    )
    body = sa.table(
        "personnel_body",
        sa.column("id", sa.Uuid),
        sa.column("code"),
        sa.column("name"),
        sa.column("name_zh"),
    )
    op.bulk_insert(
        body,
        [
            {"id": uuid.uuid5(BODY_NAMESPACE, code), "code": code, "name": name, "name_zh": zh}
            for code, name, zh in BODIES
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("personnel_position", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_personnel_position_unit_id"))
        batch_op.drop_index(batch_op.f("ix_personnel_position_code"))

    op.drop_table("personnel_position")
    with op.batch_alter_table("personnel_unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_personnel_unit_code"))
        batch_op.drop_index(batch_op.f("ix_personnel_unit_body_id"))

    op.drop_table("personnel_unit")
    op.drop_table("personnel_rank")
    op.drop_table("personnel_body")
