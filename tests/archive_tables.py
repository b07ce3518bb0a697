"""What a project archive must carry, told from the metadata, not from workshop/archive.py's own table list:
the project's row, and every row of every table with a project_id, except the instance's own tables."""

from sqlalchemy import Select, Table, select

import schema

# This installation's, not a project's: logins, accounts, and roles pointing at those accounts.
INSTANCE = {"account", "login_session", "project_role"}
MIGRATIONS = {"alembic_version"}


def project_tables() -> list[Table]:
    """Every table holding a project's data, in dependency order; a table that is neither a project's nor
    the instance's is a decision nobody took, and fails here."""
    tables = [t for t in schema.metadata.sorted_tables if t.name not in INSTANCE | MIGRATIONS]
    undecided = [t.name for t in tables if t.name != "project" and "project_id" not in t.c]
    assert undecided == [], f"tables neither a project's nor the instance's: {undecided}"
    return tables


def project_rows(table: Table, project_id: int) -> Select:
    if table.name == "project":
        return select(table).where(table.c.id == project_id)
    return select(table).where(table.c.project_id == project_id).order_by(table.c.id)
