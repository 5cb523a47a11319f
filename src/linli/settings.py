"""Settings for Linli, driven by environment variables.

Every variable has a default for the embedded setup (SQLite file, in-process tasks);
a bad value stops start-up with a message that names the variable.

LINLI_DATA_DIR     folder for the SQLite file and uploads (default ./data)
DATABASE_URL       e.g. postgres://postgres@127.0.0.1:5432/linli (default sqlite:///$LINLI_DATA_DIR/linli.sqlite3)
LINLI_DEBUG        0/1 (default 1 for the embedded setup)
LINLI_SECRET_KEY   required when LINLI_DEBUG=0
LINLI_ALLOWED_HOSTS comma-separated (default localhost,127.0.0.1)
CELERY_BROKER_URL  e.g. redis://127.0.0.1:6379/0 (default: none, tasks run in-process)
LINLI_CACHE_URL    e.g. redis://127.0.0.1:6379/1 (default: a per-process memory cache)
LINLI_IMPORT_MAX_BYTES, LINLI_IMPORT_MAX_UNCOMPRESSED_BYTES, LINLI_IMPORT_MAX_COMPRESSION_RATIO,
LINLI_IMPORT_MAX_ARCHIVE_ENTRIES   workbook limits (docs/import-export.md)
LINLI_UPLOAD_*     limits on uploaded files (see "Uploaded files" below)
LINLI_FILE_SERVING django (default) | x-accel-redirect | x-sendfile: who sends stored files
LINLI_PII_KEY      required when LINLI_DEBUG=0: the AES-256 key of ID numbers and phones at rest
LINLI_PII_OLD_KEYS comma-separated earlier keys, decrypt only (during `linli pii rotate-key`)
LINLI_PII_HASH_KEY required when LINLI_DEBUG=0: the stable key of the look-up hashes
LINLI_PUBLIC_URL   the address residents reach Linli at, printed in every stairwell's QR code
                   (default http://127.0.0.1:8000); LINLI_STAIRWELL_* its report limits

Security (HTTPS, cookies, headers, logins, two-factor, sessions): see the block at the end and
the README's production table; each has a safe default for LINLI_DEBUG=0.
"""

import itertools
import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from linli.core import crypto

PACKAGE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected 0/1/true/false")


