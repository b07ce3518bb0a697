"""The properties are reproducible: failing examples kept locally, the same examples in CI, the seed printed."""

import os
import subprocess
import sys
from pathlib import Path

from hypothesis import settings

from tests.robustness import conftest

ROOT = Path(__file__).resolve().parents[2]


def test_local_runs_keep_failing_examples_and_ci_runs_are_derandomised() -> None:
    current = settings.default
    if conftest.CI:
        assert current.derandomize and current.database is None
    else:
        assert not current.derandomize
        assert current.database.path == conftest.EXAMPLE_DATABASE
    assert ".hypothesis/" in (ROOT / ".gitignore").read_text().splitlines()


def _failing_run(tmp_path: Path, env: dict[str, str]) -> str:
    """A property that always fails, run by a pytest of its own with this folder's conftest as a plugin."""
    test = tmp_path / "test_always_fails.py"
    test.write_text(
        "from hypothesis import given, strategies as st\n"
        "from tests.robustness.conftest import examples\n\n\n"
        "@examples(5)\n@given(x=st.integers())\ndef test_fails(x):\n    assert x < 0 and x > 0\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.robustness.conftest",
         "--rootdir", str(tmp_path), str(test)],
        cwd=ROOT, capture_output=True, text=True, env={**env, "PYTHONPATH": str(ROOT)}, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 1, run.stdout + run.stderr
    return run.stdout


def test_a_failure_says_how_to_draw_the_same_examples_again(tmp_path: Path) -> None:
    local = {k: v for k, v in os.environ.items() if k != "CI"}
    assert "--hypothesis-seed=" in _failing_run(tmp_path, local)
    assert "derandomised (CI=true)" in _failing_run(tmp_path, {**local, "CI": "true"})
