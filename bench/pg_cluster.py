"""A throwaway PostgreSQL server for the benches (the approach of tests/conftest.py's postgres_server)."""

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import _as_postgres, _pg_binaries, free_port


@contextmanager
def postgres_cluster() -> Iterator[str]:
    """initdb in a temporary folder (as the `postgres` user when run as root), started on a free port and
    stopped at the end; yields the URL of an empty database on it."""
    binaries = _pg_binaries()
    if binaries is None:
        raise SystemExit("PostgreSQL server binaries (initdb) not found: apt-get install postgresql")
    workdir = Path(tempfile.mkdtemp(prefix="spirale-bench-pg-"))
    os.chmod(workdir, 0o777)
    data, port = workdir / "data", free_port()
    run = lambda cmd: subprocess.run(_as_postgres(cmd), check=True, capture_output=True, timeout=120)  # noqa: E731
    run([str(binaries / "initdb"), "-A", "trust", "-U", "postgres", "-D", str(data)])
    # max_connections above the app's pool (10 + 20 overflow); fsync on, as on a real server.
    options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c max_connections=100"
    run([str(binaries / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(workdir / "log"), "-w", "start"])
    try:
        run([str(binaries / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "spirale_bench"])
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/spirale_bench"
    finally:
        stop = [str(binaries / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]
        subprocess.run(_as_postgres(stop), capture_output=True, timeout=60)
        shutil.rmtree(workdir, ignore_errors=True)