def _env_int(name: str, default: int, *, minimum: int = 0, maximum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from None
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"{minimum}…{maximum}" if maximum is not None else f">= {minimum}"
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a number {bounds}")
    return value


def _env_choice(name: str, default: str, choices: set[str]) -> str:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected one of {', '.join(sorted(choices))}")
    return value


DATA_DIR = Path(os.environ.get("LINLI_DATA_DIR") or Path.cwd() / "data").resolve()
DEBUG = _env_bool("LINLI_DEBUG", True)

SECRET_KEY = os.environ.get("LINLI_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("LINLI_SECRET_KEY must be set when LINLI_DEBUG=0")
    SECRET_KEY = "linli-insecure-development-key-do-not-use-in-production"


# Personal data at rest (linli.core.crypto; README "Key handling"). ID numbers and phones are
# encrypted under LINLI_PII_KEY (32 bytes, base64 or hex); LINLI_PII_OLD_KEYS still decrypt
# while `linli pii rotate-key` moves every value to the current key. LINLI_PII_HASH_KEY keys
# the look-up hashes and never changes (a new one would orphan every stored hash). The
# development keys are used only with LINLI_DEBUG=1 and protect nothing.
def _env_pii_key(name: str, development: bytes) -> bytes:
    raw = os.environ.get(name, "").strip()
    if raw:
        return crypto.parse_key(name, raw)
    if not DEBUG:
        raise ImproperlyConfigured(
            f"{name} must be set when LINLI_DEBUG=0 (a 32-byte key, base64): see the README, "
            '"Key handling". Without it the ID numbers and phones cannot be encrypted.'
        )
    return development


LINLI_PII_KEY = _env_pii_key("LINLI_PII_KEY", crypto.DEVELOPMENT_KEY)
LINLI_PII_HASH_KEY = _env_pii_key("LINLI_PII_HASH_KEY", crypto.DEVELOPMENT_HASH_KEY)
LINLI_PII_OLD_KEYS = [
    crypto.parse_key("LINLI_PII_OLD_KEYS", part)
    for part in os.environ.get("LINLI_PII_OLD_KEYS", "").split(",")
    if part.strip()
]

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("LINLI_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("LINLI_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "ninja",  # the API docs page from its own static files (no CDN, no inline script)
    "linli.accounts.apps.LoginAttemptsConfig",  # django-axes
    "django_otp",
    "linli.accounts.apps.TwoFactorDevicesConfig",  # django_otp.plugins.otp_totp
    "csp",
    "linli.core",
    "linli.accounts",
    "linli.ledger",
    "linli.grid",
    "linli.party",
    "linli.cases",
    "linli.selfgov",
    "linli.meetings",
    "linli.finance",
    "linli.commons",
    "linli.volunteers",
    "linli.care",
    "linli.infra",
    "linli.jobs",
    "linli.civility",
    "linli.stairwell",
    "linli.services",
    "linli.indicators",  # 指标: reads every domain app, read by the pages and the API
    "linli.demo",  # the demo county: on top of every app, imported by none
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "linli.core.csp.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "linli.core.middleware.InputBoundsMiddleware",  # a NUL byte anywhere: 400/422, not a 500
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "linli.accounts.middleware.LoginPolicyMiddleware",  # session lengths, the two-factor gate
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "linli.core.middleware.DomainErrorMiddleware",  # a DomainError left by a page: its page
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks: turns a lockout into its page
]

ROOT_URLCONF = "linli.urls"
WSGI_APPLICATION = "linli.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "linli.core.context_processors.navigation",
            ],
        },
    }
]

_default_db = f"sqlite:///{DATA_DIR / 'linli.sqlite3'}"
_db_url = os.environ.get("DATABASE_URL") or _default_db
try:
    _db = dj_database_url.parse(_db_url, conn_max_age=60)
except Exception as exc:  # dj-database-url raises several types
    raise ImproperlyConfigured(f"DATABASE_URL={_db_url!r} cannot be parsed: {exc}") from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    if _db["NAME"] not in ("", ":memory:"):
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
elif _db["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured(
        f"DATABASE_URL={_db_url!r}: only PostgreSQL and SQLite are supported"
    )
else:
    # One test database per test process, so parallel runs on one server don't collide.
    _db["TEST"] = {"NAME": f"test_{_db['NAME']}_{os.getpid()}"}
    # Server-side parameter binding lets psycopg prepare a statement the fifth time a
    # connection runs it (connections persist for CONN_MAX_AGE), so the hot queries — the
    # session, the user, a household's cases — are not planned again on every request.
    _db.setdefault("OPTIONS", {})["server_side_binding"] = True
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_PASSWORD_VALIDATION = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_PASSWORD_VALIDATION}.UserAttributeSimilarityValidator"},
    {
        "NAME": f"{_PASSWORD_VALIDATION}.MinimumLengthValidator",
        "OPTIONS": {"min_length": _env_int("LINLI_PASSWORD_MIN_LENGTH", 10, minimum=8)},
    },
    {"NAME": f"{_PASSWORD_VALIDATION}.CommonPasswordValidator"},
    {"NAME": f"{_PASSWORD_VALIDATION}.NumericPasswordValidator"},
]
# django-axes' backend first: it refuses a locked-out login before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "linli.accounts.backends.ProfileBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [PACKAGE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it to exist
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
WHITENOISE_USE_FINDERS = True
# Uploaded files live in MEDIA_ROOT and are never served from MEDIA_URL (no URL pattern routes
# it): each app's view checks the owner's scope, then linli.core.uploads.file_response sends it.
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

