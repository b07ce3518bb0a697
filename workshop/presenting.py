"""The state a facilitator's page publishes for one of the project's presentations, shared through the database
so that every process serving a presentation window follows it (a deployment may run several: docs/deployment.md).

A state is a small JSON object per project and view; publishing the same state again writes nothing, so a page
may publish on every run. The presentation reads (version, state) once a second and redraws when the version moved.
"""

import json
from typing import Any

from sqlalchemy import text as sql_text
from sqlmodel import Session, select

from workshop.database import utcnow
from workshop.models import PresentationState

MAX_CHARS = 4000

_READ = sql_text("SELECT version, state FROM presentation_state WHERE project_id = :project_id AND view = :view")


def published(*, session: Session, project_id: int, view: str) -> tuple[int, dict[str, Any]]:
    """The view's state and its version (0 and {} when the page never published one). One statement."""
    row = session.execute(_READ, {"project_id": project_id, "view": view}).first()
    if row is None:
        return 0, {}
    try:
        state = json.loads(row[1])
    except ValueError:  # a state written by hand or cut: the presentation shows its defaults
        state = {}
    return int(row[0]), state if isinstance(state, dict) else {}


def publish(*, session: Session, project_id: int, view: str, state: dict[str, Any]) -> int:
    """Keep the page's choice for the view; the version grows only when the state changed. Its version."""
    encoded = json.dumps(state, sort_keys=True, ensure_ascii=False)
    if len(encoded) > MAX_CHARS:
        raise ValueError(f"a presentation state of {len(encoded)} characters (at most {MAX_CHARS})")
    row = session.exec(
        select(PresentationState).where(PresentationState.project_id == project_id, PresentationState.view == view)
    ).first()
    if row is None:
        row = PresentationState(project_id=project_id, view=view, state=encoded, version=1)
        session.add(row)
    elif row.state != encoded:
        row.state, row.version, row.updated_at = encoded, row.version + 1, utcnow()
        session.add(row)
    else:
        return row.version
    session.flush()
    return row.version
