"""Security: secret key, passwords, login lockout, sessions, cookies, CSP, audit key."""

from django.core.exceptions import ImproperlyConfigured

from anjian.settings.base import DEBUG, PRODUCTION
from anjian.settings.env import env_bool, env_int, env_str

_DEV_SECRET = "anjian-development-secret-key-not-for-production-0123456789"
SECRET_KEY = env_str("ANJIAN_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "ANJIAN_SECRET_KEY must be set to a random value of at least 50 characters in production."
    )

# Key of the audit chain's HMAC-SM3; defaults to a key derived from SECRET_KEY.
ANJIAN_AUDIT_KEY = env_str("ANJIAN_AUDIT_KEY", "")
ANJIAN_CRYPTO_PROVIDER = env_str("ANJIAN_CRYPTO_PROVIDER", "anjian.core.crypto.CryptographySMProvider")
# Keys of the SM4 encryption of personal fields (ID-card numbers, phones) and of their HMAC-SM3 search index.
# Derived from SECRET_KEY when not set; set them in production, since changing SECRET_KEY would otherwise make the
# stored personal fields unreadable.
ANJIAN_FIELD_KEY = env_str("ANJIAN_FIELD_KEY", "")
ANJIAN_INDEX_KEY = env_str("ANJIAN_INDEX_KEY", "")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "anjian.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
AUTHENTICATION_BACKENDS = ["anjian.accounts.backends.LockoutModelBackend"]

# 5 failed logins (per account and per address) lock for 30 minutes.
ANJIAN_LOGIN_MAX_FAILURES = env_int("ANJIAN_LOGIN_MAX_FAILURES", 5)
ANJIAN_LOGIN_LOCK_MINUTES = env_int("ANJIAN_LOGIN_LOCK_MINUTES", 30)

# 30-minute idle timeout: activity renews the session (at most one write a minute, by
# anjian.core.middleware.IdleTimeoutMiddleware); 30 minutes without a request ends it.
SESSION_COOKIE_AGE = env_int("ANJIAN_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

_secure = env_bool("ANJIAN_HTTPS", PRODUCTION)
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SECURE_SSL_REDIRECT = env_bool("ANJIAN_SSL_REDIRECT", _secure)
SECURE_HSTS_SECONDS = env_int("ANJIAN_HSTS_SECONDS", 31536000 if _secure else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _secure
SECURE_HSTS_PRELOAD = _secure
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("ANJIAN_BEHIND_PROXY", False) else None
CSRF_TRUSTED_ORIGINS = [o for o in env_str("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Content-Security-Policy sent on every response: nothing from outside, no inline script.
ANJIAN_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
ANJIAN_IMPORT_MAX_ROWS = env_int("ANJIAN_IMPORT_MAX_ROWS", 5000)

if DEBUG and PRODUCTION:  # pragma: no cover - guarded in base too
    raise ImproperlyConfigured("DEBUG in production.")
ANJIAN_EXPORT_MAX_ROWS = env_int("ANJIAN_EXPORT_MAX_ROWS", 50000)
