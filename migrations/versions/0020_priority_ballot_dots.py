"""a ballot's votes as rows (priority_ballot_dot) rather than a JSON map, so that an archive remaps their indicators

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 17:20:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "priority_ballot_dot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("ballot_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("votes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["ballot_id"], ["priority_ballot.id"]),
        sa.ForeignKeyConstraint(["indicator_id"], ["indicator.id"]),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ballot_id", "indicator_id"),
    )
    with op.batch_alter_table("priority_ballot_dot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_priority_ballot_dot_ballot_id"), ["ballot_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_priority_ballot_dot_indicator_id"), ["indicator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_priority_ballot_dot_project_id"), ["project_id"], unique=False)

    # Ballots cast since 0017 keep their votes (only candidates of their vote, as the service allowed).
    connection = op.get_bind()
    items = {(v, i) for v, i in connection.execute(sa.text("SELECT vote_id, indicator_id FROM priority_vote_item"))}
    dots = sa.table(
        "priority_ballot_dot", *(sa.column(c) for c in ("project_id", "ballot_id", "indicator_id", "votes"))
    )
    rows = []
    for ballot_id, project_id, vote_id, text in connection.execute(
        sa.text("SELECT id, project_id, vote_id, dots FROM priority_ballot")
    ):
        try:
            given = {int(k): int(v) for k, v in json.loads(text or "{}").items()}
        except (ValueError, TypeError, AttributeError):
            given = {}
        rows += [
            {"project_id": project_id, "ballot_id": ballot_id, "indicator_id": indicator, "votes": votes}
            for indicator, votes in given.items()
            if votes > 0 and (vote_id, indicator) in items
        ]
    if rows:
        op.bulk_insert(dots, rows)

    with op.batch_alter_table("priority_ballot", schema=None) as batch_op:
        batch_op.drop_column("dots")


def downgrade() -> None:
    with op.batch_alter_table("priority_ballot", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dots", sa.String(length=2000), nullable=False, server_default="{}"))
    connection = op.get_bind()
    given: dict[int, dict[str, int]] = {}
    for ballot_id, indicator, votes in connection.execute(
        sa.text("SELECT ballot_id, indicator_id, votes FROM priority_ballot_dot")
    ):
        given.setdefault(ballot_id, {})[str(indicator)] = votes
    for ballot_id, map_ in given.items():
        connection.execute(
            sa.text("UPDATE priority_ballot SET dots = :dots WHERE id = :id"),
            {"dots": json.dumps(map_), "id": ballot_id},
        )
    op.drop_table("priority_ballot_dot")
