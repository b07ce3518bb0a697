"""A project archive restores onto an EMPTY instance (new database, migrated, no project): every table compared."""

from collections.abc import Iterator

from sqlalchemy import select

import demo
import schema
from tests.archive_tables import project_rows, project_tables
from workshop import archive, database, projects
from workshop.models import Project


def _archived_tables(url: str, project_id: int) -> Iterator:
    for table in project_tables():
        yield table, project_rows(table, project_id)


def _content(url: str, project_id: int) -> dict[str, list[tuple]]:
    """Every archived table's rows in id order, ids left out and each link written as the linked row's rank.

    Two copies of a project are equal when they hold the same rows linked the same way, whatever their ids.
    """
    with database.session_scope(url) as session:
        rows = {table.name: list(session.execute(query)) for table, query in _archived_tables(url, project_id)}
    rank = {name: {row.id: position for position, row in enumerate(found)} for name, found in rows.items()}
    content = {}
    for table, _query in _archived_tables(url, project_id):
        links = {fk.parent.name: fk.column.table.name for fk in table.foreign_keys}
        content[table.name] = [
            tuple(
                (
                    name,
                    rank[links[name]].get(value, ("outside", value)) if name in links and value is not None else value,
                )
                for name, value in row._mapping.items()
                if name != "id"
            )
            for row in rows[table.name]
        ]
    return content


def _empty_instance(url: str) -> str:
    database.prepare(url)
    with database.session_scope(url) as session:
        assert projects.list_projects(session=session) == []
        assert session.scalars(select(Project)).all() == []
    return url


def _restore_onto_empty(source: str, target: str) -> None:
    with database.session_scope(source) as session:
        project = demo.load_demo(session=session)
        data = archive.export_project(session=session, metadata=schema.metadata, project_id=project.id)
    _empty_instance(target)
    with database.session_scope(target) as session:
        new_id = archive.import_project(session=session, metadata=schema.metadata, data=data)
    before, after = _content(source, project.id), _content(target, new_id)
    per_project = {t.name for t in project_tables()}
    assert set(before) == set(after) == per_project
    for table in before:
        assert before[table] == after[table], table
    assert sum(map(len, after.values())) > 3000
    with database.session_scope(target) as session:
        restored = projects.list_projects(session=session)
    assert [p.name for p in restored] == [project.name]  # its own name: nothing to tell it apart from


def test_project_archive_restores_onto_an_empty_sqlite_instance(db_url, tmp_path):
    _restore_onto_empty(db_url, f"sqlite:///{tmp_path / 'new-instance' / 'spirale.db'}")


def test_project_archive_restores_onto_an_empty_postgres_instance(db_url, pg_url):
    _restore_onto_empty(db_url, pg_url)


def test_restored_project_works_on_the_new_instance(db_url, tmp_path):
    """Not only rows: the services of every step read the restored project."""
    from surveys import service as surveys_service

    with database.session_scope(db_url) as session:
        project = demo.load_demo(session=session)
        data = archive.export_project(session=session, metadata=schema.metadata, project_id=project.id)
        waves = [w.name for w in surveys_service.list_waves(session=session, project_id=project.id)]
        counts = [
            surveys_service.respondent_count(session=session, project_id=project.id, wave_id=w.id)
            for w in surveys_service.list_waves(session=session, project_id=project.id)
        ]
    target = _empty_instance(f"sqlite:///{tmp_path / 'new' / 'spirale.db'}")
    with database.session_scope(target) as session:
        new_id = archive.import_project(session=session, metadata=schema.metadata, data=data)
    with database.session_scope(target) as session:
        new_waves = surveys_service.list_waves(session=session, project_id=new_id)
        assert [w.name for w in new_waves] == waves
        assert [
            surveys_service.respondent_count(session=session, project_id=new_id, wave_id=w.id) for w in new_waves
        ] == counts
        frame = surveys_service.answers_frame(session=session, project_id=new_id, wave_id=new_waves[0].id)
        assert not frame.empty
