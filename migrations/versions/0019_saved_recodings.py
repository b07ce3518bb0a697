"""Saved recodings (issue 15, point 2): how a person read one form's files (columns' targets, values'
meanings), kept by name for the next file of the same form.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 16:50:29.004544
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "import_recoding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("headings", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("columns", sqlmodel.sql.sqltypes.AutoString(length=60000), nullable=False),
        sa.Column("mapping", sqlmodel.sql.sqltypes.AutoString(length=60000), nullable=False),
        sa.Column("recode", sqlmodel.sql.sqltypes.AutoString(length=60000), nullable=False),
        sa.Column("indicators", sqlmodel.sql.sqltypes.AutoString(length=60000), nullable=False),
        sa.Column("complete_only", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("project_id", "name"),
    )
    with op.batch_alter_table("import_recoding", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_recoding_project_id"), ["project_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("import_recoding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_recoding_project_id"))

    op.drop_table("import_recoding")
