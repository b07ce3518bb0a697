"""Alembic environment: the URL comes from Spirale's settings (or the caller), never from an ini file."""

import sys
from pathlib import Path

from alembic import context

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import schema
from workshop import settings
from workshop.database import get_engine

config = context.config
url = config.attributes.get("database_url") or settings.database_url()


def run_offline() -> None:
    context.configure(url=url, target_metadata=schema.metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = get_engine(url)
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        driver = connection.connection.driver_connection
        if sqlite:
            # SQLite alters a table by copying it: with foreign keys on, dropping the old copy of a table that
            # others point at (respondent, wave) fails. SQLite's own procedure (lang_altertable.html): keys off
            # outside the transaction, the copy, a foreign_key_check before the commit, keys on again.
            driver.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(
                connection=connection,
                target_metadata=schema.metadata,
                render_as_batch=sqlite,
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()):
                    raise RuntimeError(f"migration left rows pointing at no row: {broken[:5]}")
            if connection.in_transaction():  # begun by alembic's first read, outside begin_transaction
                connection.commit()
        finally:
            if sqlite:
                if connection.in_transaction():
                    connection.rollback()
                driver.execute("PRAGMA foreign_keys=ON")  # a no-op inside a transaction: after it, always


if context.is_offline_mode():
    run_offline()
else:
    run_online()
