"""Streamlit's control flow never leaves a transaction: st.rerun(), st.stop() and st.switch_page() raise
BaseException subclasses that skip session_scope's commit, so a write before them inside a session block is
rolled back while the screen says it was saved (the paper grid lost every questionnaire that way).

This test reads the source of every page, ui/ module and the router, and refuses any such call lexically inside
a `with ...session...()` block. Calls in a nested function are that function's business (it runs later).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("*.py")])
LEAVING = {"rerun", "stop", "switch_page"}


def _opens_session(item: ast.withitem) -> bool:
    call = item.context_expr
    if not isinstance(call, ast.Call):
        return False
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    return name in {"session", "session_scope", "read_session"}


def _leaving_calls(node: ast.AST) -> list[ast.Call]:
    found = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if (
            isinstance(child, ast.Call)
            and isinstance(child.func, ast.Attribute)
            and child.func.attr in LEAVING
            and isinstance(child.func.value, ast.Name)
            and child.func.value.id == "st"
        ):
            found.append(child)
        found += _leaving_calls(child)
    return found


def leaks(source: str) -> list[int]:
    """Line numbers of st.rerun/stop/switch_page calls inside a session block."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.With) and any(_opens_session(item) for item in node.items):
            lines += [call.lineno for stmt in node.body for call in _leaving_calls(ast.Module([stmt], []))]
    return sorted(set(lines))


def test_the_rule_finds_a_rerun_inside_a_session_block():
    inside = "with shell.session() as s:\n    save(s)\n    if ok:\n        st.rerun()\n"
    after = "with shell.session() as s:\n    save(s)\nst.rerun()\n"
    deferred = "with shell.session() as s:\n    def later():\n        st.rerun()\n"
    assert leaks(inside) == [4]
    assert leaks(after) == []
    assert leaks(deferred) == []


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_rerun_stop_or_switch_page_inside_a_session_block(path: Path):
    assert SOURCES, "no source found"
    assert leaks(path.read_text(encoding="utf-8")) == [], f"{path.name}: leave the session block before rerunning"


# One helper for every write a page makes: shell.attempt opens the session, calls the service, shows the refusal
# in the user's language (or hands it to `on_refusal`) and reruns only after the commit. A page or ui/ module
# that catches SpiraleError itself is the hand-written try/session/except block the paper grid's loss sat in.
HELPER = ROOT / "ui" / "shell.py"
SCREENS = sorted(p for p in [*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py")] if p != HELPER)
NOT_YET: dict[str, int] = {}  # a page allowed hand-written blocks while it is reworked (none now): only down


def _names_spiraleerror(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return any(getattr(n, "id", getattr(n, "attr", "")) == "SpiraleError" for n in names if n is not None)


def refusals_caught(source: str) -> list[int]:
    """Line numbers of `except SpiraleError` (alone or in a tuple) in the source."""
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ExceptHandler) and _names_spiraleerror(node)
    )


def test_the_rule_finds_a_refusal_caught_by_hand():
    by_hand = "try:\n    with shell.session() as s:\n        save(s)\nexcept SpiraleError as e:\n    show(e)\n"
    in_a_tuple = "try:\n    save()\nexcept (ValueError, errors.SpiraleError):\n    pass\n"
    helper = "ok, saved = shell.attempt(service.save, project_id=1, rerun=True)\n"
    assert refusals_caught(by_hand) == [4]
    assert refusals_caught(in_a_tuple) == [3]
    assert refusals_caught(helper) == []


@pytest.mark.parametrize("path", SCREENS, ids=lambda p: str(p.relative_to(ROOT)))
def test_pages_leave_refusals_to_shell_attempt(path: Path):
    name = str(path.relative_to(ROOT))
    found = refusals_caught(path.read_text(encoding="utf-8"))
    assert len(found) <= NOT_YET.get(name, 0), f"{name}, lines {found}: write through shell.attempt"