# Uploaded files (linli.core.uploads): every file's type is sniffed from its bytes, images are
# re-encoded without metadata, and these limits hold per file and per request.
LINLI_UPLOAD_MAX_FILE_BYTES = _env_int("LINLI_UPLOAD_MAX_FILE_BYTES", 10 * 1024 * 1024, minimum=1)
LINLI_UPLOAD_MAX_REQUEST_BYTES = _env_int(
    "LINLI_UPLOAD_MAX_REQUEST_BYTES", 40 * 1024 * 1024, minimum=1
)
LINLI_UPLOAD_MAX_FILES = _env_int("LINLI_UPLOAD_MAX_FILES", 6, minimum=1)
# pixels of one image (width × height) before it is decoded: decompression bombs stop here
LINLI_UPLOAD_MAX_PIXELS = _env_int("LINLI_UPLOAD_MAX_PIXELS", 50_000_000, minimum=1)
# images are scaled down to this many pixels on their longer side when stored (0: keep size)
LINLI_UPLOAD_IMAGE_MAX_SIDE = _env_int("LINLI_UPLOAD_IMAGE_MAX_SIDE", 2560)
# Who sends a stored file once the view has checked scope: Django itself (the embedded
# default), or the web server through X-Accel-Redirect (nginx) / X-Sendfile (Apache, lighttpd).
LINLI_FILE_SERVING = os.environ.get("LINLI_FILE_SERVING", "django").strip().lower() or "django"
if LINLI_FILE_SERVING not in {"django", "x-accel-redirect", "x-sendfile"}:
    raise ImproperlyConfigured(
        f"LINLI_FILE_SERVING={LINLI_FILE_SERVING!r}: "
        "expected django, x-accel-redirect or x-sendfile"
    )
# nginx: the internal location that aliases MEDIA_ROOT (X-Accel-Redirect: <prefix><file name>)
LINLI_FILE_SERVING_PREFIX = os.environ.get("LINLI_FILE_SERVING_PREFIX", "/_protected/").strip()
if not (LINLI_FILE_SERVING_PREFIX.startswith("/") and LINLI_FILE_SERVING_PREFIX.endswith("/")):
    raise ImproperlyConfigured(
        f"LINLI_FILE_SERVING_PREFIX={LINLI_FILE_SERVING_PREFIX!r}: "
        "expected a path such as /_protected/"
    )

# Caches (linli.core.cache): per-process memory in the embedded default; Redis in production, so
# an edit made through one worker is seen by every worker at once.
LINLI_CACHE_URL = os.environ.get("LINLI_CACHE_URL", "")
if LINLI_CACHE_URL and not LINLI_CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"LINLI_CACHE_URL={LINLI_CACHE_URL!r}: expected redis://host:port/db or rediss://…"
    )
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": LINLI_CACHE_URL,
            "KEY_PREFIX": "linli",
        }
        if LINLI_CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "KEY_PREFIX": "linli"}
    )
}

# Background work: Celery with a broker in production, in-process otherwise.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_BEAT_SCHEDULE = {
    # Cases: warn before the time limit, escalate one level after it (idempotent).
    "cases-check-deadlines": {
        "task": "linli.cases.check_deadlines",
        "schedule": 3600.0,
    },
    # Care: each visitor's due and overdue care visits, once a day (idempotent per day).
    "care-remind": {
        "task": "linli.care.remind",
        "schedule": 86400.0,
    },
    # Indicators: recompute the kept values of the (community, month) pairs marked dirty
    # (a catch-all: each commit that marks one also enqueues the job when a broker is set).
    "indicators-refresh": {
        "task": "linli.indicators.refresh",
        "schedule": 300.0,
    },
}


# Care visits (docs/care.md): how often each tier is visited (``7d``, ``2w``, ``1m``: days,
# weeks, calendar months), how early the window opens before the due date, the age from which
# living alone makes a person 高风险, and the hours within which an event must be answered.
def _env_period(name: str, default: str) -> str:
    raw = (os.environ.get(name) or default).strip()
    if not re.fullmatch(r"[1-9]\d*[dwm]", raw):
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a period such as 7d, 2w or 1m")
    return raw


