"""join the step revisions 0002-0005

Revision ID: 0006
Revises: 0002, 0003, 0004, 0005
Create Date: 2026-11-22 01:13:33.254802
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0006'
down_revision: str | None = ('0002', '0003', '0004', '0005')
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
