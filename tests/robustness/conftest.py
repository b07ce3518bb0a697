"""Helpers for the robustness tests: a snapshot of every table, and the check that a refusal is a clear message.

A service call is run the way a page runs it, with one difference: after a refusal the session is committed,
not rolled back, so a service that wrote part of its work before refusing is caught (all or nothing
must hold inside the service, not only thanks to the page's rollback).
"""

import os
import string
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import select
from sqlmodel import Session

import schema
from workshop import database, i18n, projects
from workshop.errors import SpiraleError

# One database per test (function-scoped fixtures), reused by every example of that test.
ROBUST = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


def examples(count: int) -> settings:
    """`count` examples per test in CI; SPIRALE_ROBUST_SCALE=10 hunts ten times longer (a nightly run)."""
    return settings(ROBUST, max_examples=count * int(os.environ.get("SPIRALE_ROBUST_SCALE", "1")))


def snapshot(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in primary key order."""
    rows = {}
    with database.get_engine(url).connect() as connection:
        for table in schema.metadata.sorted_tables:
            rows[table.name] = [tuple(r) for r in connection.execute(select(table).order_by(*table.primary_key))]
    return rows


def assert_clear(error: SpiraleError) -> None:
    """The refusal has a catalog key in French and English, and every placeholder of the text has its value."""
    entry = i18n.catalog().get(error.key)
    assert entry is not None, f"{error.key} is not in data/translations.json"
    for lang in ("fr", "en"):
        template = entry.get(lang)
        assert template, f"{error.key} has no {lang} text"
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
        assert fields <= set(error.params), f"{error.key} ({lang}) lacks {fields - set(error.params)}"
        rendered = template.format(**error.params) if error.params else template
        assert rendered == i18n.translate(error.key, lang, **error.params)


def call(url: str, service: Callable[..., Any], /, **params: Any) -> tuple[bool, Any]:
    """(True, result) committed, or (False, SpiraleError) with the database as it was before the call.

    Any other exception propagates: for hostile input it is a defect of the service.
    """
    before = snapshot(url)
    with Session(database.get_engine(url), expire_on_commit=False) as session:
        try:
            result = service(session=session, **params)
        except SpiraleError as error:
            session.commit()  # keep whatever the service flushed before refusing: there must be nothing
            assert_clear(error)
            assert snapshot(url) == before, f"{error!r} left the database changed"
            return False, error
        session.commit()
    return True, result


def read(url: str, service: Callable[..., Any], /, **params: Any) -> Any:
    with database.session_scope(url) as session:
        return service(session=session, **params)


@pytest.fixture
def project_id(db_url: str) -> int:
    with database.session_scope(db_url) as session:
        return projects.create_project(session=session, name="Quartier robuste", place="Testville").id