LINLI_CARE_INTERVALS = {
    "high": _env_period("LINLI_CARE_INTERVAL_HIGH", "7d"),
    "key": _env_period("LINLI_CARE_INTERVAL_KEY", "1m"),
    "general": _env_period("LINLI_CARE_INTERVAL_GENERAL", "3m"),
}
LINLI_CARE_LEADS = {
    "high": _env_period("LINLI_CARE_LEAD_HIGH", "2d"),
    "key": _env_period("LINLI_CARE_LEAD_KEY", "7d"),
    "general": _env_period("LINLI_CARE_LEAD_GENERAL", "14d"),
}
LINLI_CARE_HIGH_AGE = _env_int("LINLI_CARE_HIGH_AGE", 80, minimum=1, maximum=150)
LINLI_CARE_EVENT_HOURS = _env_int("LINLI_CARE_EVENT_HOURS", 24, minimum=1, maximum=720)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LINLI_LOG_LEVEL", "WARNING")},
}


# Ledger import limits (docs/import-export.md). The file as uploaded; then, read from the ZIP
# central directory before anything is decompressed (linli.core.archives): what it inflates to
# in total (the benchmark's 100,000-household ledger: 20.7 MB on disk, 211 MiB inflated), each
# entry's compression ratio (real sheets: 3-15:1; entries under 1 MiB are exempt), the number
# of entries (a workbook has about 10).
LINLI_IMPORT_MAX_BYTES = _env_int("LINLI_IMPORT_MAX_BYTES", 64 * 1024 * 1024, minimum=1)
LINLI_IMPORT_MAX_UNCOMPRESSED_BYTES = _env_int(
    "LINLI_IMPORT_MAX_UNCOMPRESSED_BYTES", 512 * 1024 * 1024, minimum=1
)
LINLI_IMPORT_MAX_COMPRESSION_RATIO = _env_int("LINLI_IMPORT_MAX_COMPRESSION_RATIO", 100, minimum=1)
LINLI_IMPORT_MAX_ARCHIVE_ENTRIES = _env_int("LINLI_IMPORT_MAX_ARCHIVE_ENTRIES", 1000, minimum=1)

# ---------------------------------------------------------------------------------------------
# Security: HTTPS, cookies, headers, Content-Security-Policy, logins, two-factor, sessions.
# Defaults are strict when LINLI_DEBUG=0 and relaxed for the embedded http://127.0.0.1 setup;
# `linli check --deploy --fail-level WARNING` is clean with the production defaults (CI runs it).

