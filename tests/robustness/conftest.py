"""Helpers for the robustness tests: a snapshot of every table, and the check that a refusal is a clear message.

A service call is run the way a page runs it, with one difference: after a refusal the session is committed,
not rolled back, so a service that wrote part of its work before refusing is caught (all or nothing
must hold inside the service, not only thanks to the page's rollback).
"""

import contextvars
import os
import string
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase
from sqlalchemy import select
from sqlmodel import Session

import schema
from workshop import database, i18n, projects
from workshop.errors import Message, SpiraleError

# Reproducible properties. Locally, every failing example is kept in .hypothesis/ (git-ignored) and tried
# first on the next run, and the run's random seed is printed with any failure (see the hook below). In CI
# (CI=true) the examples are derandomised: the same ones on every run, so a red CI run is red on any machine.
EXAMPLE_DATABASE = Path(__file__).resolve().parents[2] / ".hypothesis" / "examples"
settings.register_profile("spirale-dev", database=DirectoryBasedExampleDatabase(EXAMPLE_DATABASE), print_blob=True)
settings.register_profile("spirale-ci", derandomize=True, database=None, print_blob=True)
CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
if settings.get_current_profile_name() == "default":  # a --hypothesis-profile given on the command line wins
    settings.load_profile("spirale-ci" if CI else "spirale-dev")

# One database per test (function-scoped fixtures), reused by every example of that test.
ROBUST = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


def examples(count: int) -> settings:
    """`count` examples per test in CI; SPIRALE_ROBUST_SCALE=10 hunts ten times longer (a nightly run)."""
    return settings(ROBUST, max_examples=count * int(os.environ.get("SPIRALE_ROBUST_SCALE", "1")))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """A failing property says how to draw the same examples again.

    Hypothesis prints the seed only when a test fails in an unexpected way; a @seed would switch the example
    database off, so the seed it drew is read back from the test after the run.
    """
    outcome = yield
    report = outcome.get_result()
    test = getattr(item, "obj", None)
    if not (report.failed and getattr(test, "is_hypothesis_test", False)):
        return
    drawn = getattr(test, "_hypothesis_internal_use_generated_seed", None)
    if settings.default.derandomize:
        how = f"derandomised (CI=true): CI=true python -m pytest '{item.nodeid}'"
    elif drawn is not None:
        how = f"seed {drawn}: python -m pytest '{item.nodeid}' --hypothesis-seed={drawn}"
    else:
        how = f"the failing example is in {EXAMPLE_DATABASE} (or given above): python -m pytest '{item.nodeid}'"
    report.sections.append(("Hypothesis", f"Same examples again, {how}"))


def snapshot(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in primary key order."""
    rows = {}
    with database.get_engine(url).connect() as connection:
        for table in schema.metadata.sorted_tables:
            rows[table.name] = [tuple(r) for r in connection.execute(select(table).order_by(*table.primary_key))]
    return rows


def assert_clear(error: SpiraleError | Message) -> None:
    """The refusal has a catalog key in French and English, and every placeholder of the text has its value;
    a message inside it (an archive's row names its problem) is as clear, and said in the same language."""
    entry = i18n.catalog().get(error.key)
    assert entry is not None, f"{error.key} is not in data/translations.json"
    nested = {k: v for k, v in error.params.items() if isinstance(v, (Message, SpiraleError))}
    for inner in nested.values():
        assert_clear(inner)
    for lang in ("fr", "en"):
        template = entry.get(lang)
        assert template, f"{error.key} has no {lang} text"
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
        assert fields <= set(error.params), f"{error.key} ({lang}) lacks {fields - set(error.params)}"
        said = {k: i18n._shown(v, lang) for k, v in error.params.items()}  # numbers as the language writes them
        said |= {k: i18n.translate(v.key, lang, **v.params) for k, v in nested.items()}
        rendered = template.format(**said) if error.params else template
        assert rendered == i18n.translate(error.key, lang, **error.params)


_MUST_ACCEPT = contextvars.ContextVar("must_accept", default=False)


@contextmanager
def all_accepted() -> Iterator[None]:
    """Inside, every `call` must be accepted: a property's own body, given valid input of the same shape, proves
    that the service does not pass the hostile test by refusing everything (and reads back what it stored)."""
    token = _MUST_ACCEPT.set(True)
    try:
        yield
    finally:
        _MUST_ACCEPT.reset(token)


def call(url: str, service: Callable[..., Any], /, **params: Any) -> tuple[bool, Any]:
    """(True, result) committed, or (False, SpiraleError) with the database as it was before the call.

    Any other exception propagates: for hostile input it is a defect of the service. Inside `all_accepted`,
    a refusal fails the test.
    """
    before = snapshot(url)
    with Session(database.get_engine(url), expire_on_commit=False) as session:
        try:
            result = service(session=session, **params)
        except SpiraleError as error:
            session.commit()  # keep whatever the service flushed before refusing: there must be nothing
            assert_clear(error)
            assert snapshot(url) == before, f"{error!r} left the database changed"
            assert not _MUST_ACCEPT.get(), f"{service.__name__} refused valid input {params!r}: {error!r}"
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
