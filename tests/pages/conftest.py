"""AppTest helpers: the app from its file, its own database per test (via tests/conftest.py's db_url).

Everyone but participants logs in: every AppTest a test builds with `AppTest.from_file` starts logged in
as an administrator of the test's database (the autouse fixture below puts a real login's token in its
session state). `stranger()` builds one with no login; `app_as(role, project_id)` one logged in with a role.
A test that asks for `empty_instance` gets a database with no account at all.
"""

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.access import TOKEN_KEY
from workshop import access, database, i18n

APP = Path(__file__).resolve().parents[2] / "router.py"
PREFIXES = "|".join(sorted({key.split(".")[0] for key in i18n.catalog()}))
KEY_PATTERN = re.compile(rf"\b(?:{PREFIXES})\.[a-z0-9_.-]+")


ADMIN_NAME = "admin"
PASSWORD = "un mot de passe de test"
_from_file = AppTest.from_file.__func__  # the unpatched classmethod


def login(db_url: str, username: str, *, is_admin: bool = False, role: str | None = None, project_id: int = 0) -> str:
    """A real login's token for this account (created if needed, with `role` on the project if given)."""
    with database.session_scope(db_url) as session:
        known = {a.username: a for a in access.list_accounts(session=session)}
        account = known.get(username) or access.create_account(
            session=session, username=username, password=PASSWORD, is_admin=is_admin
        )
        if role:
            access.set_role(session=session, project_id=project_id, account_id=account.id, role=role)
        return access.authenticate(session=session, username=username, password=PASSWORD)[1]


def stranger() -> AppTest:
    """The app as a browser with no login sees it."""
    return _from_file(AppTest, str(APP), default_timeout=60)


@pytest.fixture
def empty_instance(db_url) -> str:
    """A migrated database with no account at all (the first administrator is still to be created)."""
    return db_url


@pytest.fixture(autouse=True)
def _administrator_by_default(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if "db_url" not in request.fixturenames or "empty_instance" in request.fixturenames:
        return
    token = login(request.getfixturevalue("db_url"), ADMIN_NAME, is_admin=True)

    def from_file(cls, *args, **kwargs) -> AppTest:
        test = _from_file(cls, *args, **kwargs)
        test.session_state[TOKEN_KEY] = token
        return test

    monkeypatch.setattr(AppTest, "from_file", classmethod(from_file))


@pytest.fixture
def app(db_url) -> AppTest:
    """The app logged in as an administrator."""
    test = AppTest.from_file(str(APP), default_timeout=60)
    test.run()
    assert not test.exception
    return test


@pytest.fixture
def app_as(db_url) -> Callable[..., AppTest]:
    """`app_as(role, project_id)`: the app logged in as someone with that role on that project (run once)."""

    def logged_in(role: str, project_id: int, username: str | None = None) -> AppTest:
        test = stranger()
        test.session_state[TOKEN_KEY] = login(db_url, username or role, role=role, project_id=project_id)
        test.run()
        assert not test.exception
        return test

    return logged_in


def load_demo(app: AppTest) -> AppTest:
    label = i18n.translate("home.demo.load", "fr")
    next(b for b in app.button if b.label == label).click().run()
    assert not app.exception
    return app.run()  # the click ended in st.rerun(): settle the widget tree before the next interaction


def visible_texts(app: AppTest) -> list[str]:
    """Every string a person can read on the page: bodies, labels, options, values, captions."""
    texts: list[str] = []

    def walk(node) -> None:
        for attribute in ("label", "body", "value", "placeholder", "help", "options", "caption"):
            value = getattr(node, attribute, None) if attribute != "value" or hasattr(node, "proto") else None
            if isinstance(value, str):
                texts.append(value)
            elif isinstance(value, (list, tuple)):
                texts.extend(v for v in value if isinstance(v, str))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(app._tree)
    return texts


def raw_keys(app: AppTest) -> list[str]:
    return [text for text in visible_texts(app) if KEY_PATTERN.search(text)]


def by_label(widgets, label: str):
    return next(w for w in widgets if w.label == label)