# Reverse proxies (nginx) in front of Linli that set X-Forwarded-For and X-Forwarded-Proto.
# 0 = clients reach Linli directly (REMOTE_ADDR is the client); 1 = one nginx, and so on. Only
# then are those headers believed: the client address is the N-th from the right of
# X-Forwarded-For (what the outermost trusted proxy saw), and https is read from
# X-Forwarded-Proto, which the proxy must set (`proxy_set_header X-Forwarded-Proto $scheme`).
LINLI_PROXY_COUNT = _env_int("LINLI_PROXY_COUNT", 0, maximum=10)
if LINLI_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = _env_bool("LINLI_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^api/v1/health$"]  # a load balancer's plain-http probe
SECURE_HSTS_SECONDS = _env_int("LINLI_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("LINLI_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _env_bool("LINLI_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = _env_choice(
    "LINLI_REFERRER_POLICY",
    "same-origin",
    {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"},
)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Cookies: Secure over https; never readable by scripts (htmx sends the CSRF token from the
# page, not the cookie); SameSite=Lax so a link from WeChat or a text message still arrives
# signed in (Strict would drop the session on that first visit).
_SECURE_COOKIES = _env_bool("LINLI_SECURE_COOKIES", not DEBUG)
_SAMESITE = _env_choice("LINLI_COOKIE_SAMESITE", "Lax", {"Lax", "Strict"})
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = _SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = _SAMESITE

# Content-Security-Policy (django-csp 4): no inline script or style anywhere — behaviour lives in
# static/linli/linli.js, styles in static/linli/*.css, htmx runs without eval (base.html).
# linli.core.csp relaxes style-src for /admin/ only (see there why).
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "object-src": [_NONE],
        "base-uri": [_NONE],
        "frame-ancestors": [_NONE],
        "form-action": [_SELF],
    },
}

# Logins (django-axes): a username is locked after LINLI_LOGIN_FAILURE_LIMIT failures from any
# address, and an address after LINLI_LOGIN_ADDRESS_FAILURE_LIMIT failures for any usernames,
# each within LINLI_LOGIN_COOLDOWN_MINUTES; the lock lifts that long after the last failure, or
# with `linli accounts unlock`. See linli.accounts.throttle for why these two and not the pair.
LINLI_LOGIN_FAILURE_LIMIT = _env_int("LINLI_LOGIN_FAILURE_LIMIT", 5, minimum=1)
LINLI_LOGIN_ADDRESS_FAILURE_LIMIT = _env_int("LINLI_LOGIN_ADDRESS_FAILURE_LIMIT", 20, minimum=1)
LINLI_LOGIN_COOLDOWN_MINUTES = _env_int("LINLI_LOGIN_COOLDOWN_MINUTES", 15, minimum=1)
AXES_HANDLER = "linli.accounts.throttle.LoginAttemptHandler"
AXES_FAILURE_LIMIT = LINLI_LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # the order LoginAttemptHandler reads
AXES_COOLOFF_TIME = timedelta(minutes=LINLI_LOGIN_COOLDOWN_MINUTES)
AXES_CLIENT_IP_CALLABLE = "linli.accounts.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "linli.accounts.throttle.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failure kept (AccessFailureLog), not only counts
AXES_SENSITIVE_PARAMETERS: list[str] = []  # log the username and address (the password never)
AXES_RESET_ON_SUCCESS = True  # a right password clears that username's (and address's) count

# Two-factor (django-otp TOTP). With LINLI_REQUIRE_2FA=1 the roles that may unmask ID numbers
# (officials, community workers, staff and superusers; the 三长 too with
# LINLI_REQUIRE_2FA_LEADERS=1) set up an authenticator app and enter its 6-digit code after the
# password, before any page. Off by default so the embedded demo logs in with a password.
LINLI_REQUIRE_2FA = _env_bool("LINLI_REQUIRE_2FA", False)
LINLI_REQUIRE_2FA_LEADERS = _env_bool("LINLI_REQUIRE_2FA_LEADERS", False)
OTP_TOTP_ISSUER = "邻里 Linli"

# Sessions: office roles (officials, workers, department staff, staff users) are signed out after
# LINLI_OFFICE_SESSION_IDLE_MINUTES without a request and LINLI_OFFICE_SESSION_HOURS after they
# signed in; residents, committee members and the 三长 stay signed in on their phones for
# LINLI_SESSION_DAYS (linli.accounts.middleware).
LINLI_OFFICE_SESSION_HOURS = _env_int("LINLI_OFFICE_SESSION_HOURS", 8, minimum=1)
LINLI_OFFICE_SESSION_IDLE_MINUTES = _env_int("LINLI_OFFICE_SESSION_IDLE_MINUTES", 30, minimum=1)
LINLI_SESSION_DAYS = _env_int("LINLI_SESSION_DAYS", 14, minimum=1)
SESSION_COOKIE_AGE = LINLI_SESSION_DAYS * 24 * 3600


# --- volunteers (docs/volunteers.md) ----------------------------------------------------------


def _env_stars(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        values = tuple(int(v) for v in raw.replace(" ", "").split(","))
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected e.g. 100,300,600,1000,1500") from None
    if len(values) != 5 or any(b <= a for a, b in itertools.pairwise(values)):
        raise ImproperlyConfigured(f"{name}={raw!r}: expected five increasing numbers of hours")
    return values


# Cumulative approved hours for one to five stars (星级志愿者).
LINLI_VOLUNTEER_STAR_HOURS = _env_stars("LINLI_VOLUNTEER_STAR_HOURS", (100, 300, 600, 1000, 1500))
# Points (志愿积分) earned per approved hour of service.
LINLI_VOLUNTEER_POINTS_PER_HOUR = _env_int("LINLI_VOLUNTEER_POINTS_PER_HOUR", 10)
# How long a check-in QR code shown at an activity stays valid (seconds).
LINLI_VOLUNTEER_CHECKIN_MAX_AGE = _env_int("LINLI_VOLUNTEER_CHECKIN_MAX_AGE", 4 * 3600, minimum=60)
# A check-in opens this many minutes before the shift starts.
LINLI_VOLUNTEER_CHECKIN_EARLY_MINUTES = _env_int("LINLI_VOLUNTEER_CHECKIN_EARLY_MINUTES", 60)
# The most shifts one recurring activity (RFC 5545 rule) may expand to.
LINLI_VOLUNTEER_RRULE_MAX = _env_int("LINLI_VOLUNTEER_RRULE_MAX", 400, minimum=1)


# --- civility awards (docs/civility.md) --------------------------------------------------------


def _env_percents(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        values = tuple(int(v) for v in raw.replace(" ", "").split(","))
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected e.g. 60,70,80,90,95") from None
    if (
        len(values) != 5
        or any(b <= a for a, b in itertools.pairwise(values))
        or not 0 < values[0] <= values[-1] <= 100
    ):
        raise ImproperlyConfigured(f"{name}={raw!r}: expected five increasing percentages 1–100")
    return values


# 星级楼栋: the share of the checklist's full marks (%) for one to five stars.
LINLI_CIVILITY_STAR_PERCENTS = _env_percents("LINLI_CIVILITY_STAR_PERCENTS", (60, 70, 80, 90, 95))
# A household nomination needs this share of full marks (%) to go on the 公示.
LINLI_CIVILITY_PASS_PERCENT = _env_int("LINLI_CIVILITY_PASS_PERCENT", 60, minimum=1)
# Days of the 公示 (objections may be raised on each of them).
LINLI_CIVILITY_PUBLICITY_DAYS = _env_int("LINLI_CIVILITY_PUBLICITY_DAYS", 7, minimum=1)
# Volunteer points (志愿积分) for each registered volunteer of an awarded household.
LINLI_CIVILITY_AWARD_POINTS = _env_int("LINLI_CIVILITY_AWARD_POINTS", 50, minimum=0)

# ---------------------------------------------------------------------------------------------
# 楼道码 (linli.stairwell): the public address printed in each stairwell's QR code, and the
# limits on anonymous reports from those pages (a fixed window in the cache, linli.core.cache).
LINLI_PUBLIC_URL = os.environ.get("LINLI_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", LINLI_PUBLIC_URL):
    raise ImproperlyConfigured(
        f"LINLI_PUBLIC_URL={LINLI_PUBLIC_URL!r}: expected https://host[/path], no query or spaces"
    )
LINLI_STAIRWELL_WINDOW_MINUTES = _env_int("LINLI_STAIRWELL_WINDOW_MINUTES", 60, minimum=1)
# reports per device (its cookie) and per client address in one window; an address is shared
# by many phones behind a carrier's NAT, so it gets more
LINLI_STAIRWELL_REPORTS_PER_DEVICE = _env_int("LINLI_STAIRWELL_REPORTS_PER_DEVICE", 3, minimum=1)
LINLI_STAIRWELL_REPORTS_PER_ADDRESS = _env_int("LINLI_STAIRWELL_REPORTS_PER_ADDRESS", 20, minimum=1)
