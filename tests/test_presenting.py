"""A facilitator's page tells its presentation what to show through the database (workshop.presenting): another
process's session reads the same state, and the version moves only when the state changed."""

import pytest

from workshop import database, presenting, projects


def test_a_state_published_by_one_session_is_read_by_another_and_its_version_moves_on_change(db_url):
    with database.session_scope(db_url) as session:
        project = projects.create_project(session=session, name="Quartier", place="Ville")
        other = projects.create_project(session=session, name="Autre", place="Ville")
    with database.read_scope(db_url) as session:
        assert presenting.published(session=session, project_id=project.id, view="regroupements") == (0, {})
    with database.session_scope(db_url) as session:
        first = presenting.publish(session=session, project_id=project.id, view="regroupements", state={"screen": 2})
    with database.session_scope(db_url) as session:  # the same state again: nothing moves
        again = presenting.publish(session=session, project_id=project.id, view="regroupements", state={"screen": 2})
    with database.session_scope(db_url) as session:
        back = presenting.publish(session=session, project_id=project.id, view="regroupements", state={"screen": 1})
    assert (first, again, back) == (1, 1, 2)
    with database.read_scope(db_url) as session:
        assert presenting.published(session=session, project_id=project.id, view="regroupements") == (2, {"screen": 1})
        # Each view and each project has its own.
        assert presenting.published(session=session, project_id=project.id, view="tableau") == (0, {})
        assert presenting.published(session=session, project_id=other.id, view="regroupements") == (0, {})


def test_a_state_too_large_is_refused_and_nothing_is_kept(db_url):
    with database.session_scope(db_url) as session:
        project = projects.create_project(session=session, name="Quartier", place="Ville")
    with pytest.raises(ValueError, match="at most"), database.session_scope(db_url) as session:
        presenting.publish(session=session, project_id=project.id, view="tableau", state={"x": "a" * 5000})
    with database.read_scope(db_url) as session:
        assert presenting.published(session=session, project_id=project.id, view="tableau") == (0, {})
