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
        context.configure(
            connection=connection,
            target_metadata=schema.metadata,
            render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copy
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
