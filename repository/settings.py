"""Settings for the repository, read from the environment.

Every value has a safe local default so `manage.py runserver` works on a fresh
checkout with SQLite; production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and
DATABASE_URL.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


DEBUG = envbool("DEBUG", "1")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY when DEBUG is off.")
    # Local development only: a fixed key is harmless when DEBUG is on.
    SECRET_KEY = "local-development-key-not-for-production"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "publications",
    "publications.ingest",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "repository.urls"
WSGI_APPLICATION = "repository.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "publications.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once; a busy timeout avoids
    # "database is locked" under a background import.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Audit history is read by record, never by date across records
# (publications/history.py): no index on the history tables' dates.
SIMPLE_HISTORY_DATE_INDEX = False

CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
        if os.environ.get("REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded import files are kept (not served) so a batch can be checked,
# applied and retried in the background.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# Uploads stay small in memory; larger ones stream to a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Import files larger than this are refused with a message saying so.
INGEST_MAX_FILE_SIZE = int(os.environ.get("INGEST_MAX_FILE_SIZE", 250 * 1024 * 1024))
# A batch still checking or applying with no progress for this long was cut
# off (a server restart) and is shown as failed, ready to retry.
INGEST_STALE_SECONDS = int(os.environ.get("INGEST_STALE_SECONDS", 120))
# Imports with more rows (or identifiers) than this, or files larger than this,
# are checked and applied in a background thread; their page refreshes.
INGEST_BACKGROUND_ROWS = int(os.environ.get("INGEST_BACKGROUND_ROWS", 500))
INGEST_BACKGROUND_BYTES = int(os.environ.get("INGEST_BACKGROUND_BYTES", 1024 * 1024))
# Files at least this large are parsed in a second process while they are
# checked (publications/importers/readahead.py).
INGEST_READ_AHEAD_BYTES = int(
    os.environ.get("INGEST_READ_AHEAD_BYTES", 8 * 1024 * 1024)
)

# Records looked up or harvested over HTTP (publications/ingest/http.py): the services
# called, each request's timeout in seconds, retries after 429/5xx/timeouts,
# the first retry's wait (doubling after), and the largest response read.
CROSSREF_API_URL = os.environ.get("CROSSREF_API_URL", "https://api.crossref.org")
NCBI_EUTILS_URL = os.environ.get(
    "NCBI_EUTILS_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
)
# Optional: with a key NCBI allows 10 requests a second instead of 3.
NCBI_API_KEY = os.environ.get("NCBI_API_KEY", "")
INGEST_HTTP_TIMEOUT = float(os.environ.get("INGEST_HTTP_TIMEOUT", 20))
INGEST_HTTP_RETRIES = int(os.environ.get("INGEST_HTTP_RETRIES", 3))
INGEST_HTTP_BACKOFF = float(os.environ.get("INGEST_HTTP_BACKOFF", 2))
INGEST_HTTP_MAX_BYTES = int(os.environ.get("INGEST_HTTP_MAX_BYTES", 64 * 1024 * 1024))

# Security: strict by default when DEBUG is off (clean under check --deploy).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "0" if DEBUG else "1")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "0" if DEBUG else "1")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

ADMINS = (
    [("Repository administrator", os.environ["ADMIN_EMAIL"])]
    if os.environ.get("ADMIN_EMAIL")
    else []
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# What a deployment names itself; defaults are generic.
REPOSITORY = {
    "NAME": os.environ.get("REPOSITORY_NAME", "Faculty Publications Repository"),
    "INSTITUTION": os.environ.get("INSTITUTION_NAME", "Example University"),
    "INSTITUTION_SHORT": os.environ.get("INSTITUTION_SHORT_NAME", "EU"),
    "COLLECTION": os.environ.get("COLLECTION_NAME", "Faculty Publications"),
    "DESCRIPTION": os.environ.get(
        "COLLECTION_DESCRIPTION",
        "Articles, reviews, chapters and conference papers written by our faculty, "
        "open to every reader.",
    ),
    "CONTACT_EMAIL": os.environ.get("CONTACT_EMAIL", "repository@example.edu"),
    "BASE_URL": os.environ.get("BASE_URL", "http://localhost:8000"),
    "OAI_IDENTIFIER": os.environ.get(
        "OAI_REPOSITORY_IDENTIFIER", "repository.example.edu"
    ),
}

PUBLICATIONS_PER_PAGE = int(os.environ.get("PUBLICATIONS_PER_PAGE", "50"))
