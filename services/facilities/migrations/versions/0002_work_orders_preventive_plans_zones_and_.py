"""Work orders, preventive plans, zones and fire equipment

Adds the maintenance work orders (their steps, labour and materials), the SLA policy of
each priority (seeded: urgent 2 h / 24 h, high 8 h / 72 h, normal 24 h / 240 h, low 72 h /
720 h), the preventive plans, the safety responsibility zones with their units' liaisons
and entrances' managers, and the fire equipment register with its checks.

Revision ID: facilities_0002
Revises: facilities_0001
Create Date: 2026-12-04 10:35:43.772811
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import shared.types

revision = "facilities_0002"
down_revision = "facilities_0001"
branch_labels = None
depends_on = None

# priority, hours to respond, hours to resolve
SLA = (("urgent", 2, 24), ("high", 8, 72), ("normal", 24, 240), ("low", 72, 720))


def upgrade() -> None:
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
        "facilities_sla_policy",
        sa.Column("priority", sa.String(length=8), nullable=False),
        sa.Column("response_hours", sa.Integer(), nullable=False),
        sa.Column("resolution_hours", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("priority"),
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
    op.drop_table("facilities_sla_policy")
    with op.batch_alter_table("facilities_preventive_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_preventive_plan_unit_id"))
        batch_op.drop_index(batch_op.f("ix_facilities_preventive_plan_compound_id"))
        batch_op.drop_index(batch_op.f("ix_facilities_preventive_plan_building_id"))
        batch_op.drop_index(batch_op.f("ix_facilities_preventive_plan_active"))

    op.drop_table("facilities_preventive_plan")
