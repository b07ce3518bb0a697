"""`python -m demo`: load the demo project into the configured database (SPIRALE_DATABASE_URL)."""

import demo
from workshop import database
from workshop.errors import SpiraleError
from workshop.i18n import translate


def main() -> int:
    try:
        database.prepare()
        with database.session_scope() as session:
            project = demo.load_demo(session=session)
    except SpiraleError as error:
        print(translate(error.key, "fr", **error.params), "/", translate(error.key, "en", **error.params))
        return 1
    print(f"Projet de démonstration chargé / demo project loaded: {project.name} (id {project.id})")
    return 0


raise SystemExit(main())
