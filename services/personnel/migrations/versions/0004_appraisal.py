"""appraisal schemes, cycles, scores, results and revisions; accountability records and voids

Revision ID: personnel_0004
Revises: personnel_0003
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import shared.types

revision = "personnel_0004"
down_revision = "personnel_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "personnel_appraisal_scheme",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("edition", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("weight_morality", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("weight_ability", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("weight_diligence", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("weight_performance", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("weight_integrity", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("weight_innovation", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("scale_min", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("scale_max", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("excellent_min", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("competent_min", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("basically_competent_min", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("integrity_veto_below", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("penalty_grade_cap", sa.String(length=30), nullable=True),
        sa.Column("excellent_cap_percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code", "edition"),
    )
    with op.batch_alter_table("personnel_appraisal_scheme", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_personnel_appraisal_scheme_code"), ["code"], unique=False
        )

    op.create_table(
        "personnel_appraisal_cycle",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("scheme_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("finalized_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["scheme_id"],
            ["personnel_appraisal_scheme.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("personnel_appraisal_cycle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_personnel_appraisal_cycle_scheme_id"), ["scheme_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_personnel_appraisal_cycle_year"), ["year"], unique=False
        )

    op.create_table(
        "personnel_accountability_record",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("subtype", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("effective_until", sa.Date(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("issuer", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("document_no", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("recorded_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["personnel_staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["personnel_unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("personnel_accountability_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_personnel_accountability_record_effective_on"),
            ["effective_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_personnel_accountability_record_kind"), ["kind"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_personnel_accountability_record_staff_id"), ["staff_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_personnel_accountability_record_unit_id"), ["unit_id"], unique=False
        )

    op.create_table(
        "personnel_appraisal_cycle_unit",
        sa.Column("cycle_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["personnel_appraisal_cycle.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["personnel_unit.id"],
        ),
        sa.PrimaryKeyConstraint("cycle_id", "unit_id"),
    )
    op.create_table(
        "personnel_appraisal_result",
        sa.Column("morality", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("ability", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("diligence", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("performance", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("integrity", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("innovation", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("weighted_score", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("base_grade", sa.String(length=30), nullable=False),
        sa.Column("grade", sa.String(length=30), nullable=False),
        sa.Column("vetoes", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("cycle_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("rank_in_unit", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("finalized_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revised_at", shared.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["personnel_appraisal_cycle.id"],
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["personnel_staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["personnel_unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id", "staff_id"),
    )
    with op.batch_alter_table("personnel_appraisal_result", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_personnel_appraisal_result_cycle_id"), ["cycle_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_personnel_appraisal_result_staff_id"), ["staff_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_personnel_appraisal_result_unit_id"), ["unit_id"], unique=False
        )

    op.create_table(
        "personnel_appraisal_score",
        sa.Column("morality", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("ability", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("diligence", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("performance", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("integrity", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("innovation", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("cycle_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=False),
        sa.Column("entered_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["personnel_appraisal_cycle.id"],
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["personnel_staff.id"],
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["personnel_unit.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("cycle_id", "staff_id"),
    )
    with op.batch_alter_table("personnel_appraisal_score", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_personnel_appraisal_score_cycle_id"), ["cycle_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_personnel_appraisal_score_staff_id"), ["staff_id"], unique=False
        )

    op.create_table(
        "personnel_accountability_void",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("replaced_by_id", sa.Uuid(), nullable=True),
        sa.Column("voided_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("voided_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["personnel_accountability_record.id"],
        ),
        sa.ForeignKeyConstraint(
            ["replaced_by_id"],
            ["personnel_accountability_record.id"],
        ),
        sa.PrimaryKeyConstraint("record_id"),
    )
    op.create_table(
        "personnel_appraisal_result_revision",
        sa.Column("morality", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("ability", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("diligence", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("performance", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("integrity", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("innovation", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("weighted_score", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("base_grade", sa.String(length=30), nullable=False),
        sa.Column("grade", sa.String(length=30), nullable=False),
        sa.Column("vetoes", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("result_id", sa.Uuid(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("recorded_at", shared.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["result_id"],
            ["personnel_appraisal_result.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("result_id", "revision"),
    )
    with op.batch_alter_table("personnel_appraisal_result_revision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_personnel_appraisal_result_revision_result_id"),
            ["result_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("personnel_appraisal_result_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_personnel_appraisal_result_revision_result_id"))

    op.drop_table("personnel_appraisal_result_revision")
    op.drop_table("personnel_accountability_void")
    with op.batch_alter_table("personnel_appraisal_score", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_personnel_appraisal_score_staff_id"))
        batch_op.drop_index(batch_op.f("ix_personnel_appraisal_score_cycle_id"))

    op.drop_table("personnel_appraisal_score")
    with op.batch_alter_table("personnel_appraisal_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_personnel_appraisal_result_unit_id"))
        batch_op.drop_index(batch_op.f("ix_personnel_appraisal_result_staff_id"))
        batch_op.drop_index(batch_op.f("ix_personnel_appraisal_result_cycle_id"))

    op.drop_table("personnel_appraisal_result")
    op.drop_table("personnel_appraisal_cycle_unit")
    with op.batch_alter_table("personnel_accountability_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_personnel_accountability_record_unit_id"))
        batch_op.drop_index(batch_op.f("ix_personnel_accountability_record_staff_id"))
        batch_op.drop_index(batch_op.f("ix_personnel_accountability_record_kind"))
        batch_op.drop_index(batch_op.f("ix_personnel_accountability_record_effective_on"))

    op.drop_table("personnel_accountability_record")
    with op.batch_alter_table("personnel_appraisal_cycle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_personnel_appraisal_cycle_year"))
        batch_op.drop_index(batch_op.f("ix_personnel_appraisal_cycle_scheme_id"))

    op.drop_table("personnel_appraisal_cycle")
    with op.batch_alter_table("personnel_appraisal_scheme", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_personnel_appraisal_scheme_code"))

    op.drop_table("personnel_appraisal_scheme")
