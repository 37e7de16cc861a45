"""Inspections (checklist versions, rounds, answers), hazards (due rules seeded 24 h / 7 d /
30 d, escalations), remediation plans in phases, and the cache of places read from assets.

Revision ID: facilities_0002
Revises: facilities_0001
"""

from datetime import date

import sqlalchemy as sa
import sqlmodel
from alembic import op

import shared.types

revision = "facilities_0002"
down_revision = "facilities_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "facilities_checklist",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("category", "version"),
    )
    op.create_table(
        "facilities_hazard_due_rule",
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("period_hours", sa.Integer(), nullable=False),
        sa.Column("set_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.PrimaryKeyConstraint("severity", "effective_from"),
    )
    op.create_table(
        "facilities_inspection_round",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("compound_id", sa.Uuid(), nullable=False),
        sa.Column("building_ids", sa.JSON(), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("inspectors", sa.JSON(), nullable=False),
        sa.Column("checklist_ids", sa.JSON(), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("started_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("facilities_inspection_round", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facilities_inspection_round_compound_id"), ["compound_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_inspection_round_planned_on"), ["planned_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_inspection_round_status"), ["status"], unique=False
        )

    op.create_table(
        "facilities_place_cache",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("compound_id", sa.Uuid(), nullable=False),
        sa.Column("building_id", sa.Uuid(), nullable=True),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("fetched_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "facilities_remediation_plan",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("compound_id", sa.Uuid(), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("facilities_remediation_plan", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facilities_remediation_plan_compound_id"), ["compound_id"], unique=False
        )

    op.create_table(
        "facilities_checklist_item",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("checklist_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["checklist_id"],
            ["facilities_checklist.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("checklist_id", "code"),
    )
    with op.batch_alter_table("facilities_checklist_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facilities_checklist_item_checklist_id"), ["checklist_id"], unique=False
        )

    op.create_table(
        "facilities_remediation_phase",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("budget_year", sa.Integer(), nullable=False),
        sa.Column("estimated_cost", shared.types.Money(), nullable=False),
        sa.Column("budget_line_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["facilities_remediation_plan.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("plan_id", "number"),
    )
    op.create_table(
        "facilities_hazard",
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("item_code", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("compound_id", sa.Uuid(), nullable=False),
        sa.Column("building_id", sa.Uuid(), nullable=True),
        sa.Column("room_id", sa.Uuid(), nullable=True),
        sa.Column("found_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("director_due_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("responsible_unit_id", sa.Uuid(), nullable=True),
        sa.Column("responsible_staff_id", sa.Uuid(), nullable=True),
        sa.Column("assigned_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("fixed_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("fixer_id", sa.Uuid(), nullable=True),
        sa.Column("fix_note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("closed_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closing_round_id", sa.Uuid(), nullable=True),
        sa.Column("escalation", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["facilities_checklist_item.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["facilities_inspection_round.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "item_id"),
    )
    with op.batch_alter_table("facilities_hazard", schema=None) as batch_op:
        batch_op.create_index(
            "ix_facilities_hazard_open",
            ["status", "compound_id", "severity", "found_at", "due_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_hazard_responsible_staff_id"),
            ["responsible_staff_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_hazard_responsible_unit_id"),
            ["responsible_unit_id"],
            unique=False,
        )

    op.create_table(
        "facilities_inspection_answer",
        sa.Column("round_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("item_code", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("outcome", sa.String(length=15), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True),
        sa.Column("photos", sa.JSON(), nullable=False),
        sa.Column("building_id", sa.Uuid(), nullable=True),
        sa.Column("room_id", sa.Uuid(), nullable=True),
        sa.Column("inspector_id", sa.Uuid(), nullable=False),
        sa.Column("answered_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("posted_by", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("posted_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["facilities_checklist_item.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["facilities_inspection_round.id"],
        ),
        sa.PrimaryKeyConstraint("round_id", "item_id"),
    )
    op.create_table(
        "facilities_hazard_escalation",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("escalated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("overdue_hours", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hazard_id"],
            ["facilities_hazard.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hazard_id", "level"),
    )
    with op.batch_alter_table("facilities_hazard_escalation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facilities_hazard_escalation_escalated_at"),
            ["escalated_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_hazard_escalation_hazard_id"), ["hazard_id"], unique=False
        )

    op.create_table(
        "facilities_remediation_hazard",
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("phase_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hazard_id"],
            ["facilities_hazard.id"],
        ),
        sa.ForeignKeyConstraint(
            ["phase_id"],
            ["facilities_remediation_phase.id"],
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["facilities_remediation_plan.id"],
        ),
        sa.PrimaryKeyConstraint("hazard_id"),
    )
    with op.batch_alter_table("facilities_remediation_hazard", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facilities_remediation_hazard_phase_id"), ["phase_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_facilities_remediation_hazard_plan_id"), ["plan_id"], unique=False
        )

    due_rules = sa.table(
        "facilities_hazard_due_rule",
        sa.column("severity", sa.String),
        sa.column("effective_from", sa.Date),
        sa.column("period_hours", sa.Integer),
        sa.column("set_by", sa.String),
    )
    # the due periods in force from the start: critical 24 hours, major 7 days, minor 30
    op.bulk_insert(
        due_rules,
        [
            {
                "severity": s,
                "effective_from": date(2000, 1, 1),
                "period_hours": h,
                "set_by": "system",
            }
            for s, h in (("critical", 24), ("major", 24 * 7), ("minor", 24 * 30))
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("facilities_remediation_hazard", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_remediation_hazard_plan_id"))
        batch_op.drop_index(batch_op.f("ix_facilities_remediation_hazard_phase_id"))

    op.drop_table("facilities_remediation_hazard")
    with op.batch_alter_table("facilities_hazard_escalation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_hazard_escalation_hazard_id"))
        batch_op.drop_index(batch_op.f("ix_facilities_hazard_escalation_escalated_at"))

    op.drop_table("facilities_hazard_escalation")
    op.drop_table("facilities_inspection_answer")
    with op.batch_alter_table("facilities_hazard", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_hazard_responsible_unit_id"))
        batch_op.drop_index(batch_op.f("ix_facilities_hazard_responsible_staff_id"))
        batch_op.drop_index("ix_facilities_hazard_open")

    op.drop_table("facilities_hazard")
    op.drop_table("facilities_remediation_phase")
    with op.batch_alter_table("facilities_checklist_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_checklist_item_checklist_id"))

    op.drop_table("facilities_checklist_item")
    with op.batch_alter_table("facilities_remediation_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_remediation_plan_compound_id"))

    op.drop_table("facilities_remediation_plan")
    op.drop_table("facilities_place_cache")
    with op.batch_alter_table("facilities_inspection_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilities_inspection_round_status"))
        batch_op.drop_index(batch_op.f("ix_facilities_inspection_round_planned_on"))
        batch_op.drop_index(batch_op.f("ix_facilities_inspection_round_compound_id"))

    op.drop_table("facilities_inspection_round")
    op.drop_table("facilities_hazard_due_rule")
    op.drop_table("facilities_checklist")
