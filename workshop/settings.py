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


def public_site(request_url: str | None = None) -> str:
    """Where phones reach the server: SPIRALE_PUBLIC_URL, else the site the facilitator's browser uses."""
    parts = urlsplit(request_url or "")
    site = f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else None
    return (os.environ.get(PUBLIC_URL_VARIABLE, "").strip() or site or LOCAL_URL).rstrip("/")


def participant_link(parameter: str, value: str, request_url: str | None = None) -> str:
    """A link for phones with a query parameter (`/?survey=…`)."""
    return f"{public_site(request_url)}/?{urlencode({parameter: value})}"


def phone_link(path: str, request_url: str | None = None) -> str:
    """A link to a participants' route (`/p/ACK3R9`)."""
    return f"{public_site(request_url)}/{path.lstrip('/')}"


def unreachable_by_phones(link: str) -> bool:
    """A link on this machine only (localhost, 127.x, ::1): phones in the room cannot open it."""
    host = (urlsplit(link).hostname or "").lower()
    return host in {"localhost", "::1", "0.0.0.0"} or host.startswith("127.")


PHONE_RATE_VARIABLE = "SPIRALE_PHONE_RATE"
PHONE_RATE_DEFAULT = 300


def phone_requests_per_second() -> int:
    """Requests a second one address may make to the phone routes (a venue's phones may share one address)."""
    return _whole_number(PHONE_RATE_VARIABLE, PHONE_RATE_DEFAULT, 10, 100_000)


PHONE_THREADS_VARIABLE = "SPIRALE_PHONE_THREADS"
PHONE_THREADS_DEFAULT = 8


def phone_threads() -> int:
    """Threads that run the phone routes' database work in one process (participants/web.py: why so few)."""
    return _whole_number(PHONE_THREADS_VARIABLE, PHONE_THREADS_DEFAULT, 1, 64)


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


# --- database connections (workshop/database.py) ------------------------------------------------

DB_POOL_VARIABLE = "SPIRALE_DB_POOL"
# Every thread that may hold a session at once: Streamlit's script threads (one per session while its script
# or fragment runs, a dozen at once in a busy workshop) plus the anyio threadpool that runs the participants'
# routes (Streamlit 1.67 sets its limiter to 28 tokens: starlette_server_config.ANYIO_STATIC_FILE_THREAD_TOKENS).
DB_POOL_DEFAULT = 40


def db_pool() -> int:
    """Database connections per server process (SPIRALE_DB_POOL, 40 by default, 2 to 1,000)."""
    return _whole_number(DB_POOL_VARIABLE, DB_POOL_DEFAULT, 2, 1000)


GC_EVERY_VARIABLE = "SPIRALE_GC_EVERY_SECONDS"
GC_EVERY_DEFAULT = 60


def gc_every_seconds() -> int:
    """Seconds between the server's full garbage collections (SPIRALE_GC_EVERY_SECONDS, 60; 0 turns them off)."""
    return _whole_number(GC_EVERY_VARIABLE, GC_EVERY_DEFAULT, 0, 24 * 3600)


IMPORT_ROWS_VARIABLE = "SPIRALE_IMPORT_MAX_ROWS"
IMPORT_ROWS_DEFAULT = 50_000


def import_max_rows() -> int:
    """Respondents one survey file may bring (SPIRALE_IMPORT_MAX_ROWS, 50,000 by default): a bigger file is
    refused at once with its count, before it is parsed whole, rather than held in memory and written for minutes."""
    return _whole_number(IMPORT_ROWS_VARIABLE, IMPORT_ROWS_DEFAULT, 1, 5_000_000)


MIN_GROUP_VARIABLE = "SPIRALE_MIN_GROUP"
MIN_GAP_VARIABLE = "SPIRALE_MIN_GAP"


def min_group_count() -> int:
    """Answers a group's figure needs before it is read as a result (SPIRALE_MIN_GROUP, 5 by default): below,
    the dashboard greys and flags it and says why (two people's mean is an anecdote, not a diagnosis)."""
    return _whole_number(MIN_GROUP_VARIABLE, 5, 1, 10_000)


def min_gap_count() -> int:
    """Answers each of two groups needs before their gap can be starred as one of the largest (SPIRALE_MIN_GAP,
    30 by default: below, a gap between a few people is mostly chance)."""
    return _whole_number(MIN_GAP_VARIABLE, 30, 1, 100_000)
