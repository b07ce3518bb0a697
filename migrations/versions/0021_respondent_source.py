"""How each response came in (issue 15, point 7): respondent.source is "phone", "typed", "file" or "demo", for the
exports' `source` variable beside `submitted_at`. Responses sent from a phone before this revision are known by
their code ("web-…"); the others stay unknown ("").

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-02 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("respondent", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default="")
        )
    op.execute("UPDATE respondent SET source = 'phone' WHERE code LIKE 'web-%'")


def downgrade() -> None:
    with op.batch_alter_table("respondent", schema=None) as batch_op:
        batch_op.drop_column("source")
