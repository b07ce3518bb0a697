"""A throwaway PostgreSQL server for the benches: the tests' cluster, with fsync on as on a real server."""

from collections.abc import Iterator
from contextlib import contextmanager

from tests.conftest import new_database, throwaway_postgres


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """A cluster started on a free port and stopped at the end; yields the URL of an empty database on it."""
    try:
        # max_connections above the app's pool (10 + 20 overflow)
        with throwaway_postgres("max_connections=100") as server:
            yield new_database(server, "spirale_bench")
    except LookupError as missing:
        raise SystemExit(str(missing)) from None
