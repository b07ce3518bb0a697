"""the room's vote on the priority axes: votes, their candidates, phones' ballots, and the vote behind an axis

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 16:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXT = sqlmodel.sql.sqltypes.AutoString
MOMENT = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "priority_vote",
        sa.Column("code", TEXT(length=12), nullable=False),
        sa.Column("votes_per_person", sa.Integer(), nullable=False),
        sa.Column("cap_per_item", sa.Integer(), nullable=False),
        sa.Column("closes_at", MOMENT(), nullable=False),
        sa.Column("closed_at", MOMENT(), nullable=True),
        sa.Column("revealed", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("wave_id", sa.Integer(), nullable=True),
        sa.Column("created_at", MOMENT(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"]),
        sa.ForeignKeyConstraint(["wave_id"], ["wave.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("priority_vote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_priority_vote_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_priority_vote_project_id"), ["project_id"], unique=False)

    op.create_table(
        "priority_vote_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicator.id"]),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"]),
        sa.ForeignKeyConstraint(["vote_id"], ["priority_vote.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("vote_id", "indicator_id"),
    )
    with op.batch_alter_table("priority_vote_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_priority_vote_item_indicator_id"), ["indicator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_priority_vote_item_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_priority_vote_item_vote_id"), ["vote_id"], unique=False)

    op.create_table(
        "priority_ballot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("participant_token", TEXT(length=64), nullable=False),
        sa.Column("profile", TEXT(length=200), nullable=False),
        sa.Column("dots", TEXT(length=2000), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.Column("window_from", MOMENT(), nullable=False),
        sa.Column("created_at", MOMENT(), nullable=False),
        sa.Column("updated_at", MOMENT(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"]),
        sa.ForeignKeyConstraint(["vote_id"], ["priority_vote.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("vote_id", "participant_token", name="uq_priority_ballot_vote_phone"),
    )
    with op.batch_alter_table("priority_ballot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_priority_ballot_project_id"), ["project_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_priority_ballot_vote_id"), ["vote_id"], unique=False)

    with op.batch_alter_table("priority_axis", schema=None) as batch_op:
        batch_op.add_column(sa.Column("vote_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("votes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("voters", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("ballots", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("votes_by_profile", TEXT(length=4000), nullable=False, server_default=""))
        batch_op.create_foreign_key("fk_priority_axis_vote_id", "priority_vote", ["vote_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("priority_axis", schema=None) as batch_op:
        batch_op.drop_constraint("fk_priority_axis_vote_id", type_="foreignkey")
        batch_op.drop_column("votes_by_profile")
        batch_op.drop_column("ballots")
        batch_op.drop_column("voters")
        batch_op.drop_column("votes")
        batch_op.drop_column("vote_id")
    op.drop_table("priority_ballot")
    op.drop_table("priority_vote_item")
    op.drop_table("priority_vote")
