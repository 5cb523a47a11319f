"""Settings for Linli, driven by environment variables.

Every variable has a default for the embedded setup (SQLite file, in-process tasks);
a bad value stops start-up with a message that names the variable.

LINLI_DATA_DIR     folder for the SQLite file and uploads (default ./data)
DATABASE_URL       e.g. postgres://postgres@127.0.0.1:5432/linli (default sqlite:///$LINLI_DATA_DIR/linli.sqlite3)
LINLI_DEBUG        0/1 (default 1 for the embedded setup)
LINLI_SECRET_KEY   required when LINLI_DEBUG=0
LINLI_ALLOWED_HOSTS comma-separated (default localhost,127.0.0.1)
CELERY_BROKER_URL  e.g. redis://127.0.0.1:6379/0 (default: none, tasks run in-process)
LINLI_IMPORT_MAX_BYTES, LINLI_IMPORT_MAX_UNCOMPRESSED_BYTES, LINLI_IMPORT_MAX_COMPRESSION_RATIO,
LINLI_IMPORT_MAX_ARCHIVE_ENTRIES   workbook limits (docs/import-export.md)
LINLI_UPLOAD_*     limits on uploaded files (see "Uploaded files" below)
LINLI_FILE_SERVING django (default) | x-accel-redirect | x-sendfile: who sends stored files
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

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


def _env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected at least {minimum}")
    return value


DATA_DIR = Path(os.environ.get("LINLI_DATA_DIR") or Path.cwd() / "data").resolve()
DEBUG = _env_bool("LINLI_DEBUG", True)

SECRET_KEY = os.environ.get("LINLI_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("LINLI_SECRET_KEY must be set when LINLI_DEBUG=0")
    SECRET_KEY = "linli-insecure-development-key-do-not-use-in-production"

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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
AUTHENTICATION_BACKENDS = ["linli.accounts.backends.ProfileBackend"]
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
}

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
