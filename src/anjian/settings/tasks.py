"""Mail, uploads, background tasks and the hazard deadline policy (all from the environment)."""

from django.core.exceptions import ImproperlyConfigured

from anjian.rules.hazard_schedule import ReminderPolicy
from anjian.rules.inspection_policy import MISSED_LOOKBACK_DAYS
from anjian.settings.base import BASE_DIR
from anjian.settings.env import env_bool, env_int, env_str

# E-mail: SMTP from the environment. Without ANJIAN_EMAIL_HOST notifications stay in the inbox only.
EMAIL_HOST = env_str("ANJIAN_EMAIL_HOST", "")
EMAIL_PORT = env_int("ANJIAN_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("ANJIAN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("ANJIAN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ANJIAN_EMAIL_TLS", False)
EMAIL_TIMEOUT = env_int("ANJIAN_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("ANJIAN_EMAIL_FROM", "anjian@localhost")
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

# Uploaded photos: kept outside the static tree and served only through a scoped view.
MEDIA_ROOT = env_str("ANJIAN_MEDIA_ROOT", str(BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"
ANJIAN_PHOTO_MAX_BYTES = env_int("ANJIAN_PHOTO_MAX_BYTES", 10 * 1024 * 1024)
ANJIAN_PHOTO_MAX_SIDE = env_int("ANJIAN_PHOTO_MAX_SIDE", 2560)
ANJIAN_PHOTOS_PER_UPLOAD = env_int("ANJIAN_PHOTOS_PER_UPLOAD", 9)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("ANJIAN_UPLOAD_MAX_BYTES", 12 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

# Celery: a broker turns on workers and the beat; without one the same code runs inline.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Shanghai"
ANJIAN_SCAN_INTERVAL_SECONDS = env_int("ANJIAN_SCAN_INTERVAL_SECONDS", 900)

# Hazard deadline reminders (our policy, not law: see anjian.rules.hazard_schedule).
ANJIAN_REMINDER_BEFORE_DAYS = env_str("ANJIAN_REMINDER_BEFORE_DAYS", "3,0")
ANJIAN_REMINDER_ESCALATE_DAYS = env_str("ANJIAN_REMINDER_ESCALATE_DAYS", "7")
try:  # fail at start-up, not at the first scan
    ReminderPolicy.from_strings(ANJIAN_REMINDER_BEFORE_DAYS, ANJIAN_REMINDER_ESCALATE_DAYS)
except ValueError as exc:
    raise ImproperlyConfigured(f"ANJIAN_REMINDER_BEFORE_DAYS / ANJIAN_REMINDER_ESCALATE_DAYS: {exc}") from None
ANJIAN_CHECKIN_INTERVAL_DAYS = env_int("ANJIAN_CHECKIN_INTERVAL_DAYS", 7)
ANJIAN_WEBHOOK_TIMEOUT = env_int("ANJIAN_WEBHOOK_TIMEOUT", 5)
# Where links in e-mails point (the address users open the platform at).
ANJIAN_BASE_URL = env_str("ANJIAN_BASE_URL", "http://127.0.0.1:8000")

# 谁遗漏谁负责: how far back a new hazard looks for an earlier inspection (our default, anjian.rules.inspection_policy).
ANJIAN_MISSED_LOOKBACK_DAYS = env_int("ANJIAN_MISSED_LOOKBACK_DAYS", MISSED_LOOKBACK_DAYS.value)
if ANJIAN_MISSED_LOOKBACK_DAYS < 1:
    raise ImproperlyConfigured("ANJIAN_MISSED_LOOKBACK_DAYS must be at least 1.")

# 陈述、申辩 period in working days; empty = the rule's default (anjian.rules.procedure "statement_period", UNVERIFIED).
_statement = env_str("ANJIAN_STATEMENT_PERIOD_DAYS", "")
if _statement and (not _statement.isdigit() or not 1 <= int(_statement) <= 30):
    raise ImproperlyConfigured("ANJIAN_STATEMENT_PERIOD_DAYS must be a number of working days from 1 to 30.")
ANJIAN_STATEMENT_PERIOD_DAYS = int(_statement) if _statement else None

# Whether missing persons (下落不明) count as deaths when an accident is graded (anjian.rules.accidents
# MISSING_AS_DEATHS_RULE: the statistics convention, UNVERIFIED). Each accident records the setting it was graded with.
ANJIAN_MISSING_AS_DEATHS = env_bool("ANJIAN_MISSING_AS_DEATHS", True)
# How far up a 较大涉险事故 is reported (anjian.rules.accidents NEAR_MISS_REPORT_RULE, UNVERIFIED): city, province
# (the default, as a 较大 accident) or state_council.
ANJIAN_NEAR_MISS_REPORT_TO = env_str("ANJIAN_NEAR_MISS_REPORT_TO", "province")
if ANJIAN_NEAR_MISS_REPORT_TO not in ("city", "province", "state_council"):
    raise ImproperlyConfigured("ANJIAN_NEAR_MISS_REPORT_TO must be city, province or state_council.")
