"""Work orders, preventive plans, zones and fire equipment

Adds the maintenance work orders (their steps, labour and materials), the SLA policy of
each priority (seeded: urgent 2 h / 24 h, high 8 h / 72 h, normal 24 h / 240 h, low 72 h /
720 h), the preventive plans, the safety responsibility zones with their units' liaisons
and entrances' managers, and the fire equipment register with its checks.

Revision ID: facilities_0003
Revises: facilities_0002
Create Date: 2026-12-04 10:45:32.288675
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import shared.types

revision = "facilities_0003"
down_revision = "facilities_0002"
branch_labels = None
depends_on = None

# priority, hours to respond, hours to resolve
SLA = (("urgent", 2, 24), ("high", 8, 72), ("normal", 24, 240), ("low", 72, 720))


def upgrade() -> None:
    op.create_table(
        "facilities_entrance",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("building_id", sa.Uuid(), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("manager_staff_id", sa.Uuid(), nullable=True),
        sa.Column("manager_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("manager_phone", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("building_id", "label"),
    )
    with op.batch_alter_table("facilities_entrance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facilities_entrance_building_id"), ["building_id"], unique=False
        )

    op.create_table(
        "facilities_preventive_plan",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("compound_id", sa.Uuid(), nullable=True),
        sa.Column("building_id", sa.Uuid(), nullable=True),
        sa.Column("room_id", sa.Uuid(), nullable=True),
        sa.Column("asset_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("interval_months", sa.Integer(), nullable=False),
        sa.Column("interval_weeks", sa.Integer(), nullable=False),
        sa.Column("anchor_on", sa.Date(), nullable=False),
        sa.Column("lead_days", sa.Integer(), nullable=False),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("facilities_preventive_plan", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facilities_preventive_plan_active"), ["active"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_preventive_plan_building_id"), ["building_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_preventive_plan_compound_id"), ["compound_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_preventive_plan_unit_id"), ["unit_id"], unique=False
        )

    op.create_table(
        "facilities_safety_liaison",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
        sa.PrimaryKeyConstraint("unit_id"),
    )
    with op.batch_alter_table("facilities_safety_liaison", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facilities_safety_liaison_staff_id"), ["staff_id"], unique=False
        )

    op.create_table(
        "facilities_safety_zone",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("area_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("compound_id", sa.Uuid(), nullable=True),
        sa.Column("responsible", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("facilities_safety_zone", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facilities_safety_zone_compound_id"), ["compound_id"], unique=False
        )

    op.create_table(
        "facilities_sla_policy",
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("response_hours", sa.Integer(), nullable=False),
        sa.Column("resolution_hours", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("priority"),
    )
    op.create_table(
        "facilities_fire_equipment",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("building_id", sa.Uuid(), nullable=True),
        sa.Column("room_id", sa.Uuid(), nullable=True),
        sa.Column("zone_id", sa.Uuid(), nullable=True),
        sa.Column("check_interval_days", sa.Integer(), nullable=False),
        sa.Column("in_service_from", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("last_checked_on", sa.Date(), nullable=True),
        sa.Column("last_result", sa.String(length=8), nullable=True),
        sa.Column("next_check_due", sa.Date(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["zone_id"],
            ["facilities_safety_zone.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    with op.batch_alter_table("facilities_fire_equipment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facilities_fire_equipment_active"), ["active"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_fire_equipment_building_id"), ["building_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_fire_equipment_expires_on"), ["expires_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_fire_equipment_kind"), ["kind"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_fire_equipment_next_check_due"),
            ["next_check_due"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_fire_equipment_zone_id"), ["zone_id"], unique=False
        )

    op.create_table(
        "facilities_safety_zone_building",
        sa.Column("building_id", sa.Uuid(), nullable=False),
        sa.Column("zone_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["zone_id"],
            ["facilities_safety_zone.id"],
        ),
        sa.PrimaryKeyConstraint("building_id"),
    )
    with op.batch_alter_table("facilities_safety_zone_building", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facilities_safety_zone_building_zone_id"), ["zone_id"], unique=False
        )

    op.create_table(
        "facilities_safety_zone_unit",
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("zone_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["zone_id"],
            ["facilities_safety_zone.id"],
        ),
        sa.PrimaryKeyConstraint("unit_id"),
    )
    with op.batch_alter_table("facilities_safety_zone_unit", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facilities_safety_zone_unit_zone_id"), ["zone_id"], unique=False
        )

    op.create_table(
        "facilities_work_order",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("compound_id", sa.Uuid(), nullable=True),
        sa.Column("building_id", sa.Uuid(), nullable=True),
        sa.Column("room_id", sa.Uuid(), nullable=True),
        sa.Column("asset_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.Column("hazard_id", sa.Uuid(), nullable=True),
        sa.Column("plan_id", sa.Uuid(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("requester_staff_id", sa.Uuid(), nullable=True),
        sa.Column("requested_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("requested_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("response_due_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolution_due_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("assignee", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("triaged_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("assigned_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("started_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("verified_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("verified_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("cancelled_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("labour_cost", shared.types.Money(), nullable=False),
        sa.Column("material_cost", shared.types.Money(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["facilities_preventive_plan.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "due_on"),
    )
    with op.batch_alter_table("facilities_work_order", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facilities_work_order_building_id"), ["building_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_work_order_compound_id"), ["compound_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_work_order_hazard_id"), ["hazard_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_work_order_priority"), ["priority"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_work_order_requester_staff_id"),
            ["requester_staff_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_work_order_resolution_due_at"),
            ["resolution_due_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_work_order_source"), ["source"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_work_order_status"), ["status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_work_order_unit_id"), ["unit_id"], unique=False
        )

    op.create_table(
        "facilities_fire_equipment_check",
        sa.Column("check_id", sa.Uuid(), nullable=False),
        sa.Column("equipment_id", sa.Uuid(), nullable=False),
        sa.Column("checked_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("result", sa.String(length=8), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("photos", sa.JSON(), nullable=False),
        sa.Column("checked_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("posted_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("posted_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["equipment_id"],
            ["facilities_fire_equipment.id"],
        ),
        sa.PrimaryKeyConstraint("check_id"),
    )
    with op.batch_alter_table("facilities_fire_equipment_check", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facilities_fire_equipment_check_equipment_id"),
            ["equipment_id"],
            unique=False,
        )

    op.create_table(
        "facilities_work_order_labour",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("work_order_id", sa.Uuid(), nullable=False),
        sa.Column("worker", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("worked_on", sa.Date(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("rate", shared.types.Money(), nullable=False),
        sa.Column("cost", shared.types.Money(), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("recorded_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["facilities_work_order.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("facilities_work_order_labour", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facilities_work_order_labour_work_order_id"),
            ["work_order_id"],
            unique=False,
        )

    op.create_table(
        "facilities_work_order_material",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("work_order_id", sa.Uuid(), nullable=False),
        sa.Column("item", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("quantity", sa.Numeric(precision=12, scale=3), nullable=False),
        sa.Column("unit_cost", shared.types.Money(), nullable=False),
        sa.Column("cost", shared.types.Money(), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("recorded_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["facilities_work_order.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("facilities_work_order_material", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facilities_work_order_material_work_order_id"),
            ["work_order_id"],
            unique=False,
        )

    op.create_table(
        "facilities_work_order_step",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("work_order_id", sa.Uuid(), nullable=False),
        sa.Column("from_status", sa.String(length=12), nullable=True),
        sa.Column("to_status", sa.String(length=12), nullable=False),
        sa.Column("at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["facilities_work_order.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("facilities_work_order_step", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facilities_work_order_step_work_order_id"),
            ["work_order_id"],
            unique=False,
        )

    policy = sa.table(
        "facilities_sla_policy",
        *(sa.column(c) for c in ("priority", "response_hours", "resolution_hours", "version")),
    )
    op.bulk_insert(
        policy,
        [
            {"priority": p, "response_hours": r, "resolution_hours": h, "version": 1}
            for p, r, h in SLA
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("facilities_work_order_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_work_order_step_work_order_id"))

    op.drop_table("facilities_work_order_step")
    with op.batch_alter_table("facilities_work_order_material", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_work_order_material_work_order_id"))

    op.drop_table("facilities_work_order_material")
    with op.batch_alter_table("facilities_work_order_labour", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_work_order_labour_work_order_id"))

    op.drop_table("facilities_work_order_labour")
    with op.batch_alter_table("facilities_fire_equipment_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_fire_equipment_check_equipment_id"))

    op.drop_table("facilities_fire_equipment_check")
    with op.batch_alter_table("facilities_work_order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_work_order_unit_id"))
        batch_op.drop_index(batch_op.f("ix_facilities_work_order_status"))
        batch_op.drop_index(batch_op.f("ix_facilities_work_order_source"))
        batch_op.drop_index(batch_op.f("ix_facilities_work_order_resolution_due_at"))
        batch_op.drop_index(batch_op.f("ix_facilities_work_order_requester_staff_id"))
        batch_op.drop_index(batch_op.f("ix_facilities_work_order_priority"))
        batch_op.drop_index(batch_op.f("ix_facilities_work_order_hazard_id"))
        batch_op.drop_index(batch_op.f("ix_facilities_work_order_compound_id"))
        batch_op.drop_index(batch_op.f("ix_facilities_work_order_building_id"))

    op.drop_table("facilities_work_order")
    with op.batch_alter_table("facilities_safety_zone_unit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_safety_zone_unit_zone_id"))

    op.drop_table("facilities_safety_zone_unit")
    with op.batch_alter_table("facilities_safety_zone_building", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_safety_zone_building_zone_id"))

    op.drop_table("facilities_safety_zone_building")
    with op.batch_alter_table("facilities_fire_equipment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_fire_equipment_zone_id"))
        batch_op.drop_index(batch_op.f("ix_facilities_fire_equipment_next_check_due"))
        batch_op.drop_index(batch_op.f("ix_facilities_fire_equipment_kind"))
        batch_op.drop_index(batch_op.f("ix_facilities_fire_equipment_expires_on"))
        batch_op.drop_index(batch_op.f("ix_facilities_fire_equipment_building_id"))
        batch_op.drop_index(batch_op.f("ix_facilities_fire_equipment_active"))

    op.drop_table("facilities_fire_equipment")
    op.drop_table("facilities_sla_policy")
    with op.batch_alter_table("facilities_safety_zone", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_safety_zone_compound_id"))

    op.drop_table("facilities_safety_zone")
    with op.batch_alter_table("facilities_safety_liaison", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_safety_liaison_staff_id"))

    op.drop_table("facilities_safety_liaison")
    with op.batch_alter_table("facilities_preventive_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_preventive_plan_unit_id"))
        batch_op.drop_index(batch_op.f("ix_facilities_preventive_plan_compound_id"))
        batch_op.drop_index(batch_op.f("ix_facilities_preventive_plan_building_id"))
        batch_op.drop_index(batch_op.f("ix_facilities_preventive_plan_active"))

    op.drop_table("facilities_preventive_plan")
    with op.batch_alter_table("facilities_entrance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_entrance_building_id"))

    op.drop_table("facilities_entrance")
