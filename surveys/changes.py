"""What changed since: one cheap read that moves whenever the project's survey answers change, so that the room's
dashboard (pages/present.py, &vue=tableau) redraws only then, as the walls do with their notes.

A response is written whole (its respondent and its answers, in one transaction: surveys.service), an erased
respondent lowers the count, a weight set on respondents changes their sum, and an import that updates known
respondents writes their answers anew (the newest answer's id moves).
"""

from sqlalchemy import text as sql_text
from sqlmodel import Session

_SURVEY_CHANGE = sql_text(
    "SELECT count(*), max(id), sum(weight),"
    " (SELECT max(id) FROM answer WHERE project_id = :project_id)"
    " FROM respondent WHERE project_id = :project_id"
)


def survey_change(*, session: Session, project_id: int) -> tuple:
    """A value that changes whenever a respondent of the project is added, erased or reweighted (one statement)."""
    return tuple(session.execute(_SURVEY_CHANGE, {"project_id": project_id}).one())
