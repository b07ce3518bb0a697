"""Every expected refusal in the tests names which one: `pytest.raises(SpiraleError) as x` then `x.value.key`.

A bare `pytest.raises(SpiraleError)` passes on any refusal, so a service refusing for the wrong reason (or
refusing everything) would pass too. Read from the tests' own source (AST), like tests/test_control_flow.py.
"""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _raises_spiraleerror(item: ast.withitem) -> bool:
    call = item.context_expr
    return (
        isinstance(call, ast.Call)
        and getattr(call.func, "attr", getattr(call.func, "id", "")) == "raises"
        and any(getattr(arg, "id", getattr(arg, "attr", "")) == "SpiraleError" for arg in call.args)
    )


def _key_reads(function: ast.AST) -> list[tuple[int, str]]:
    """(line, name) of every `name.value.key` in the function (compared, or looked up in a table of keys)."""
    return [
        (node.lineno, node.value.value.id)
        for node in ast.walk(function)
        if isinstance(node, ast.Attribute)
        and node.attr == "key"
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "value"
        and isinstance(node.value.value, ast.Name)
    ]


def expected_refusals() -> tuple[list[str], list[str]]:
    """(checked, unchecked): 'file:line' of every `pytest.raises(SpiraleError)` in the tests.

    Checked: bound to a name whose `.value.key` is read after it and before the name is bound again.
    """
    checked, unchecked = [], []
    for path in sorted(TESTS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)):
            bindings = sorted(
                (node.lineno, getattr(item.optional_vars, "id", None))
                for node in ast.walk(function)
                if isinstance(node, ast.With)
                for item in node.items
                if _raises_spiraleerror(item)
            )
            reads = _key_reads(function)
            for line, name in bindings:
                rebound = min((later for later, other in bindings if other == name and later > line), default=10**9)
                ok = name is not None and any(name == read and line < at < rebound for at, read in reads)
                (checked if ok else unchecked).append(f"{path.relative_to(TESTS.parent)}:{line}")
    return checked, unchecked


def test_every_expected_refusal_names_its_key() -> None:
    checked, unchecked = expected_refusals()
    assert len(checked) > 50  # the walk found the tests
    assert unchecked == []
