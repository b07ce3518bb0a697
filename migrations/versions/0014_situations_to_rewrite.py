"""Situations to rewrite: an indicator's situation drafted by the machine carries a flag until a person
edits or accepts it (issue 13, point 4); a flagged situation keeps its indicator off phones and exports.

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-02 06:29:20.422671

Chained on 0012, the last committed head; 0013 (room survey code) branches from the same head and a
merge revision joins them (the app upgrades to every head).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Situations written before this revision were written by people: not to rewrite.
    with op.batch_alter_table("indicator_level", schema=None) as batch_op:
        batch_op.add_column(sa.Column("to_rewrite", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("indicator_level", schema=None) as batch_op:
        batch_op.drop_column("to_rewrite")
