"""Asset register: GB/T 14885 categories with their useful lives, asset cards, their lifecycle
records, and the five rights' holdings.

Revision ID: assets_0003
Revises: assets_0002
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import shared.types

revision = "assets_0003"
down_revision = "assets_0002"
branch_labels = None
depends_on = None

# (code, parent, name, 中文名, useful life in years or None: not depreciated). GB/T 14885-2010
# codes (门类, 大类 and 中类 used here); lives per the guide to government accounting
# standard No. 3 (固定资产折旧年限).
CATEGORIES = [
    ("1000000", None, "Land, buildings and structures", "土地、房屋及构筑物", None),
    (
        "1010000",
        "1000000",
        "Land, sea areas and uninhabited islands",
        "土地、海域及无居民海岛",
        None,
    ),
    ("1020000", "1000000", "Buildings", "房屋", None),
    ("1020100", "1020000", "Steel-framed buildings", "钢结构房屋", 50),
    ("1020200", "1020000", "Reinforced-concrete buildings", "钢筋混凝土结构房屋", 50),
    ("1020300", "1020000", "Brick-and-concrete buildings", "砖混结构房屋", 30),
    ("1020400", "1020000", "Brick-and-timber buildings", "砖木结构房屋", 30),
    ("1020500", "1020000", "Simple buildings", "简易房", 8),
    ("1020600", "1020000", "Building fixtures", "房屋附属设施", 8),
    ("1030000", "1000000", "Structures", "构筑物", 8),
    ("2000000", None, "General equipment", "通用设备", None),
    ("2010000", "2000000", "Computers and software", "计算机设备及软件", None),
    ("2010100", "2010000", "Computers", "计算机设备", 6),
    ("2010200", "2010000", "Computer networks", "计算机网络设备", 6),
    ("2020000", "2000000", "Office equipment", "办公设备", 6),
    ("2030000", "2000000", "Vehicles", "车辆", 8),
    ("2040000", "2000000", "Library and archive equipment", "图书档案设备", 5),
    ("2100000", "2000000", "Machinery", "机械设备", 10),
    ("2200000", "2000000", "Electrical equipment", "电气设备", 5),
    ("2310000", "2000000", "Communication equipment", "通信设备", 5),
    ("2320000", "2000000", "Broadcast, television and film equipment", "广播、电视、电影设备", 5),
    ("2400000", "2000000", "Instruments and meters", "仪器仪表", 5),
    ("3000000", None, "Special-purpose equipment", "专用设备", None),
    ("3220000", "3000000", "Medical equipment", "医疗设备", 5),
    ("3240000", "3000000", "Safety equipment", "安全生产设备", 10),
    ("4000000", None, "Cultural relics and exhibits", "文物和陈列品", None),
    ("5000000", None, "Books and archives", "图书、档案", None),
    (
        "6000000",
        None,
        "Furniture, utensils, fittings, animals and plants",
        "家具、用具、装具及动植物",
        None,
    ),
    ("6010000", "6000000", "Furniture", "家具", 15),
    ("6020000", "6000000", "Utensils and fittings", "用具、装具", 5),
    ("6030000", "6000000", "Special animals and plants", "特种动植物", None),
]


def upgrade() -> None:
    op.create_table(
        "assets_category",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("parent_code", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=True),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("name_zh", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("useful_life_years", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    with op.batch_alter_table("assets_category", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assets_category_parent_code"), ["parent_code"], unique=False
        )
    category = sa.table(
        "assets_category",
        *(sa.column(c) for c in ("code", "parent_code", "name", "name_zh", "useful_life_years")),
        sa.column("version"),
        sa.column("created_at", shared.types.UTCDateTime()),
        sa.column("updated_at", shared.types.UTCDateTime()),
        sa.column("active"),
    )
    now = shared.types.utcnow()
    op.bulk_insert(
        category,
        [
            dict(
                zip(
                    ("code", "parent_code", "name", "name_zh", "useful_life_years"),
                    row,
                    strict=True,
                )
            )
            | {"version": 1, "created_at": now, "updated_at": now, "active": True}
            for row in CATEGORIES
        ],
    )

    op.create_table(
        "assets_right_holding",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("subject_kind", sa.String(length=10), nullable=False),
        sa.Column("subject_id", sa.Uuid(), nullable=False),
        sa.Column("right", sa.String(length=12), nullable=False),
        sa.Column("holder_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("holder_unit_id", sa.Uuid(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("basis", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("recorded_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assets_right_holding", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assets_right_holding_holder_unit_id"), ["holder_unit_id"], unique=False
        )
        batch_op.create_index(
            "ix_assets_right_subject", ["subject_kind", "subject_id", "right"], unique=False
        )

    op.create_table(
        "assets_asset",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("category_code", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("specification", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("custodian_id", sa.Uuid(), nullable=True),
        sa.Column("room_id", sa.Uuid(), nullable=True),
        sa.Column("acquired_on", sa.Date(), nullable=False),
        sa.Column("original_value", shared.types.Money(), nullable=False),
        sa.Column("value", shared.types.Money(), nullable=False),
        sa.Column("accumulated_depreciation", shared.types.Money(), nullable=False),
        sa.Column("depreciated_months", sa.Integer(), nullable=False),
        sa.Column("fund_source", sa.String(length=20), nullable=False),
        sa.Column("payment_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("disposed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["category_code"], ["assets_category.code"]),
        sa.ForeignKeyConstraint(["room_id"], ["assets_room.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("number"),
    )
    with op.batch_alter_table("assets_asset", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assets_asset_category_code"), ["category_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assets_asset_custodian_id"), ["custodian_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assets_asset_room_id"), ["room_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assets_asset_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_assets_asset_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "assets_asset_event",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("asset_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("other_unit_id", sa.Uuid(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["asset_id"], ["assets_asset.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("assets_asset_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assets_asset_event_asset_id"), ["asset_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assets_asset_event_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assets_asset_event_other_unit_id"), ["other_unit_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assets_asset_event_unit_id"), ["unit_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("assets_asset_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assets_asset_event_unit_id"))
        batch_op.drop_index(batch_op.f("ix_assets_asset_event_other_unit_id"))
        batch_op.drop_index(batch_op.f("ix_assets_asset_event_kind"))
        batch_op.drop_index(batch_op.f("ix_assets_asset_event_asset_id"))

    op.drop_table("assets_asset_event")
    with op.batch_alter_table("assets_asset", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assets_asset_unit_id"))
        batch_op.drop_index(batch_op.f("ix_assets_asset_status"))
        batch_op.drop_index(batch_op.f("ix_assets_asset_room_id"))
        batch_op.drop_index(batch_op.f("ix_assets_asset_custodian_id"))
        batch_op.drop_index(batch_op.f("ix_assets_asset_category_code"))

    op.drop_table("assets_asset")
    with op.batch_alter_table("assets_right_holding", schema=None) as batch_op:
        batch_op.drop_index("ix_assets_right_subject")
        batch_op.drop_index(batch_op.f("ix_assets_right_holding_holder_unit_id"))

    op.drop_table("assets_right_holding")
    with op.batch_alter_table("assets_category", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assets_category_parent_code"))

    op.drop_table("assets_category")
