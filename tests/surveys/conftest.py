"""The demo project in a fresh database: a wave of 232 respondents on 16 indicators."""

import pytest

from demo import load_demo
from surveys import service


@pytest.fixture
def demo(session):
    project = load_demo(session=session)
    wave = service.list_waves(session=session, project_id=project.id)[0]
    return project.id, wave.id
