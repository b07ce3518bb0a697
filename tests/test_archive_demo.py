"""The demo project, and project archives that move a whole project to another database."""

import io
import json
import zipfile

import pandas as pd
import pytest
from sqlalchemy import select

import demo
import schema
from tests.archive_tables import INSTANCE, project_rows, project_tables
from workshop import archive, database, projects
from workshop.errors import SpiraleError

REMAPPED = {"id"}


@pytest.fixture
def demo_project(db_url):
    with database.session_scope(db_url) as session:
        return demo.load_demo(session=session)


def test_demo_project_is_a_full_first_cycle(demo_project, session):
    pid = demo_project.id
    counts = {
        table.name: session.execute(select(table).where(table.c.project_id == pid)).all().__len__()
        for table in schema.metadata.sorted_tables
        if "project_id" in table.c
    }
    assert counts["citizen_group"] >= 8 and counts["criterion"] >= 150
    assert counts["indicator"] >= 12 and counts["indicator_level"] == counts["indicator"] * 5
    assert counts["respondent"] >= 200 and counts["pilot_action"] == 5
    assert counts["commitment"] >= 10 and counts["partner"] >= 5
    kinds = pd.Series([r.kind for r in session.execute(select(schema.metadata.tables["citizen_group"]))])
    assert (kinds == "homogeneous").sum() == 6 and (kinds == "mixed").sum() == 2


def test_demo_loads_twice_under_two_names(demo_project, session):
    second = demo.load_demo(session=session)
    assert second.name != demo_project.name
    assert len(projects.list_projects(session=session)) == 2


def _rows(url, project_id):
    """Every row of a project, without its ids, so two databases can be compared."""
    result = {}
    with database.session_scope(url) as session:
        for table in project_tables():  # instance tables (accounts, roles) are not a project's
            query = project_rows(table, project_id)
            rows = [
                {k: v for k, v in row._mapping.items() if k not in REMAPPED and not k.endswith("_id")}
                for row in session.execute(query)
            ]
            result[table.name] = sorted(rows, key=repr)
    return result


def test_archive_round_trip_loses_nothing(db_url, demo_project, tmp_path):
    with database.session_scope(db_url) as session:
        data = archive.export_project(session=session, metadata=schema.metadata, project_id=demo_project.id)
    other = f"sqlite:///{tmp_path / 'other.db'}"
    database.prepare(other)
    with database.session_scope(other) as session:
        projects.create_project(session=session, name="Occupe l'id 1")
        new_id = archive.import_project(session=session, metadata=schema.metadata, data=data)
    assert new_id != demo_project.id
    with zipfile.ZipFile(io.BytesIO(data)) as handle:
        carried = {name.removeprefix("tables/").removesuffix(".json") for name in handle.namelist()}
    assert carried - {"manifest"} == {t.name for t in project_tables()}
    before, after = _rows(db_url, demo_project.id), _rows(other, new_id)
    assert set(before) == set(after) == {t.name for t in project_tables()}
    for table in before:
        assert before[table] == after[table], table
    assert sum(map(len, after.values())) > 3000


def test_archive_leaves_accounts_and_roles_behind(db_url, demo_project, tmp_path):
    from workshop import access

    with database.session_scope(db_url) as session:
        lead = access.create_account(session=session, username="lea", password="un mot de passe long")
        access.set_role(session=session, project_id=demo_project.id, account_id=lead.id, role="lead")
        access.authenticate(session=session, username="lea", password="un mot de passe long")
        data = archive.export_project(session=session, metadata=schema.metadata, project_id=demo_project.id)
    with zipfile.ZipFile(io.BytesIO(data)) as handle:
        names = set(handle.namelist())
    assert not {f"tables/{name}.json" for name in INSTANCE} & names
    other = f"sqlite:///{tmp_path / 'roles.db'}"
    database.prepare(other)
    with database.session_scope(other) as session:
        new_id = archive.import_project(session=session, metadata=schema.metadata, data=data)
        assert access.project_roles(session=session, project_id=new_id) == []
        assert access.list_accounts(session=session) == []


