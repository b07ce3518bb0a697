"""What a row must be to be stored, one function per table, shared by the services, the file imports and the
project archives: an archive cannot carry what a screen refuses (a level of 42 in an archive moved a mean).

Each step registers its tables' rules beside its models (`@rule("answer")`), so the kernel never imports the
steps. A rule raises a SpiraleError naming the problem, with a `column` parameter saying which field. The
schema holds the same rules as CHECK constraints (migration 0018), the last guard for a write that skips them.
"""

from collections.abc import Callable, Mapping
from typing import Any

RowRule = Callable[[Mapping[str, Any]], None]
_RULES: dict[str, RowRule] = {}


def rule(table: str) -> Callable[[RowRule], RowRule]:
    """Register the function that checks one row of `table` (its values by column name)."""

    def register(function: RowRule) -> RowRule:
        _RULES[table] = function
        return function

    return register


def check_row(table: str, values: Mapping[str, Any]) -> None:
    """Raise the table's refusal for this row, if it has a rule and the row breaks it."""
    if (function := _RULES.get(table)) is not None:
        function(values)


def ruled_tables() -> set[str]:
    return set(_RULES)
