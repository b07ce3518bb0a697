"""What a facilitator's page tells its presentation (the board's screen in view, the dashboard's selection),
through the database (workshop.presenting): a presentation window served by another process follows it too."""

import json
from typing import Any

from ui import shell
from workshop import presenting


def published(project_id: int, view: str) -> tuple[int, dict[str, Any]]:
    """The view's state and its version (0, {} before any page published one): one cheap read."""
    with shell.read_session() as session:
        return presenting.published(session=session, project_id=project_id, view=view)


def publish(project_id: int, view: str, state: dict[str, Any]) -> None:
    """Keep the page's choice for its presentation. Read first: a page publishes on every run, and only a change
    takes the database's writer's turn."""
    wanted = json.loads(json.dumps(state))  # as it reads back (tuples become lists)
    if published(project_id, view)[1] != wanted:
        shell.attempt(presenting.publish, project_id=project_id, view=view, state=wanted)
