"""Settings for benchmarks: the project's, as production runs them (DEBUG off,
so no query log), minus what only matters behind HTTPS."""

import warnings

from repository.settings import *  # noqa: F403

# WhiteNoise looks for collected static files; pages render without them.
warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

DEBUG = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# No collectstatic manifest is needed to render pages in process.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # Failing pages show as their status in the results table.
    "loggers": {"django.request": {"level": "CRITICAL"}},
}
