"""Merge: the room's survey code (0013) and the situations to rewrite (0014), both on 0012.

Revision ID: 0015
Revises: 0013, 0014
Create Date: 2026-12-02 07:25:00
"""

from collections.abc import Sequence

revision: str = "0015"
down_revision: tuple[str, ...] = ("0013", "0014")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
