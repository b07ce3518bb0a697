"""Every refusal written in the code names the values its message needs: no "{limit}" left on a screen."""

import ast
import string
from pathlib import Path

from workshop import i18n

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("workshop", "groups", "indicators", "surveys", "actions", "privacy", "ui", "pages", "demo")


def _refusals() -> list[tuple[str, int, str, set[str] | None]]:
    """(file, line, key, keyword names) of every SpiraleError("literal", ...); None when **params are passed on."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", getattr(node.func, "attr", "")) == "SpiraleError"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    names = {k.arg for k in node.keywords}
                    found.append((str(path.relative_to(ROOT)), node.lineno, node.args[0].value,
                                  None if None in names else names))  # fmt: skip
    return found


def test_every_refusal_gives_its_message_every_value() -> None:
    refusals = _refusals()
    assert len(refusals) > 100  # the walk found the code
    missing = []
    for path, line, key, names in refusals:
        for lang in ("fr", "en"):
            template = i18n.catalog().get(key, {}).get(lang, "")
            fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
            if names is not None and fields - names:
                missing.append(f"{path}:{line} {key} ({lang}) lacks {sorted(fields - names)}")
    assert missing == []
