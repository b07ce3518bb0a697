"""A database that cannot be reached gives a clear message at start, not a stack trace."""

from streamlit.testing.v1 import AppTest

from tests.pages.conftest import APP
from workshop import i18n


def test_unreachable_database_shows_a_message(monkeypatch):
    monkeypatch.setenv("SPIRALE_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/spirale")
    app = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not app.exception
    assert app.error[0].value.startswith(i18n.translate("error.database_unreachable", "fr", detail="").rstrip())
    assert "SPIRALE_DATABASE_URL" in app.info[0].value


def test_malformed_database_url_shows_a_message(monkeypatch):
    monkeypatch.setenv("SPIRALE_DATABASE_URL", "nonsense://")
    app = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not app.exception
    assert app.error[0].value.startswith(i18n.translate("error.database_url", "fr", detail="").rstrip())
