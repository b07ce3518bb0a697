"""What a facilitator's page tells its presentation (which of its screens the room sees, the dashboard's selection),
through the database (workshop.presenting): a presentation window served by another process follows it too."""

import json
from typing import Any

import streamlit as st

from groups import service
from ui import presentation, shell
from ui.shell import t
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


def shown_screen(project_id: int, view: str) -> tuple[int, int]:
    """(the state's version, the screen the facilitator's page shows the room: 1 before it chose)."""
    number, state = published(project_id, view)
    screen = state.get("screen", 1)
    return number, screen if isinstance(screen, int) and screen >= 1 else 1


def _on_screen(project_id: int, view: str, key: str) -> None:
    """The room sees the screen chosen (its window follows within a second)."""
    publish(project_id, view, {"screen": st.session_state.get(key) or 1})


def screen_picker(project_id: int, view: str, screens: int, where, *, key: str, **options: Any) -> None:  # noqa: ANN001
    """Which of a presentation's screens the room sees, when it takes more than one: driven from this page.

    `options` go to the control (help, label_visibility)."""
    if screens < 2:
        return
    if key not in st.session_state:  # another laptop may have chosen: start from what is projected
        st.session_state[key] = shown_screen(project_id, view)[1]
    if st.session_state[key] not in range(1, screens + 1):  # fewer screens than when it was chosen
        st.session_state[key] = min(max(1, st.session_state[key] or 1), screens)
    where.segmented_control(
        t("board.screen"),
        list(range(1, screens + 1)),
        format_func=lambda n: t("board.screen_option", screen=n),
        key=key,
        required=True,
        on_change=_on_screen,
        args=(project_id, view, key),
        **options,
    )


def wall_picker(project_id: int, group_id: int) -> None:
    """The group's page's control of its wall's presentation screens, drawn with its wall (which is redrawn when
    notes arrive: a new screen is offered as soon as the room's needs it)."""
    with shell.read_session() as session:
        columns = service.wall(session=session, project_id=project_id, group_id=group_id)
    screen_picker(project_id, presentation.wall_view(group_id), presentation.wall_screens(columns), st,
                  key=f"wall_screen_{group_id}")  # fmt: skip
