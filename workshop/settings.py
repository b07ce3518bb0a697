"""Settings read from the environment, with embedded defaults for a laptop."""

import os
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from workshop.errors import SpiraleError

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


# --- backups (workshop/backup.py) ------------------------------------------------------------------

BACKUP_DIR_VARIABLE = "SPIRALE_BACKUP_DIR"
BACKUP_EVERY_VARIABLE = "SPIRALE_BACKUP_EVERY_MINUTES"
BACKUP_KEEP_VARIABLE = "SPIRALE_BACKUP_KEEP"
BACKUP_EVERY_DEFAULT = 60
BACKUP_KEEP_DEFAULT = 24


def backup_dir() -> Path:
    """Where backups go: SPIRALE_BACKUP_DIR (relative to the app's folder when not absolute), else var/backups."""
    value = os.environ.get(BACKUP_DIR_VARIABLE, "").strip()
    return (ROOT / value if value and not Path(value).is_absolute() else Path(value)) if value else VAR_DIR / "backups"


def _whole_number(variable: str, default: int, minimum: int, maximum: int) -> int:
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or not minimum <= number <= maximum:
        limits = {"minimum": minimum, "maximum": maximum}
        raise SpiraleError("error.setting_number", variable=variable, value=value[:40], **limits)
    return number


def backup_every_minutes() -> int:
    """Minutes between automatic backups (SPIRALE_BACKUP_EVERY_MINUTES, 60 by default; 0 turns them off)."""
    return _whole_number(BACKUP_EVERY_VARIABLE, BACKUP_EVERY_DEFAULT, 0, 7 * 24 * 60)


def backup_keep() -> int:
    """How many backups are kept (SPIRALE_BACKUP_KEEP, 24 by default); older ones are deleted."""
    return _whole_number(BACKUP_KEEP_VARIABLE, BACKUP_KEEP_DEFAULT, 1, 10_000)


SESSION_HOURS_VARIABLE = "SPIRALE_SESSION_HOURS"


def session_hours() -> float:
    """How long a login lasts (SPIRALE_SESSION_HOURS, default 12 h: a workshop day), between 5 minutes and 30 days."""
    try:
        hours = float(os.environ.get(SESSION_HOURS_VARIABLE, "12").strip() or 12)
    except ValueError:
        return 12.0
    return min(max(hours, 1 / 12), 720.0) if hours == hours else 12.0  # NaN -> the default
