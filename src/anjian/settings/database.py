"""Database: SQLite by default (embedded, `make run`), PostgreSQL through DATABASE_URL."""

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from anjian.settings.base import BASE_DIR
from anjian.settings.env import env_str

_default_url = "sqlite:///" + str(BASE_DIR / "var" / "anjian.sqlite3")
_url = env_str("DATABASE_URL", _default_url)
try:
    _db = dj_database_url.parse(_url, conn_max_age=60)
except Exception as exc:  # dj_database_url raises plain errors for unknown schemes
    raise ImproperlyConfigured(f"DATABASE_URL is not usable: {exc}") from None
if _db["ENGINE"] not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
    raise ImproperlyConfigured("DATABASE_URL must point to SQLite or PostgreSQL.")
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
_db["ATOMIC_REQUESTS"] = False
_db["TEST"] = {"NAME": None}
DATABASES = {"default": _db}
