"""presentations' state shared across processes (the board's screen in view, the dashboard's selection)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "presentation_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("view", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "view"),
    )
    with op.batch_alter_table("presentation_state", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_presentation_state_project_id"), ["project_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("presentation_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_presentation_state_project_id"))
    op.drop_table("presentation_state")
