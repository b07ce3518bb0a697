"""AppTest helpers: the app from its file, its own database per test (via tests/conftest.py's db_url)."""

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from workshop import i18n

APP = Path(__file__).resolve().parents[2] / "app.py"
PREFIXES = "|".join(sorted({key.split(".")[0] for key in i18n.catalog()}))
KEY_PATTERN = re.compile(rf"\b(?:{PREFIXES})\.[a-z0-9_.-]+")


@pytest.fixture
def app(db_url) -> AppTest:
    test = AppTest.from_file(str(APP), default_timeout=60)
    test.run()
    assert not test.exception
    return test


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
