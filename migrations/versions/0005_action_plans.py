"""action plans: commissions, plenaries, priority axes, milestones, commitment follow-up

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-22 00:00:16.790119
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = "0005"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plenary",
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("presented", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("attendance", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("plenary", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plenary_project_id"), ["project_id"], unique=False)

    op.create_table(
        "commission",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
        sa.Column("theme", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("pilot_partner_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["pilot_partner_id"],
            ["partner.id"],
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("commission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commission_project_id"), ["project_id"], unique=False)

    op.create_table(
        "priority_axis",
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["indicator.id"],
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.ForeignKeyConstraint(
            ["wave_id"],
            ["wave.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "indicator_id"),
    )
    with op.batch_alter_table("priority_axis", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_priority_axis_indicator_id"), ["indicator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_priority_axis_project_id"), ["project_id"], unique=False)

    op.create_table(
        "commission_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("commission_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commission_id"],
            ["commission.id"],
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["partner.id"],
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("commission_id", "partner_id"),
    )
    with op.batch_alter_table("commission_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commission_member_commission_id"), ["commission_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_commission_member_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_commission_member_project_id"), ["project_id"], unique=False)

    op.create_table(
        "milestone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["pilot_action.id"],
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("milestone", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_milestone_action_id"), ["action_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_milestone_project_id"), ["project_id"], unique=False)

    op.create_table(
        "reciprocal_commitment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column("reciprocal_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.ForeignKeyConstraint(
            ["reciprocal_id"],
            ["commitment.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("commitment_id", "reciprocal_id"),
    )
    with op.batch_alter_table("reciprocal_commitment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reciprocal_commitment_commitment_id"), ["commitment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reciprocal_commitment_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reciprocal_commitment_reciprocal_id"), ["reciprocal_id"], unique=False)

    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "fulfilment", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False, server_default="pending"
            )
        )
        batch_op.add_column(sa.Column("fulfilled_on", sa.Date(), nullable=True))

    with op.batch_alter_table("pilot_action", schema=None) as batch_op:
        batch_op.add_column(sa.Column("commission_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_pilot_action_commission_id", "commission", ["commission_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("pilot_action", schema=None) as batch_op:
        batch_op.drop_constraint("fk_pilot_action_commission_id", type_="foreignkey")
        batch_op.drop_column("commission_id")
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        for column in ("fulfilled_on", "fulfilment", "due_on"):
            batch_op.drop_column(column)
    for table in ("reciprocal_commitment", "milestone", "commission_member", "priority_axis", "commission", "plenary"):
        op.drop_table(table)
