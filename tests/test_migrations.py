"""Migrating an empty database gives exactly the models' schema, on SQLite and on PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

import schema
from workshop import database


def _differences(url: str) -> list:
    database.migrate(url)
    with database.get_engine(url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, schema.metadata)


def test_sqlite_migration_matches_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    assert _differences(url) == []
    tables = set(inspect(database.get_engine(url)).get_table_names())
    assert set(schema.metadata.tables) | {"alembic_version"} == tables


def test_postgres_migration_matches_models(pg_url):
    assert _differences(pg_url) == []
    tables = set(inspect(database.get_engine(pg_url)).get_table_names())
    assert set(schema.metadata.tables) | {"alembic_version"} == tables


def test_migrating_twice_changes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'twice.db'}"
    database.migrate(url)
    assert _differences(url) == []


def test_sqlite_connection_settings(db_url):
    with database.get_engine(db_url).connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == database.SQLITE_BUSY_MS