def test_archive_links_follow_new_ids(db_url, demo_project, tmp_path):
    from indicators import service as indicators_service

    with database.session_scope(db_url) as session:
        data = archive.export_project(session=session, metadata=schema.metadata, project_id=demo_project.id)
        frame_before = indicators_service.indicators_frame(session=session, project_id=demo_project.id)
    other = f"sqlite:///{tmp_path / 'links.db'}"
    database.prepare(other)
    with database.session_scope(other) as session:
        projects.create_project(session=session, name="Déjà là")
        new_id = archive.import_project(session=session, metadata=schema.metadata, data=data)
        frame_after = indicators_service.indicators_frame(session=session, project_id=new_id)
    columns = ["name_fr", "notes", "groups", "level1", "level5"]
    assert frame_before[columns].values.tolist() == frame_after[columns].values.tolist()


def test_import_into_postgres(db_url, demo_project, pg_url):
    with database.session_scope(db_url) as session:
        data = archive.export_project(session=session, metadata=schema.metadata, project_id=demo_project.id)
    database.prepare(pg_url)
    with database.session_scope(pg_url) as session:
        new_id = archive.import_project(session=session, metadata=schema.metadata, data=data)
    assert _rows(db_url, demo_project.id) == _rows(pg_url, new_id)


def _zip(files: dict[str, object]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as handle:
        for name, content in files.items():
            handle.writestr(name, content if isinstance(content, (str, bytes)) else json.dumps(content))
    return buffer.getvalue()


def _manifest(**tables):
    return {"format": archive.FORMAT, "version": 1, "tables": dict.fromkeys(tables, 1)}


PROJECT_ROW = {
    "id": 7,
    "name": "P",
    "place": "",
    "language": "fr",
    "cycle": 1,
    "description": "",
    "created_at": "2026-01-01T00:00:00+00:00",
}
BAD_ARCHIVES = {
    "empty": (b"", "error.archive_empty"),
    "not a zip": (b"PK\x03\x04 this is not really a zip", "error.archive_corrupt"),
    "a csv": (b"nom;texte\na;b\n", "error.archive_corrupt"),
    "foreign zip": (_zip({"manifest.json": {"format": "other"}}), "error.archive_foreign"),
    "newer version": (_zip({"manifest.json": {"format": archive.FORMAT, "version": 99}}), "error.archive_version"),
    "missing table file": (_zip({"manifest.json": _manifest(project=1)}), "error.archive_corrupt"),
    "unknown table": (
        _zip(
            {
                "manifest.json": _manifest(project=1, evil=1),
                "tables/project.json": [PROJECT_ROW],
                "tables/evil.json": [],
            }
        ),
        "error.archive_foreign_tables",
    ),
    "unknown column": (
        _zip({"manifest.json": _manifest(project=1), "tables/project.json": [{**PROJECT_ROW, "drop": "x"}]}),
        "error.archive_foreign_columns",
    ),
    "dangling link": (
        _zip(
            {
                "manifest.json": _manifest(project=1, citizen_group=1),
                "tables/project.json": [PROJECT_ROW],
                "tables/citizen_group.json": [
                    {
                        "id": 1,
                        "project_id": 8,
                        "kind": "homogeneous",
                        "profile": "x",
                        "facilitator": "",
                        "created_at": "2026-01-01T00:00:00",
                    }
                ],
            }
        ),
        "error.archive_row",  # tables/citizen_group.json, row 1, project_id: points at no project of the archive
    ),
    "wrong type": (
        _zip({"manifest.json": _manifest(project=1), "tables/project.json": [{**PROJECT_ROW, "cycle": "un"}]}),
        "error.archive_row",
    ),
}


@pytest.mark.parametrize("case", list(BAD_ARCHIVES))
def test_bad_archives_refused_and_nothing_written(db_url, case):
    data, key = BAD_ARCHIVES[case]
    with pytest.raises(SpiraleError) as info, database.session_scope(db_url) as session:
        archive.import_project(session=session, metadata=schema.metadata, data=data)
    assert info.value.key == key
    with database.session_scope(db_url) as session:
        for table in schema.metadata.sorted_tables:
            assert session.execute(select(table)).first() is None, table.name
