"""Settings read from the environment, with embedded defaults for a laptop."""

import os
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "data"
VAR_DIR = ROOT / "var"

DATABASE_URL_VARIABLE = "SPIRALE_DATABASE_URL"
LANGUAGE_VARIABLE = "SPIRALE_LANGUAGE"
PUBLIC_URL_VARIABLE = "SPIRALE_PUBLIC_URL"
LOCAL_URL = "http://localhost:8501"
LANGUAGES = ("fr", "en")


def database_url() -> str:
    """The database URL: SPIRALE_DATABASE_URL, or a SQLite file in the git-ignored var/ folder."""
    url = os.environ.get(DATABASE_URL_VARIABLE, "").strip()
    if url:
        return url
    VAR_DIR.mkdir(exist_ok=True)
    return f"sqlite:///{VAR_DIR / 'spirale.db'}"


def default_language() -> str:
    """French unless SPIRALE_LANGUAGE names another supported language."""
    lang = os.environ.get(LANGUAGE_VARIABLE, "fr").strip().lower()
    return lang if lang in LANGUAGES else "fr"


def participant_link(parameter: str, value: str, request_url: str | None = None) -> str:
    """A link for phones: SPIRALE_PUBLIC_URL, else the site the facilitator's browser uses, else localhost."""
    parts = urlsplit(request_url or "")
    site = f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None
    base = os.environ.get(PUBLIC_URL_VARIABLE, "").strip() or site or LOCAL_URL
    return f"{base.rstrip('/')}/?{urlencode({parameter: value})}"
