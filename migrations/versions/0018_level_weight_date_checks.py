"""CHECK constraints: an answer's level is 1-5 or NULL (don't know), a situation's level 1-5, a respondent's
weight positive and finite, a wave's end not before its start (issue 15, point 5).

Rows that break them could only come from an archive imported before archives were checked: they are
repaired first, and counted in the log, so that the constraints can be added. An answer outside the scale
carries no level and is removed (read as "don't know" it would change the don't-know counts); a weight that is
not a positive number becomes 1 (unweighted); an end before the start is cleared.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 17:00:00
"""

import logging
from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("alembic.runtime.migration")
CHECKS = {  # table -> (name, condition), as in the models
    "answer": ("ck_answer_level", "level IS NULL OR level BETWEEN 1 AND 5"),
    "indicator_level": ("ck_indicator_level_level", "level BETWEEN 1 AND 5"),
    "respondent": ("ck_respondent_weight", "weight > 0 AND weight < 1e300"),
    "wave": ("ck_wave_dates", "opened_on IS NULL OR closed_on IS NULL OR closed_on >= opened_on"),
}
REPAIRS = {
    "answer": "DELETE FROM answer WHERE NOT (level IS NULL OR level BETWEEN 1 AND 5)",
    "indicator_level": "DELETE FROM indicator_level WHERE NOT (level BETWEEN 1 AND 5)",
    "respondent": "UPDATE respondent SET weight = 1 WHERE NOT (weight > 0 AND weight < 1e300)",
    "wave": "UPDATE wave SET closed_on = NULL WHERE closed_on < opened_on",
}


def upgrade() -> None:
    for table, (name, condition) in CHECKS.items():
        repaired = op.get_bind().exec_driver_sql(REPAIRS[table]).rowcount
        if repaired:
            log.warning("%s: %d row(s) outside %s repaired before adding its CHECK", table, repaired, name)
        with op.batch_alter_table(table) as batch_op:  # SQLite: the table is copied with the constraint
            batch_op.create_check_constraint(name, condition)


def downgrade() -> None:
    for table, (name, _condition) in CHECKS.items():
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(name, type_="check")
