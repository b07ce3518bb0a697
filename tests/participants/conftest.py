"""The phone routes through the real server (`streamlit run app.py`), with plain HTTP clients."""

from tests.browser.conftest import app_db, app_url  # noqa: F401 - the same real server the browser tests use
